/**
 * WhatsApp target keys: which strings address a chat, and the JID each one means.
 *
 * Accepted keys: group JIDs (`120363…@g.us`, old `<creator>-<time>@g.us`), channel JIDs
 * (`…@newsletter`), person JIDs (`<digits>@s.whatsapp.net`, legacy `@c.us`, `<digits>@lid`; a
 * `:device` suffix is dropped) and phone numbers in international form (`+49 151 2345-6789`,
 * `+4915123456789`, `4915123456789`). The JID is the key's canonical form: the chat's identity in
 * the delivery ledger and the sandbox.
 */
import { PlatformError } from './platform-port';

/** A parsed WhatsApp target key. */
export type WhatsAppTarget =
  /** A group chat. */
  | { kind: 'group'; jid: string }
  /** A channel (`<digits>@newsletter`). */
  | { kind: 'newsletter'; jid: string }
  /** A person addressed by phone number (`<digits>@s.whatsapp.net`). */
  | { kind: 'phone'; jid: string; phone: string }
  /** A person addressed by their LID (`<digits>@lid`), which hides the phone number. */
  | { kind: 'lid'; jid: string };

const GROUP_JID = /^\d{1,20}(?:-\d{1,20})?@g\.us$/;
const NEWSLETTER_JID = /^\d{1,20}@newsletter$/;
const PHONE_JID = /^(\d{1,20})(?::\d+)?@(?:s\.whatsapp\.net|c\.us)$/;
const LID_JID = /^(\d{1,20})(?::\d+)?@lid$/;
const PHONE_SEPARATORS = /[\s\-().]/g;
// E.164: a country code never starts with 0, and the whole number has at most 15 digits.
const E164_DIGITS = /^[1-9]\d{6,14}$/;

const EXPECTED =
  'expected a group JID (…@g.us), a channel (…@newsletter), a person JID (…@s.whatsapp.net or …@lid) ' +
  'or a phone number with country code (+4915123456789)';

/**
 * The digits of a phone number in international form, or null when `phone` is not one.
 *
 * Spaces, dashes, dots and brackets between digits are ignored; the leading `+` is optional. A
 * leading `-` is no separator: `-100…` is a Telegram id, not a number to dial.
 */
export function phoneDigits(phone: string): string | null {
  const trimmed = phone.trim();
  if (!/^\+?\d/.test(trimmed)) return null;
  const compact = trimmed.replace(PHONE_SEPARATORS, '');
  const digits = compact.startsWith('+') ? compact.slice(1) : compact;
  return E164_DIGITS.test(digits) ? digits : null;
}

/**
 * Parses a WhatsApp target key without asking WhatsApp anything.
 *
 * @throws PlatformError `invalid` when `key` is none of the accepted forms.
 */
export function parseWhatsAppTarget(key: string): WhatsAppTarget {
  const trimmed = key.trim();
  const lowered = trimmed.toLowerCase();
  if (GROUP_JID.test(lowered)) return { kind: 'group', jid: lowered };
  if (NEWSLETTER_JID.test(lowered)) return { kind: 'newsletter', jid: lowered };

  const phoneJid = PHONE_JID.exec(lowered);
  if (phoneJid?.[1] !== undefined) return phoneTarget(phoneJid[1]);

  const lid = LID_JID.exec(lowered);
  if (lid?.[1] !== undefined) return { kind: 'lid', jid: `${lid[1]}@lid` };

  const digits = phoneDigits(trimmed);
  if (digits !== null) return phoneTarget(digits);

  throw new PlatformError('invalid', `not a WhatsApp target: ${JSON.stringify(key)} (${EXPECTED})`);
}

function phoneTarget(digits: string): WhatsAppTarget {
  return { kind: 'phone', jid: `${digits}@s.whatsapp.net`, phone: `+${digits}` };
}
