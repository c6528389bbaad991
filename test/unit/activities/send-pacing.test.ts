import assert from 'node:assert/strict';
import { Context } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { waitForSlot } from '../../../src/activities/send-pacing';

describe('waitForSlot', () => {
  const inActivity = <T>(env: MockActivityEnvironment, work: () => Promise<T>): Promise<T> => env.run(work) as Promise<T>;

  it('waits inside the activity until the slot, heartbeating with the progress meanwhile', async function () {
    this.timeout(10_000);
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    const slot = new Date(Date.now() + 2_500);
    const result = await inActivity(env, () => waitForSlot(Context.current(), slot, { maxInlineWaitMs: 10_000, heartbeatDetails: { settled: 3 } }));
    assert.equal(result, undefined);
    assert.ok(Date.now() >= slot.getTime());
    // One beat at least every two seconds: a 10 s heartbeat timeout is never reached.
    assert.ok(beats.length >= 2, `${beats.length} heartbeats in 2.5 s`);
    assert.ok(beats.every((b) => JSON.stringify(b) === '{"settled":3}'));
  });

  it('hands a slot beyond the inline limit back to the workflow, to wake a little before it', async () => {
    const slot = new Date(Date.now() + 60_000);
    const result = await inActivity(new MockActivityEnvironment(), () => waitForSlot(Context.current(), slot, { maxInlineWaitMs: 10_000 }));
    assert.equal(result?.getTime(), slot.getTime() - 2_000);
    const short = await inActivity(new MockActivityEnvironment(), () => waitForSlot(Context.current(), slot, { maxInlineWaitMs: 1_000 }));
    assert.equal(short?.getTime(), slot.getTime() - 500);
  });

  it('goes at once for a slot that has come', async () => {
    const result = await inActivity(new MockActivityEnvironment(), () => waitForSlot(Context.current(), new Date(Date.now() - 5), { maxInlineWaitMs: 1_000 }));
    assert.equal(result, undefined);
  });

  it('stops waiting when the worker begins to drain, handing the slot back', async () => {
    const draining = new AbortController();
    const slot = new Date(Date.now() + 8_000);
    const started = Date.now();
    setTimeout(() => draining.abort(), 100);
    const result = await inActivity(new MockActivityEnvironment(), () =>
      waitForSlot(Context.current(), slot, { maxInlineWaitMs: 10_000, draining: draining.signal }),
    );
    assert.equal(result?.getTime(), slot.getTime() - 2_000);
    assert.ok(Date.now() - started < 7_000, 'the wait went on after the worker began to drain');
  });

  it('stops waiting when the activity is cancelled', async () => {
    const env = new MockActivityEnvironment();
    setTimeout(() => env.cancel(), 100);
    await assert.rejects(inActivity(env, () => waitForSlot(Context.current(), new Date(Date.now() + 8_000), { maxInlineWaitMs: 10_000 })));
  });
});
