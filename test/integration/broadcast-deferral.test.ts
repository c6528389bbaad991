import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import { eventually, finishedBroadcast, groupKeys, newSandboxAccount, newUser, outboxItems, type Client } from '../support/http';
import { getStack, getTemporalClient } from '../support/stack';

const EventType = temporal.api.enums.v1.EventType;

/** The event types of a workflow's history so far. */
async function eventTypes(workflowId: string): Promise<number[]> {
  const history = await (await getTemporalClient()).workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) => e.eventType ?? EventType.EVENT_TYPE_UNSPECIFIED);
}

/**
 * A FloodWait longer than the send activity may sleep (PACING_INLINE_WAIT_SECONDS, 1 s in the
 * suite) hands the rest of the run back to the workflow, which waits on a durable timer: these
 * runs are also the replay test's timer paths.
 */
describe('broadcast runs deferred by a long FloodWait', () => {
  let api: Client;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
  });

  it('waits out the FloodWait on a durable timer, then sends the remaining targets', async function () {
    this.timeout(60_000);
    const accountId = await newSandboxAccount(api);
    const targets = await groupKeys(api, accountId, 2);
    assert.equal(targets.length, 2);
    const { config } = await getStack();
    assert.ok(3_000 > config.pacingInlineWaitMs, 'the FloodWait is waited out inside the activity');
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { flood_wait_seconds: 3, flood_wait_sends: 1 });
    const faultAt = Date.now();
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'deferred' });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const broadcast = await finishedBroadcast(api, created.body.schedule_id, 45_000);
    assert.equal(broadcast.last_run.status, 'completed');
    const sent = (await outboxItems(api, accountId)).filter((i) => i.text === 'deferred');
    assert.deepEqual(sent.map((i) => i.chat_key), targets);
    for (const item of sent) assert.ok(Date.parse(item.at) >= faultAt + 2_500, `${item.chat_key} was sent during the FloodWait`);
    const events = await eventTypes(created.body.workflow_id);
    assert.ok(events.includes(EventType.EVENT_TYPE_TIMER_FIRED), 'the run did not wait on a timer');
  });

  it('closes a run cancelled during that wait as cancelled, with nothing sent', async function () {
    this.timeout(30_000);
    const accountId = await newSandboxAccount(api);
    const targets = await groupKeys(api, accountId, 2);
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { flood_wait_seconds: 3600, flood_wait_sends: 1 });
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'deferred, then cancelled' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const workflowId: string = created.body.workflow_id;
    await eventually(
      async () => ((await eventTypes(workflowId).catch((): number[] => [])).includes(EventType.EVENT_TYPE_TIMER_STARTED) ? true : undefined),
      20_000,
      'the run to wait on a timer',
    );

    assert.equal((await api.delete(`/api/v1/broadcast/${created.body.schedule_id}`)).status, 200);
    const handle = (await getTemporalClient()).workflow.getHandle(workflowId);
    const status = await eventually(async () => {
      const { status } = await handle.describe();
      return status.name === 'RUNNING' ? undefined : status.name;
    }, 20_000, 'the run to end');
    assert.equal(status, 'CANCELLED');
    assert.ok((await eventTypes(workflowId)).includes(EventType.EVENT_TYPE_TIMER_CANCELED), 'the timer was not cancelled');
    assert.deepEqual((await outboxItems(api, accountId)).filter((i) => i.text === 'deferred, then cancelled'), []);
  });
});
