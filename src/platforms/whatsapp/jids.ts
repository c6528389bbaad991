/**
 * WhatsApp target keys: which strings address a chat, and the JID each one means.
 *
 * Accepted keys: group JIDs (`120363…@g.us`, old `<creator>-<time>@g.us`), person JIDs
 * (`<digits>@s.whatsapp.net`, legacy `@c.us`, `<digits>@lid`; a `:device` suffix is dropped) and
 * phone numbers in international form (`+49 151 2345-6789`, `+4915123456789`, `4915123456789`).
 */
import { PlatformError } from '../types';
import type { WhatsAppSocket } from './socket';

/** A parsed target key. */
export type WhatsAppTarget =
  /** A group chat. */
  | { kind: 'group'; jid: string }
  /** A person addressed by phone number (`<digits>@s.whatsapp.net`). */
  | { kind: 'phone'; jid: string; phone: string }
  /** A person addressed by their LID (`<digits>@lid`), which hides the phone number. */
  | { kind: 'lid'; jid: string };

const GROUP_JID = /^\d+(?:-\d+)?@g\.us$/;
const PHONE_JID = /^(\d+)(?::\d+)?@(?:s\.whatsapp\.net|c\.us)$/;
const LID_JID = /^(\d+)(?::\d+)?@lid$/;
const PHONE_SEPARATORS = /[\s\-().]/g;
// E.164: a country code never starts with 0, and the whole number has at most 15 digits.
const E164_DIGITS = /^[1-9]\d{6,14}$/;

const EXPECTED =
  'expected a group JID (…@g.us), a person JID (…@s.whatsapp.net or …@lid) ' +
  'or a phone number with country code (+4915123456789)';

/**
 * The digits of a phone number in international form, or null when `phone` is not one.
 *
 * Spaces, dashes, dots and brackets are ignored; the leading `+` is optional.
 */
export function phoneDigits(phone: string): string | null {
  const compact = phone.trim().replace(PHONE_SEPARATORS, '');
  const digits = compact.startsWith('+') ? compact.slice(1) : compact;
  return E164_DIGITS.test(digits) ? digits : null;
}

/**
 * Parses a target key without asking WhatsApp anything.
 *
 * @throws PlatformError `invalid` when `key` is none of the accepted forms.
 */
export function parseTarget(key: string): WhatsAppTarget {
  const trimmed = key.trim();
  const lowered = trimmed.toLowerCase();
  if (GROUP_JID.test(lowered)) return { kind: 'group', jid: lowered };

  const phoneJid = PHONE_JID.exec(lowered);
  if (phoneJid?.[1] !== undefined) return phoneTarget(phoneJid[1]);

  const lid = LID_JID.exec(lowered);
  if (lid?.[1] !== undefined) return { kind: 'lid', jid: `${lid[1]}@lid` };

  const digits = phoneDigits(trimmed);
  if (digits !== null) return phoneTarget(digits);

  throw new PlatformError('invalid', `not a WhatsApp target: "${key}" (${EXPECTED})`);
}

function phoneTarget(digits: string): WhatsAppTarget {
  return { kind: 'phone', jid: `${digits}@s.whatsapp.net`, phone: `+${digits}` };
}

/**
 * Parses a target key and, for phone numbers, asks WhatsApp whether the number has an account
 * (`onWhatsApp`). The JID WhatsApp answers replaces ours, since it can differ from the dialled
 * number (Brazilian mobile numbers with and without the extra 9, say).
 *
 * Groups and LIDs are not looked up here: `onWhatsApp` does not take them, and sending to a
 * group the account is not in fails with its own `forbidden`/`not_found`.
 *
 * @throws PlatformError `invalid` for a malformed key, `not_found` for a number without WhatsApp.
 */
export async function resolveTarget(
  key: string,
  socket: Pick<WhatsAppSocket, 'onWhatsApp'>,
): Promise<WhatsAppTarget> {
  const target = parseTarget(key);
  if (target.kind !== 'phone') return target;

  const results = await socket.onWhatsApp(target.jid);
  if (results === undefined) {
    throw new PlatformError('transient', `whatsapp: could not check whether ${target.phone} is on WhatsApp`);
  }
  const found = results.find((result) => result.exists);
  if (!found) throw new PlatformError('not_found', `${target.phone} is not on WhatsApp`);

  const canonical = PHONE_JID.exec(found.jid.toLowerCase());
  return canonical?.[1] !== undefined ? phoneTarget(canonical[1]) : target;
}
