import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from '../db/repos/idempotency.repo';
import { BadRequestError, ConflictError } from '../errors';

type Answer = { status: number; body: unknown };

/** What makes two requests "the same": method, path and the parsed body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

/**
 * Runs `handle` once per `Idempotency-Key`: the first successful answer is stored and replayed
 * for the same key and request for 24 hours; the same key with another request is a 409. A
 * failed request frees the key, so the caller may retry with it.
 */
export async function withIdempotency(
  db: Knex,
  userId: string,
  key: string,
  hash: string,
  handle: () => Promise<Answer>,
): Promise<Answer> {
  if (key.length > 255) throw new BadRequestError('Idempotency-Key must be at most 255 characters');
  const claim = await claimIdempotencyKey(db, userId, key, hash);
  if (claim.kind === 'replay') return { status: claim.status, body: claim.response };
  if (claim.kind === 'conflict') throw new ConflictError('Idempotency-Key was already used with a different request');
  if (claim.kind === 'in_progress') throw new ConflictError('a request with this Idempotency-Key is still in progress');
  try {
    const answer = await handle();
    await completeIdempotencyKey(db, userId, key, answer.status, answer.body);
    return answer;
  } catch (err) {
    await releaseIdempotencyKey(db, userId, key);
    throw err;
  }
}
