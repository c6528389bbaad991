/**
 * The `random_id` of `messages.sendMessage`, derived from AutoHub's client message id.
 *
 * Telegram refuses a second message with a `random_id` the account already used
 * (RANDOM_ID_DUPLICATE), so deriving it deterministically makes a retried send — after a crash
 * between "sent" and "recorded" — a no-op instead of a duplicate.
 */
import { createHash } from 'node:crypto';
import { returnBigInt } from 'telegram/Helpers';
import type { Long } from './entities';

/** The first 8 bytes of SHA-256(`clientMessageId`), read as a signed big-endian 64-bit integer. */
export function randomIdFor(clientMessageId: string): Long {
  const digest = createHash('sha256').update(clientMessageId, 'utf8').digest();
  return returnBigInt(digest.readBigInt64BE(0));
}
