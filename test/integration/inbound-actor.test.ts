import assert from 'node:assert/strict';
import pino from 'pino';
import { enqueueWorkflowStart } from '../../src/db/repos/temporal-outbox.repo';
import type { InlineOutcome } from '../../src/activities/inbound-inline';
import { InboundActor } from '../../src/worker/inbound-actor';
import { inboundEventWorkflowId } from '../../src/workflows/shared';
import { eventually } from '../support/http';
import { getStack } from '../support/stack';

/**
 * The worker's first attempt at inbound events, against the real outbox table (in a namespace no
 * dispatcher serves): what it does with each event's held-back workflow start.
 */
describe('the inbound actor', () => {
  const namespace = `actor-test-${Date.now()}`;
  let nextId = 9_000_000;

  /** A held-back start for a new event id, as receiving an event leaves it. */
  async function heldBack(): Promise<number> {
    const { db } = await getStack();
    const eventId = nextId++;
    const start = { workflowId: inboundEventWorkflowId(eventId), workflowType: 'inboundEventWorkflow', taskQueue: 'autohub', args: [], memo: {}, searchAttributes: {} };
    await db.transaction((trx) => enqueueWorkflowStart(trx, namespace, start, { delayMs: 3_600_000 }));
    return eventId;
  }

  async function startOf(eventId: number) {
    const { db } = await getStack();
    return db('temporal_outbox')
      .where({ namespace, subject: inboundEventWorkflowId(eventId) })
      .first(db.raw('next_attempt_at <= now() as due'));
  }

  async function actor(act: (eventId: number) => Promise<InlineOutcome>, options: { concurrency?: number; maxQueued?: number } = {}) {
    const { db } = await getStack();
    let handovers = 0;
    const instance = new InboundActor({
      db,
      logger: pino({ level: 'silent' }),
      namespace,
      act,
      concurrency: options.concurrency ?? 2,
      maxQueued: options.maxQueued ?? 100,
      onHandover: () => void handovers++,
    });
    return { instance, handovers: () => handovers };
  }

  it('cancels the start of an event it finished, and makes due the start of one it handed over or failed on', async () => {
    const [done, handedOver, failed] = [await heldBack(), await heldBack(), await heldBack()];
    const outcomes = new Map<number, () => Promise<InlineOutcome>>([
      [done, async () => 'done'],
      [handedOver, async () => 'handover'],
      [failed, async () => Promise.reject(new Error('connection lost'))],
    ]);
    const { instance, handovers } = await actor((id) => outcomes.get(id)!());
    for (const id of [done, handedOver, failed]) instance.submit(id);
    await instance.stop();
    assert.equal(await startOf(done), undefined);
    assert.deepEqual(await startOf(handedOver), { due: true });
    assert.deepEqual(await startOf(failed), { due: true });
    assert.equal(handovers(), 2);
  });

  it('acts on at most `concurrency` events at once, and hands waiting ones over when it stops', async () => {
    const ids = [await heldBack(), await heldBack(), await heldBack(), await heldBack()];
    let running = 0;
    let most = 0;
    const release: Array<() => void> = [];
    const { instance } = await actor(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      return 'done';
    }, { concurrency: 2 });
    for (const id of ids) instance.submit(id);
    assert.equal(release.length, 2, 'two attempts under way, two waiting');
    const stopped = instance.stop();
    for (const resolve of release.splice(0)) resolve();
    await stopped;
    assert.equal(most, 2);
    assert.equal(await startOf(ids[0]!), undefined);
    assert.equal(await startOf(ids[1]!), undefined);
    assert.deepEqual(await startOf(ids[2]!), { due: true }, 'a waiting event went to its workflow');
    assert.deepEqual(await startOf(ids[3]!), { due: true });
  });

  it('hands events past `maxQueued` straight to their workflows', async () => {
    const ids = [await heldBack(), await heldBack(), await heldBack()];
    const release: Array<() => void> = [];
    const { instance } = await actor(
      () => new Promise<InlineOutcome>((resolve) => release.push(() => resolve('done'))),
      { concurrency: 1, maxQueued: 1 },
    );
    for (const id of ids) instance.submit(id);
    const overflow = ids[2]!;
    await eventually(async () => ((await startOf(overflow))?.due ? true : undefined), 10_000, 'the overflowing event to go to its workflow');
    const stopped = instance.stop();
    for (const resolve of release.splice(0)) resolve();
    await stopped;
    assert.equal(await startOf(ids[0]!), undefined);
    assert.deepEqual(await startOf(overflow), { due: true });
  });
});
