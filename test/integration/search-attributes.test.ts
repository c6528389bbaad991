import assert from 'node:assert/strict';
import { TypedSearchAttributes } from '@temporalio/common';
import { AutoHubAccountId, AutoHubKind, AutoHubUserId } from '../../src/temporal/search-attributes';
import { eventually, finishedBroadcast, userWithAccount } from '../support/http';
import { getTemporalClient } from '../support/stack';
import { nonEmpty } from '../support/assertions';

describe('Temporal search attributes', () => {
  it("lets an operator list one account's workflows of every kind, and finds a schedule's runs by them", async function () {
    this.timeout(60_000);
    const { api, accountId, id: userId } = await userWithAccount();
    const now = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'findable' });
    assert.equal(now.status, 201);
    await finishedBroadcast(api, now.body.schedule_id);
    assert.equal((await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'x', dry_run: true })).status, 200);
    assert.equal((await api.post('/api/v1/scan', { account_id: accountId })).status, 200);
    assert.equal((await api.get(`/api/v1/accounts/${accountId}/profile`)).status, 200);
    const recurring = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      message: 'scheduled',
      schedule_type: 'interval',
      interval_minutes: 600,
    });
    assert.equal(recurring.status, 201);

    const client = await getTemporalClient();
    const schedule = await client.schedule.getHandle(`broadcast-${recurring.body.schedule_id}`).describe();
    assert.equal(schedule.typedSearchAttributes.get(AutoHubKind), 'schedule');
    assert.equal(schedule.typedSearchAttributes.get(AutoHubAccountId), accountId);
    assert.equal(schedule.action.type, 'startWorkflow');
    const action = schedule.action.typedSearchAttributes;
    assert.ok(action instanceof TypedSearchAttributes);
    assert.deepEqual([action.get(AutoHubUserId), action.get(AutoHubAccountId), action.get(AutoHubKind)], [userId, accountId, 'broadcast']);
    await client.schedule.getHandle(`broadcast-${recurring.body.schedule_id}`).trigger();

    // The query the README shows for one account's runs, and one for all its work.
    const kinds = await eventually(async () => {
      const found = new Map<string, number>();
      for await (const w of client.workflow.list({ query: `AutoHubAccountId = "${accountId}"` })) {
        const kind = String(w.typedSearchAttributes.get(AutoHubKind));
        found.set(kind, (found.get(kind) ?? 0) + 1);
        assert.equal(w.typedSearchAttributes.get(AutoHubUserId), userId);
      }
      return (found.get('broadcast') ?? 0) >= 2 && ['broadcast_dry_run', 'scan', 'profile'].every((k) => found.has(k)) ? found : undefined;
    }, 20_000, "every kind of the account's workflows in the visibility store");
    assert.equal(kinds.get('broadcast'), 2, 'the accepted run and the scheduled one');
    const runs = [];
    for await (const w of client.workflow.list({ query: `AutoHubAccountId = "${accountId}" AND AutoHubKind = "broadcast"` })) runs.push(w.workflowId);
    assert.equal(runs.length, 2);
    assert.ok(nonEmpty(runs).every((id) => id.startsWith(`broadcast-`)));
    await api.delete(`/api/v1/broadcast/${recurring.body.schedule_id}`);
  });
});
