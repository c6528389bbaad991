/**
 * What WhatsApp offers for moderation, and what it does not.
 *
 * - Delete: a message is deleted for everyone by sending a revoke of its key
 *   (`sendMessage(chat, { delete: key })`); others' messages only in a group the account administers.
 * - Ban: `groupParticipantsUpdate(group, [member], 'remove')`, by a group admin. WhatsApp keeps no
 *   ban list: a removed member can come back when an admin adds them or through an invite link, so
 *   there is nothing for an unban to lift.
 * - Mute: WhatsApp has no per-member mute (only "admins only" for the whole group). A mute is refused
 *   as `invalid` with `MODERATION_UNSUPPORTED` in the message; the caller deletes the message
 *   instead and logs why.
 */
import { MODERATION_UNSUPPORTED, PlatformError } from '../../domain/platform-port';
import { parseWhatsAppTarget } from '../../domain/whatsapp-target-keys';
import { RATE_LIMIT_RETRY_SECONDS } from './errors';

/** The refusal of a mute: WhatsApp cannot mute one member. */
export function muteUnsupported(chatKey: string): PlatformError {
  return new PlatformError(
    'invalid',
    `${MODERATION_UNSUPPORTED} on whatsapp: WhatsApp has no per-member mute (in ${chatKey}); delete the member's messages or remove them instead`,
  );
}

/** The JID of the member a moderation action names (a person JID, a LID, or a phone number). */
export function memberJid(userId: string): string {
  const target = parseWhatsAppTarget(userId);
  if (target.kind === 'group' || target.kind === 'newsletter') {
    throw new PlatformError('invalid', `whatsapp: ${userId} is a chat, not a member`);
  }
  return target.jid;
}

/**
 * The failure a participant's status in a `groupParticipantsUpdate` answer stands for, or null
 * when the member is out of the group: removed now (200) or not in it anyway (404).
 */
export function removalFailure(status: string, group: string, member: string): PlatformError | null {
  if (status === '200' || status === '404') return null;
  const what = `whatsapp: removing ${member} from ${group} failed (${status})`;
  if (status === '401' || status === '403') return new PlatformError('forbidden', `${what}: the account is not an admin, or the member is the group's creator`);
  if (status === '429') return PlatformError.rateLimited(RATE_LIMIT_RETRY_SECONDS, what);
  if (/^4\d\d$/.test(status)) return new PlatformError('invalid', what);
  return new PlatformError('transient', what);
}
