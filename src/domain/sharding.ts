import { fnv1a } from './random';

/** The session shard serving an account: a stable hash of its id modulo the shard count. */
export function shardOf(accountId: string, shards: number): number {
  return fnv1a(accountId) % shards;
}

/** The task queue of session activities for a shard. */
export function sessionTaskQueue(shard: number): string {
  return `sessions-${shard}`;
}

/** The session task queue serving an account. */
export function accountTaskQueue(accountId: string, shards: number): string {
  return sessionTaskQueue(shardOf(accountId, shards));
}
