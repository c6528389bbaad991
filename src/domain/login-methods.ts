/** The ways each platform logs a real account in, and what each way needs. */
import type { Platform } from './platform-port';

/** How a real account logs in: a phone code (Telegram), a QR code, or a pairing code (WhatsApp). */
export type LoginMethod = 'phone' | 'qr' | 'pairing_code';

/** The login methods of each platform; the first is the default. */
const METHODS_OF: Record<Platform, readonly LoginMethod[]> = {
  telegram: ['phone', 'qr'],
  whatsapp: ['qr', 'pairing_code'],
};

/** The login method a request asks for, or the platform's default. */
export function loginMethodOf(platform: Platform, login: LoginMethod | undefined): LoginMethod {
  return login ?? METHODS_OF[platform][0]!;
}

/**
 * Why `login` cannot log a `platform` account in with `phone`, or null when it can: Telegram
 * logs in by phone code (which needs the phone) or QR code, WhatsApp by QR code or pairing code
 * (which needs the phone).
 */
export function loginProblem(platform: Platform, login: LoginMethod, phone: string | null | undefined): { field: string; message: string } | null {
  if (!METHODS_OF[platform].includes(login)) {
    return { field: 'login', message: `${platform} logs in with ${METHODS_OF[platform].map((m) => `"${m}"`).join(' or ')}` };
  }
  if ((login === 'phone' || login === 'pairing_code') && !phone) {
    return { field: 'phone', message: `a ${login === 'phone' ? 'phone-code' : 'pairing-code'} login needs the account's phone number` };
  }
  return null;
}
