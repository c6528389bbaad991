import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createSendActivities, type DeliveryBatchResult } from '../../src/activities/send.activities';
import { listLedger } from '../../src/db/repos/send-runs.repo';
import type { SessionPool } from '../../src/platforms/session-pool';
import { enqueueSendRun } from '../../src/services/send-runs';
import { sandboxAccountWithPool } from '../support/sandbox-pool';
import { getStack, type Stack } from '../support/stack';

describe('enqueueSendRun (the one send path)', () => {
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

  const deliver = (runId: string, targetKeys: string[]): Promise<DeliveryBatchResult> =>
    new MockActivityEnvironment().run(createSendActivities({ db: stack.db, pool }).deliverMessages, { runId, targetKeys });

  const outbox = async (text: string) => stack.db('sandbox_outbox').where({ account_id: accountId, text }).select('chat_key');

  it('sends once when the same business key is enqueued twice', async () => {
    const run = { userId, accountId, origin: 'auto_reply' as const, businessKey: 'inbound-event-1', messages: [{ targetKey: '@channel1', text: 'enqueued twice' }] };
    const first = await enqueueSendRun(stack.db, run);
    assert.equal(first.created, true);
    const again = await enqueueSendRun(stack.db, { ...run, messages: [{ targetKey: '@channel2', text: 'enqueued twice' }] });
    assert.equal(again.created, false);
    assert.equal(again.id, first.id);
    assert.deepEqual(again.deliveries.map((d) => d.targetKey), ['@channel1'], 'the repeat adds nothing');

    const firstBatch = await deliver(first.id, ['@channel1']);
    assert.deepEqual(firstBatch.outcomes, [{ targetKey: '@channel1', status: 'sent' }]);
    const secondBatch = await deliver(again.id, again.deliveries.map((d) => d.targetKey));
    assert.equal(secondBatch.outcomes[0]?.status, 'sent');
    assert.deepEqual((await outbox('enqueued twice')).map((r) => r.chat_key), ['@channel1']);
  });

  it('keeps runs of different origins or business keys apart', async () => {
    const base = { userId, accountId, messages: [{ targetKey: '@channel1', text: 'apart' }] };
    const a = await enqueueSendRun(stack.db, { ...base, origin: 'welcome', businessKey: 'k' });
    const b = await enqueueSendRun(stack.db, { ...base, origin: 'drip', businessKey: 'k' });
    const c = await enqueueSendRun(stack.db, { ...base, origin: 'welcome', businessKey: 'k2' });
    assert.equal(new Set([a.id, b.id, c.id]).size, 3);
    assert.ok([a, b, c].every((r) => r.created));
  });

  it('writes its ledger rows before anything is sent, pending, in order', async () => {
    const run = await enqueueSendRun(stack.db, {
      userId,
      accountId,
      origin: 'webhook',
      businessKey: 'hook-delivery-7',
      messages: [{ targetKey: '@channel2', text: 'ordered' }, { targetKey: '@channel1', text: 'ordered' }],
    });
    const rows = await listLedger(stack.db, run.id);
    assert.deepEqual(rows.map((r) => [r.targetKey, r.status]), [['@channel2', 'pending'], ['@channel1', 'pending']]);
    assert.equal((await outbox('ordered')).length, 0);
  });

  it('writes canonical target keys to the ledger, one row per chat however it is spelled', async () => {
    const run = await enqueueSendRun(stack.db, {
      userId,
      accountId,
      origin: 'drip',
      businessKey: 'spellings',
      messages: [
        { targetKey: 'https://t.me/Channel1', text: 'spelled' },
        { targetKey: '@CHANNEL1', text: 'spelled again' },
        { targetKey: 'channel2', text: 'spelled' },
      ],
    });
    assert.deepEqual(run.deliveries.map((d) => d.targetKey), ['@channel1', '@channel2']);
  });

  it('refuses a run that names a target twice, and an origin the ledger does not know', async () => {
    const base = { userId, accountId, businessKey: 'bad' };
    await assert.rejects(
      enqueueSendRun(stack.db, { ...base, origin: 'drip', messages: [{ targetKey: '@channel1', text: 'x' }, { targetKey: '@channel1', text: 'y' }] }),
      /names a target twice/,
    );
    await assert.rejects(enqueueSendRun(stack.db, { ...base, origin: 'carrier_pigeon' as never, messages: [] }), /send_runs_origin_check/);
  });
});
