import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { DeliveryBatchResult } from '../../src/activities/send.activities';
import { createSessionActivities } from '../../src/activities/session.activities';
import * as broadcasts from '../../src/db/repos/broadcasts.repo';
import { findDelivery } from '../../src/db/repos/send-runs.repo';
import type { SessionPool } from '../../src/platforms/session-pool';
import { sandboxAccountWithPool } from '../support/sandbox-pool';
import { getStack, type Stack } from '../support/stack';

describe('delivery ledger (deliverMessage activity)', () => {
  let stack: Stack;
  let accountId: string;
  let userId: string;
  let pool: SessionPool;

  before(async function () {
    this.timeout(120_000);
    stack = await getStack();
    ({ userId, accountId, pool } = await sandboxAccountWithPool(stack.db));
  });
  after(() => pool.closeAll());

  async function openRun(targets: string[], message: string) {
    const broadcast = await broadcasts.insertBroadcast(stack.db, {
      userId,
      accountId,
      platform: 'telegram',
      name: null,
      scheduleType: 'now',
      message,
      templateId: null,
      imageId: null,
      targetKeys: targets,
      intervalMinutes: null,
      dailyTime: null,
      timezone: null,
    });
    const plan = await broadcasts.beginRun(stack.db, broadcast.id, `ledger-test-${broadcast.id}`);
    return plan!;
  }

  /** Runs the activity as Temporal would: inside an activity context. */
  const deliver = (runId: string, targetKeys: string[]): Promise<DeliveryBatchResult> =>
    new MockActivityEnvironment().run(createSessionActivities({ db: stack.db, pool }).deliverMessages, { runId, targetKeys });

  const outboxCount = async (text: string) =>
    Number((await stack.db('sandbox_outbox').where({ account_id: accountId, text }).count('* as n').first())!.n);

  it('does not send again when the activity is retried after a successful send', async () => {
    const plan = await openRun(['@channel1'], 'retried activity');
    const sent = { outcomes: [{ targetKey: '@channel1', status: 'sent' }], remaining: [] };
    assert.deepEqual(await deliver(plan.runId, ['@channel1']), sent);
    assert.deepEqual(await deliver(plan.runId, ['@channel1']), { ...sent, outcomes: [{ ...sent.outcomes[0], error: undefined }] });
    assert.equal(await outboxCount('retried activity'), 1);
  });

  it('is de-duplicated by the platform when a crash lost the ledger update after the send', async () => {
    const plan = await openRun(['@channel2'], 'crash between send and record');
    const delivery = await findDelivery(stack.db, plan.runId, '@channel2');
    // The send went out, then the worker died before recording it: the ledger still says pending.
    const session = await pool.get(accountId);
    await session.sendMessage({ targetKey: '@channel2', text: delivery!.message, clientMessageId: delivery!.clientMessageId });
    assert.equal((await findDelivery(stack.db, plan.runId, '@channel2'))!.status, 'pending');

    assert.deepEqual((await deliver(plan.runId, ['@channel2'])).outcomes, [{ targetKey: '@channel2', status: 'sent' }]);
    assert.equal(await outboxCount('crash between send and record'), 1);
    assert.equal((await findDelivery(stack.db, plan.runId, '@channel2'))!.status, 'sent');
  });

  it('keeps one ledger row per run and target when the run is begun twice', async () => {
    const plan = await openRun(['@channel1', '@channel2'], 'begun twice');
    const broadcastId = (await stack.db('broadcast_runs').where({ id: plan.runId }).first()).broadcast_id;
    const again = await broadcasts.beginRun(stack.db, broadcastId, `ledger-test-${broadcastId}`);
    assert.equal(again!.runId, plan.runId);
    const rows = await stack.db('deliveries').where({ run_id: plan.runId });
    assert.equal(rows.length, 2);
  });

  it("answers a run begun again after its broadcast changed with the run's own targets and text", async () => {
    const plan = await openRun(['@channel1', '@channel2'], 'fixed at its start');
    const broadcastId = (await stack.db('broadcast_runs').where({ id: plan.runId }).first()).broadcast_id;
    await broadcasts.updateBroadcast(stack.db, { userId: '', admin: true }, broadcastId, { targetKeys: ['-1001234567890'], message: 'changed later' });
    const again = await broadcasts.beginRun(stack.db, broadcastId, `ledger-test-${broadcastId}`);
    assert.deepEqual(again, plan);
    assert.deepEqual((await deliver(plan.runId, again!.targetKeys)).outcomes.map((o) => o.status), ['sent', 'sent']);
    assert.equal(await outboxCount('fixed at its start'), 2);
    assert.equal(await outboxCount('changed later'), 0);
  });
});
