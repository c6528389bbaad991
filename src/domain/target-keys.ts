/**
 * The one target-key grammar: every key the API, the drivers or the sandbox accept goes through
 * here, so two spellings of one chat (`@channel1`, `t.me/Channel1`) become one identity before
 * they reach the delivery ledger. The per-platform parsers are in `telegram-target-keys` and
 * `whatsapp-target-keys`.
 */
import { isPlatformError, type Platform } from './platform-port';
import { parseTelegramTarget } from './telegram-target-keys';
import { parseWhatsAppTarget } from './whatsapp-target-keys';

/** An example of each accepted form, for error messages. */
export const TARGET_KEY_FORMS: Record<Platform, string> = {
  telegram: '@username, username, t.me/username, or a numeric id such as -1001234567890',
  whatsapp:
    'a group JID (…@g.us), a person JID (…@s.whatsapp.net or …@lid), a channel (…@newsletter) or a phone number with country code (+4915123456789)',
};

/**
 * The canonical key of `raw` on `platform`: `@` and the lower-cased username or the marked id on
 * Telegram, the JID on WhatsApp.
 *
 * @throws PlatformError `invalid` when `raw` is no target key of `platform`.
 */
export function canonicalTargetKey(platform: Platform, raw: string): string {
  return platform === 'telegram' ? parseTelegramTarget(raw).key : parseWhatsAppTarget(raw).jid;
}

/** The canonical key of `raw` on `platform`, or null when it is none of the platform's forms. */
export function canonicalTargetKeyOrNull(platform: Platform, raw: string): string | null {
  try {
    return canonicalTargetKey(platform, raw);
  } catch (err) {
    if (isPlatformError(err, 'invalid')) return null;
    throw err;
  }
}

/** The outcome of {@link canonicalTargetKeys}: the keys' canonical forms in order, or why they are refused. */
export type CanonicalTargetKeys = { ok: true; keys: string[] } | { ok: false; error: string };

/**
 * Canonicalises the target keys of one request. Refused: keys that are not targets of `platform`
 * (all listed), and keys naming the same chat (each such spelling named as given, so the caller
 * sees which). `field` prefixes the error, as the API names the field at fault. `chatOf` tells
 * which chat a canonical key names when that takes more than its spelling — a username and a
 * numeric id of one known chat, say; by default every canonical key is a chat of its own.
 */
export function canonicalTargetKeys(
  platform: Platform,
  keys: readonly string[],
  field = 'target_keys',
  chatOf: (canonicalKey: string) => string = (key) => key,
): CanonicalTargetKeys {
  const canonical = keys.map((key) => canonicalTargetKeyOrNull(platform, key));
  const malformed = keys.filter((_, i) => canonical[i] === null);
  if (malformed.length > 0) {
    return { ok: false, error: `${field}: not ${platform} targets: ${malformed.join(', ')} (expected ${TARGET_KEY_FORMS[platform]})` };
  }
  const spellings = new Map<string, string[]>();
  keys.forEach((key, i) => {
    const chat = chatOf(canonical[i]!);
    spellings.set(chat, [...(spellings.get(chat) ?? []), key]);
  });
  const repeated = [...spellings.values()].filter((given) => given.length > 1);
  if (repeated.length > 0) {
    return { ok: false, error: `${field}: ${repeated.map(sameChat).join('; ')}` };
  }
  return { ok: true, keys: canonical as string[] };
}

function sameChat(given: string[]): string {
  const quoted = given.map((key) => JSON.stringify(key));
  return `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)} name the same chat`;
}

/** A chat an account knows (from a scan) by its key, its platform id and its username. */
export interface KnownChatNames {
  key: string;
  platformId: string;
  username: string | null;
}

/**
 * Which chat a canonical key names among `chats`: the key, username and platform id of a known
 * chat all name that chat (its canonical key); any other key is a chat of its own.
 */
export function knownChatResolver(platform: Platform, chats: readonly KnownChatNames[]): (canonicalKey: string) => string {
  const chatOf = new Map<string, string>();
  for (const chat of chats) {
    const identity = canonicalTargetKeyOrNull(platform, chat.key) ?? chat.key;
    for (const name of [chat.key, chat.platformId, chat.username]) {
      const key = name === null ? null : canonicalTargetKeyOrNull(platform, name);
      if (key !== null && !chatOf.has(key)) chatOf.set(key, identity);
    }
  }
  return (key) => chatOf.get(key) ?? key;
}
