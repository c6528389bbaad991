/**
 * Session shard leases (see the migration): one row per namespace and shard, naming the worker
 * that serves it until `expires_at`. Times are the database's, so workers' clocks never matter.
 */
import type { Knex } from 'knex';
import { Channels, notify } from '../notifications';

/**
 * Takes or renews, for `owner`, the leases of `shards` that are free, expired or already its own,
 * for `ttlMs` from now; returns the shards it holds afterwards. A shard another worker holds
 * stays that worker's.
 */
export async function claimShardLeases(db: Knex, lease: { namespace: string; owner: string; shards: number[]; ttlMs: number }): Promise<number[]> {
  if (lease.shards.length === 0) return [];
  const { rows } = await db.raw<{ rows: Array<{ shard: number }> }>(
    `insert into session_shard_leases as l (namespace, shard, owner, expires_at)
     select ?, shard, ?, now() + ?::interval from unnest(?::int[]) as shard
     on conflict (namespace, shard) do update set
       owner = excluded.owner,
       expires_at = excluded.expires_at,
       renewed_at = now(),
       acquired_at = case when l.owner = excluded.owner then l.acquired_at else now() end
     where l.owner = excluded.owner or l.expires_at <= now()
     returning shard`,
    [lease.namespace, lease.owner, `${lease.ttlMs} milliseconds`, lease.shards],
  );
  return rows.map((r) => r.shard).sort((a, b) => a - b);
}

/** Gives up `owner`'s leases of `shards` at once, telling standing-by workers to take them over. */
export async function releaseShardLeases(db: Knex, lease: { namespace: string; owner: string; shards: number[] }): Promise<void> {
  if (lease.shards.length === 0) return;
  await db.transaction(async (trx) => {
    await trx('session_shard_leases').where({ namespace: lease.namespace, owner: lease.owner }).whereIn('shard', lease.shards).delete();
    await notify(trx, Channels.shardLeases, lease.namespace);
  });
}

/** A shard's lease as operators see it. */
export interface ShardLease {
  shard: number;
  owner: string;
  expiresAt: Date;
  acquiredAt: Date;
}

/** The namespace's leases, expired ones included, by shard. */
export async function listShardLeases(db: Knex, namespace: string): Promise<ShardLease[]> {
  const rows: Array<{ shard: number; owner: string; expires_at: Date; acquired_at: Date }> = await db('session_shard_leases')
    .where({ namespace })
    .orderBy('shard');
  return rows.map((r) => ({ shard: r.shard, owner: r.owner, expiresAt: r.expires_at, acquiredAt: r.acquired_at }));
}
