/** The shapes of the accounts API this page shows, taken from the generated schema, and how it words them. */
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type AccountSummary = Json<paths['/api/v1/accounts']['get']['responses'][200]>['accounts'][number];
export type AccountDetail = Json<paths['/api/v1/accounts/{id}']['get']['responses'][200]>['account'];
export type Budget = AccountDetail['budget'];
export type Platform = AccountSummary['platform'];
export type LoginMethod = NonNullable<NonNullable<paths['/api/v1/accounts']['post']['requestBody']>['content']['application/json']['login']>;
export type Profile = Json<paths['/api/v1/accounts/{id}/profile']['get']['responses'][200]>['profile'];
export type Faults = Json<paths['/api/v1/accounts/{id}/sandbox/faults']['put']['responses'][200]>['faults'];
export type OutboxItem = Json<paths['/api/v1/accounts/{id}/sandbox/outbox']['get']['responses'][200]>['items'][number];

export const PLATFORM_OPTIONS: ReadonlyArray<{ value: Platform; label: string }> = [
  { value: 'telegram', label: 'Telegram' },
  { value: 'whatsapp', label: 'WhatsApp' },
];

/** The login methods each platform offers, its default first (as the API picks it). */
export const LOGIN_OPTIONS: Record<Platform, ReadonlyArray<{ value: LoginMethod; label: string }>> = {
  telegram: [
    { value: 'phone', label: 'A code Telegram sends to the phone' },
    { value: 'qr', label: 'A QR code scanned in Telegram' },
  ],
  whatsapp: [
    { value: 'qr', label: 'A QR code scanned in WhatsApp' },
    { value: 'pairing_code', label: 'A pairing code typed in WhatsApp' },
  ],
};

/** Statuses in which a login waits for someone: the page polls the account every 2 s meanwhile. */
const WAITING = new Set(['code_sent', 'qr', 'password_required']);

export function isLoginWaiting(account: Pick<AccountDetail, 'status' | 'sandbox'>): boolean {
  return !account.sandbox && WAITING.has(account.status);
}

const STATUS_WORDS: Record<string, string> = {
  connected: 'connected',
  disconnected: 'disconnected',
  restricted: 'restricted (PEER_FLOOD)',
  replaced: 'replaced by another client',
  code_sent: 'waiting for the code',
  qr: 'waiting for the QR code scan',
  password_required: 'waiting for the 2FA password',
};

export function statusWords(status: string, login?: string): string {
  if (status === 'code_sent' && login === 'pairing_code') return 'waiting for the pairing code';
  return STATUS_WORDS[status] ?? status;
}

export function statusTone(status: string): 'good' | 'warn' | 'bad' | 'neutral' {
  if (status === 'connected') return 'good';
  if (WAITING.has(status)) return 'warn';
  if (status === 'restricted' || status === 'replaced' || status === 'disconnected') return 'bad';
  return 'neutral';
}

/**
 * A whole number typed into a field, for a body the API checks again (it names the field when
 * out of range); an error naming the field when it is not a number at all.
 */
export function wholeNumber(label: string, text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value)) throw new Error(`${label}: give a whole number`);
  return value;
}
