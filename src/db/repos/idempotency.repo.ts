import type { Knex } from 'knex';

/** How long a key's first answer is replayed. */
const KEY_LIFETIME = '24 hours';

export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; response: unknown }
  | { kind: 'conflict' }
  | { kind: 'in_progress' };

/**
 * Claims `key` for a request with hash `requestHash`: new (go ahead), a replay of the first
 * answer, a conflict (same key, another request), or still in progress.
 */
export async function claimIdempotencyKey(db: Knex, userId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
  await db('idempotency_keys')
    .where({ user_id: userId, key })
    .andWhereRaw(`created_at < now() - interval '${KEY_LIFETIME}'`)
    .delete();
  const inserted = await db('idempotency_keys')
    .insert({ user_id: userId, key, request_hash: requestHash })
    .onConflict(['user_id', 'key'])
    .ignore()
    .returning('key');
  if (inserted.length > 0) return { kind: 'new' };
  const row: { request_hash: string; status: number | null; response: unknown } | undefined = await db('idempotency_keys')
    .where({ user_id: userId, key })
    .first('request_hash', 'status', 'response');
  if (!row) return claimIdempotencyKey(db, userId, key, requestHash);
  if (row.request_hash !== requestHash) return { kind: 'conflict' };
  if (row.status === null) return { kind: 'in_progress' };
  return { kind: 'replay', status: row.status, response: row.response };
}

/** Stores the answer to replay for the key. */
export async function completeIdempotencyKey(db: Knex, userId: string, key: string, status: number, response: unknown): Promise<void> {
  await db('idempotency_keys').where({ user_id: userId, key }).update({ status, response: JSON.stringify(response) });
}

/** Frees a key whose request failed, so the caller may try again with it. */
export async function releaseIdempotencyKey(db: Knex, userId: string, key: string): Promise<void> {
  await db('idempotency_keys').where({ user_id: userId, key }).whereNull('status').delete();
}
