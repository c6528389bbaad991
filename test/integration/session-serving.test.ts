import assert from 'node:assert/strict';
import { insertAccount } from '../../src/db/repos/accounts.repo';
import { eventually, newUser } from '../support/http';
import { getStack, getTemporalClient } from '../support/stack';

describe('a worker that cannot open an account', () => {
  before(async function () {
    this.timeout(120_000);
    await getStack();
  });

  it('retries its sends without marking the account disconnected when it has no driver for it', async function () {
    this.timeout(60_000);
    const { db, config } = await getStack();
    assert.equal(config.telegram.apiId, undefined, "the suite's worker has a Telegram driver");
    const { id: userId, api } = await newUser();
    const account = await insertAccount(db, { userId, platform: 'telegram', name: 'real', phone: '+15550001111', sandbox: false, status: 'connected' });
    const created = await api.post('/api/v1/broadcast', { account_id: account.id, target_keys: ['@channel1'], message: 'no driver here' });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const handle = (await getTemporalClient()).workflow.getHandle(created.body.workflow_id);
    const failing = await eventually(async () => {
      // The run's start is dispatched from the outbox a moment after the answer.
      const description = await handle.describe().catch(() => undefined);
      const pending = description?.raw.pendingActivities?.[0];
      return pending && (pending.attempt ?? 0) >= 2 ? pending : undefined;
    }, 30_000, 'the send to be retried');
    assert.match(failing.lastFailure?.message ?? '', /no telegram driver is enabled on this worker/);
    assert.equal((await api.get(`/api/v1/accounts/${account.id}`)).body.account.status, 'connected');
    assert.equal((await api.delete(`/api/v1/broadcast/${created.body.schedule_id}`)).status, 200);
  });
});
