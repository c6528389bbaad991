/**
 * WhatsApp target resolution: a target key (parsed by the domain's grammar) checked against
 * WhatsApp itself, which alone knows whether a phone number has an account.
 */
import { isPlatformError, PlatformError } from '../../domain/platform-port';
import { parseWhatsAppTarget, type WhatsAppTarget } from '../../domain/whatsapp-target-keys';
import type { WhatsAppSocket } from './socket';

/**
 * Parses a target key and, for phone numbers, asks WhatsApp whether the number has an account
 * (`onWhatsApp`). The JID WhatsApp answers replaces ours, since it can differ from the dialled
 * number (Brazilian mobile numbers with and without the extra 9, say).
 *
 * Groups, channels and LIDs are not looked up here: `onWhatsApp` does not take them, and sending to a
 * group the account is not in fails with its own `forbidden`/`not_found`.
 *
 * @throws PlatformError `invalid` for a malformed key, `not_found` for a number without WhatsApp.
 */
export async function resolveTarget(
  key: string,
  socket: Pick<WhatsAppSocket, 'onWhatsApp'>,
): Promise<WhatsAppTarget> {
  const target = parseWhatsAppTarget(key);
  if (target.kind !== 'phone') return target;

  const results = await socket.onWhatsApp(target.jid);
  if (results === undefined) {
    throw new PlatformError('transient', `whatsapp: could not check whether ${target.phone} is on WhatsApp`);
  }
  const found = results.find((result) => result.exists);
  if (!found) throw new PlatformError('not_found', `${target.phone} is not on WhatsApp`);

  const answered = personJidOf(found.jid);
  return answered ?? target;
}

/** The phone target of a JID WhatsApp answered, or null when it is none (then the dialled one stands). */
function personJidOf(jid: string): WhatsAppTarget | null {
  try {
    const parsed = parseWhatsAppTarget(jid);
    return parsed.kind === 'phone' ? parsed : null;
  } catch (err) {
    if (isPlatformError(err, 'invalid')) return null;
    throw err;
  }
}
