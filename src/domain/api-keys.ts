import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so a leaked key is recognisable in logs and secret scanners. */
const KEY_PREFIX = 'ahk_';
/** Characters of the key shown in listings; enough to tell keys apart, useless to an attacker. */
const VISIBLE_PREFIX_LENGTH = KEY_PREFIX.length + 8;

/** A freshly generated API key: the token is shown once; only the hash is stored. */
export interface GeneratedKey {
  token: string;
  hash: string;
  prefix: string;
}

/** Generates a random 32-byte API key. */
export function generateApiKey(): GeneratedKey {
  return describeApiKey(KEY_PREFIX + randomBytes(32).toString('base64url'));
}

/** Hash and visible prefix of a given token (used for `AUTOHUB_ADMIN_KEY`). */
export function describeApiKey(token: string): GeneratedKey {
  return { token, hash: hashApiKey(token), prefix: token.slice(0, VISIBLE_PREFIX_LENGTH) };
}

/** SHA-256 of the token, hex; the only form of a key kept at rest. */
export function hashApiKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
