/**
 * Telegram target keys: the strings users give AutoHub to name a chat (`@username`, `username`,
 * `t.me/username`, `https://telegram.me/username`, `-1001234567890`, `-123456`, `777000`), parsed
 * into one canonical form.
 *
 * Canonical keys are the chat's identity everywhere — the delivery ledger, the peer cache, the
 * sandbox: `@` plus the lower-cased username (Telegram usernames ignore case), or the "marked" id
 * GramJS uses (`-100<id>` for channels and supergroups, `-<id>` for basic groups, `<id>` for users).
 */
import { PlatformError } from './platform-port';

/** What kind of Telegram peer an id names. */
export type PeerType = 'user' | 'chat' | 'channel';

/** A parsed Telegram target key. */
export type TelegramTarget =
  | { kind: 'username'; username: string; key: string }
  | { kind: 'id'; type: PeerType; id: string; key: string };

const USERNAME_RE = /^[a-z][a-z0-9_]{3,31}$/i;
const LINK_RE = /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)\/(.*)$/i;
const CHANNEL_MARK = '-100';
/** Telegram ids are signed 64-bit integers. */
const MAX_ID = 2n ** 63n - 1n;

/**
 * Parses a Telegram target key.
 *
 * @throws PlatformError `invalid` when the key has no Telegram shape at all, is an invite link (an
 *   invite names no chat until the account joins it), or holds an id out of Telegram's range.
 */
export function parseTelegramTarget(raw: string): TelegramTarget {
  const input = raw.trim();
  if (input === '') throw invalidKey(raw, 'the key is empty');

  const link = LINK_RE.exec(input);
  if (link?.[1] !== undefined) return parseLinkPath(raw, link[1]);
  if (/^-?\d+$/.test(input)) return parseMarkedId(raw, input);

  const name = input.startsWith('@') ? input.slice(1) : input;
  if (!USERNAME_RE.test(name)) throw invalidKey(raw, 'not a username, t.me link or numeric id');
  return usernameKey(name);
}

/** The marked id for a peer: `-100<id>` for channels, `-<id>` for basic groups, `<id>` for users. */
export function markedId(type: PeerType, id: string): string {
  if (type === 'channel') return `${CHANNEL_MARK}${id}`;
  if (type === 'chat') return `-${id}`;
  return id;
}

/** The canonical key for a username, with or without its `@`. */
export function usernameKey(username: string): TelegramTarget & { kind: 'username' } {
  const name = username.replace(/^@/, '');
  return { kind: 'username', username: name, key: `@${name.toLowerCase()}` };
}

function parseLinkPath(raw: string, path: string): TelegramTarget {
  const segments = path.split(/[/?#]/).filter((s) => s !== '');
  const [first, second] = segments;
  if (first === undefined) throw invalidKey(raw, 'the link names no chat');
  if (first.startsWith('+') || first.toLowerCase() === 'joinchat') {
    throw invalidKey(raw, 'invite links cannot be targets; join the chat and use its id or username');
  }
  // t.me/c/<id>/<msg> links point into private channels and supergroups by their bare id.
  if (first === 'c' && second !== undefined && /^\d+$/.test(second)) {
    return idKey(raw, 'channel', second);
  }
  // t.me/s/<name> is the web preview of a public channel.
  const name = first === 's' && second !== undefined ? second : first;
  if (!USERNAME_RE.test(name)) throw invalidKey(raw, 'the link names no valid username');
  return usernameKey(name);
}

function parseMarkedId(raw: string, digits: string): TelegramTarget {
  // Same rule as GramJS's resolveId: "-100" followed by a non-zero digit is a channel, so a basic
  // group whose id happens to start with zeros is not mistaken for one.
  const channel = /^-100([1-9]\d*)$/.exec(digits);
  if (channel?.[1] !== undefined) return idKey(raw, 'channel', channel[1]);
  if (digits.startsWith('-')) return idKey(raw, 'chat', digits.slice(1));
  return idKey(raw, 'user', digits);
}

function idKey(raw: string, type: PeerType, id: string): TelegramTarget {
  const value = BigInt(id);
  if (value <= 0n || value > MAX_ID) throw invalidKey(raw, 'the id is out of range');
  const plain = value.toString();
  return { kind: 'id', type, id: plain, key: markedId(type, plain) };
}

function invalidKey(raw: string, why: string): PlatformError {
  return new PlatformError('invalid', `invalid Telegram target key ${JSON.stringify(raw)}: ${why}`);
}
