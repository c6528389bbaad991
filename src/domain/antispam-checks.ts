import type { AntispamSettings } from './antispam-config';
import { findBannedWord } from './banned-words';
import { findLinks } from './links';
import type { SenderKind } from './platform-port';

/** Why anti-spam judged a message spam, one name per check. */
export const SPAM_REASONS = [
  'flood',
  'link',
  'banned_word',
  'emojis',
  'new_member_link',
  'new_member_forward',
  'banned_user',
] as const;
export type SpamReasonName = (typeof SPAM_REASONS)[number];

/** One check's finding: its reason and what it found, for the automation log. */
export interface SpamReason {
  reason: SpamReasonName;
  detail: string;
}

/** What the inbound pipeline knows of a message. */
export interface MessageFacts {
  text: string;
  /** Links hidden behind words (Telegram's text-URL entities), which the text itself does not show. */
  hiddenUrls?: readonly string[];
  /** True when the message was forwarded from elsewhere. */
  isForward: boolean;
  /** When it was sent: the "now" of every time window. */
  at: Date;
}


/** What the inbound pipeline knows of a message's sender in its chat. */
export interface SenderFacts {
  /** The platform's id of the sender. */
  id: string;
  username: string | null;
  kind: SenderKind;
  /** True when the sender is an admin (or the owner) of the chat. */
  isAdmin: boolean;
  /** When the sender last joined the chat, when the pipeline saw it; null when unknown. */
  joinedAt: Date | null;
  /** How many messages the sender posted in the chat since `joinedAt`, before this one. */
  messagesSinceJoin: number;
}

/** What the pipeline keeps about a sender (in PostgreSQL) and hands to the decision. */
export interface SenderRecord {
  /** True when the sender is on the ban list. */
  banned: boolean;
  /** When the sender posted their earlier messages in this chat; only those within the flood window count. */
  recentMessages: readonly Date[];
  /** When the sender's earlier offences were decided (one per spam decision); the ladder counts those within `warn_window_hours`. */
  offences: readonly Date[];
}

/** A sender record with nothing in it: not banned, no history. */
export const EMPTY_SENDER_RECORD: SenderRecord = { banned: false, recentMessages: [], offences: [] };

/** Everything a check may look at. */
export interface CheckInput {
  message: MessageFacts;
  sender: SenderFacts;
  settings: AntispamSettings;
  record: SenderRecord;
}

/** One independent anti-spam check: its finding, or null when the message passes it. */
export type AntispamCheck = (input: CheckInput) => SpamReason | null;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** A pictograph, a flag's regional indicator or a keycap's enclosing mark. */
const EMOJI_PART = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/**
 * How many emojis `text` holds: user-perceived characters (grapheme clusters) that contain a
 * pictograph, so a skin-toned 👍🏽, a family joined by zero-width joiners, a flag or a keycap each
 * count once. Symbols such as © and ™ are pictographs and count too.
 */
export function countEmojis(text: string): number {
  let count = 0;
  for (const { segment } of graphemes.segment(text)) if (EMOJI_PART.test(segment)) count++;
  return count;
}

/** The links of a message: those written in its text, then those hidden behind its words. */
export function messageLinks(message: MessageFacts): string[] {
  return [...findLinks(message.text), ...(message.hiddenUrls ?? [])];
}

/**
 * How many of `times` fall within the `seconds` before `at`: later than `at - seconds`, not later
 * than `at`. A time exactly `seconds` old has left the window.
 */
export function countWithin(times: readonly Date[], at: Date, seconds: number): number {
  const now = at.getTime();
  const since = now - seconds * 1000;
  return times.filter((t) => t.getTime() > since && t.getTime() <= now).length;
}

/**
 * True while a sender counts as new in a chat: they joined within `within_hours` before the
 * message and have posted fewer than `messages` messages since.
 */
export function isNewMember(sender: SenderFacts, settings: AntispamSettings, at: Date): boolean {
  const { messages, within_hours } = settings.new_member_checks;
  if (messages === 0 || sender.joinedAt === null) return false;
  const age = at.getTime() - sender.joinedAt.getTime();
  return age >= 0 && age < within_hours * 3_600_000 && sender.messagesSinceJoin < messages;
}

/** A sender on the ban list: every message of theirs is spam. */
export const checkBannedUser: AntispamCheck = ({ record }) =>
  record.banned ? { reason: 'banned_user', detail: 'the sender is banned' } : null;

/** More than `flood_limit` messages, this one included, within `flood_window_seconds`. */
export const checkFlood: AntispamCheck = ({ message, settings, record }) => {
  const { flood_limit, flood_window_seconds } = settings;
  if (flood_limit === 0) return null;
  const count = countWithin(record.recentMessages, message.at, flood_window_seconds) + 1;
  return count > flood_limit
    ? { reason: 'flood', detail: `${count} messages within ${flood_window_seconds} s (limit ${flood_limit})` }
    : null;
};

/** Any link, when `block_links` is on. */
export const checkLinks: AntispamCheck = ({ message, settings }) => {
  if (!settings.block_links) return null;
  const [link] = messageLinks(message);
  return link === undefined ? null : { reason: 'link', detail: link };
};

/** A banned word, whole. */
export const checkBannedWords: AntispamCheck = ({ message, settings }) => {
  const word = findBannedWord(message.text, settings.banned_words);
  return word === null ? null : { reason: 'banned_word', detail: word };
};

/** More than `max_emojis` emojis. */
export const checkEmojis: AntispamCheck = ({ message, settings }) => {
  if (settings.max_emojis === 0) return null;
  const count = countEmojis(message.text);
  return count > settings.max_emojis ? { reason: 'emojis', detail: `${count} emojis (limit ${settings.max_emojis})` } : null;
};

/** A link from a new member (see {@link isNewMember}), whatever `block_links` says. */
export const checkNewMemberLink: AntispamCheck = ({ message, sender, settings }) => {
  if (!isNewMember(sender, settings, message.at)) return null;
  const [link] = messageLinks(message);
  return link === undefined ? null : { reason: 'new_member_link', detail: link };
};

/** A forward from a new member (see {@link isNewMember}). */
export const checkNewMemberForward: AntispamCheck = ({ message, sender, settings }) =>
  message.isForward && isNewMember(sender, settings, message.at)
    ? { reason: 'new_member_forward', detail: 'a forwarded message from a new member' }
    : null;

/** Every check, in the order their reasons are reported. */
export const ANTISPAM_CHECKS: readonly AntispamCheck[] = [
  checkBannedUser,
  checkFlood,
  checkLinks,
  checkBannedWords,
  checkEmojis,
  checkNewMemberLink,
  checkNewMemberForward,
];

/** The findings of every check that `input` fails, in {@link ANTISPAM_CHECKS} order. */
export function runChecks(input: CheckInput): SpamReason[] {
  return ANTISPAM_CHECKS.map((check) => check(input)).filter((r): r is SpamReason => r !== null);
}
