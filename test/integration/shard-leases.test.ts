import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createDb } from '../../src/db/knex';
import { listShardLeases } from '../../src/db/repos/shard-leases.repo';
import { ShardLeases } from '../../src/worker/shard-leases';
import { eventually } from '../support/http';
import { getStack } from '../support/stack';

/** A ShardLeases whose serving and stopping are recorded with their times. */
function leasesOf(owner: string, db: ReturnType<typeof createDb>, namespace: string, shards: number[]) {
  const events: Array<{ what: 'acquired' | 'lost'; shard: number; at: number }> = [];
  const leases = new ShardLeases({
    db,
    namespace,
    owner,
    candidates: shards,
    ttlMs: 1_500,
    renewEveryMs: 300,
    onAcquired: async (shard) => void events.push({ what: 'acquired', shard, at: Date.now() }),
    onLost: async (shard) => void events.push({ what: 'lost', shard, at: Date.now() }),
    logger: pino({ level: 'silent' }),
  });
  return { leases, events };
}

describe('session shard leases', () => {
  const namespace = `leases-${randomBytes(4).toString('hex')}`;
  before(async function () {
    this.timeout(120_000);
    await getStack();
  });

  it('serves a shard in one worker at a time: one that loses the database stops before another takes over', async function () {
    this.timeout(30_000);
    const { databaseUrl, db } = await getStack();
    const doomedDb = createDb(databaseUrl, { max: 2 });
    const a = leasesOf('worker-a', doomedDb, namespace, [0, 1]);
    const b = leasesOf('worker-b', db, namespace, [0, 1]);
    await a.leases.start();
    await b.leases.start();
    assert.deepEqual(a.leases.shards, [0, 1]);
    assert.deepEqual(b.leases.shards, [], 'a second worker serves shards the first holds');

    await doomedDb.destroy();
    // Until when its last renewal let the first worker serve (nobody can renew its leases now).
    const expiry = Math.min(...(await listShardLeases(db, namespace)).map((l) => l.expiresAt.getTime()));
    await eventually(async () => (b.leases.shards.length === 2 ? true : undefined), 10_000, 'the standby to take both shards over');
    const lost = a.events.filter((e) => e.what === 'lost');
    const taken = b.events.filter((e) => e.what === 'acquired');
    assert.equal(lost.length, 2);
    assert.equal(taken.length, 2);
    assert.ok(Math.max(...lost.map((e) => e.at)) < Math.min(...taken.map((e) => e.at)), 'two workers served a shard at once');
    assert.ok(Math.max(...lost.map((e) => e.at)) < expiry, 'the first worker served past its lease');
    assert.deepEqual(a.leases.shards, []);
    await b.leases.stop();
  });

  it('hands its shards over at once when it stops', async function () {
    this.timeout(30_000);
    const { db } = await getStack();
    const first = leasesOf('worker-c', db, `${namespace}-stop`, [0]);
    const second = leasesOf('worker-d', db, `${namespace}-stop`, [0]);
    await first.leases.start();
    await second.leases.start();
    assert.deepEqual(first.leases.shards, [0]);
    assert.deepEqual(second.leases.shards, []);
    await first.leases.stop();
    assert.deepEqual(await listShardLeases(db, `${namespace}-stop`), [], 'the lease was not released');
    second.leases.kick();
    await eventually(async () => (second.leases.shards.length === 1 ? true : undefined), 5_000, 'the standby to take the shard');
    await second.leases.stop();
  });
});
