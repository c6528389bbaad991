import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as broadcasts from '../../src/db/repos/broadcasts.repo';
import { enqueueWorkflowStart, type WorkflowStart } from '../../src/db/repos/temporal-outbox.repo';
import { broadcastRunWorkflowId, BROADCAST_RUN_WORKFLOW, MAIN_TASK_QUEUE } from '../../src/workflows/shared';
import { broadcastScheduleId, requestScheduleSync } from '../../src/services/broadcast-schedules';
import { MAX_ATTEMPTS } from '../../src/services/temporal-outbox';
import { eventually, userWithAccount } from '../support/http';
import { getStack, getTemporalClient } from '../support/stack';
import { nonEmpty } from '../support/assertions';

/** A start of a broadcast run for a broadcast that does not exist: the run ends at once as cancelled. */
function probeStart(workflowId: string): WorkflowStart {
  return {
    workflowId,
    workflowType: BROADCAST_RUN_WORKFLOW,
    taskQueue: MAIN_TASK_QUEUE,
    args: [{ broadcastId: randomUUID() }],
    memo: { probe: true },
    searchAttributes: {},
  };
}

describe('Temporal outbox', () => {
  before(async function () {
    this.timeout(120_000);
    await getStack();
  });

  const enqueue = async (start: WorkflowStart) => (await getStack()).db.transaction((trx) => enqueueWorkflowStart(trx, 'default', start));
  const pending = async (subject: string) => (await getStack()).db('temporal_outbox').where({ subject }).first();
  const cleared = (subject: string, what: string) =>
    eventually(async () => ((await pending(subject)) ? undefined : true), 15_000, what);

  it('starts an enqueued workflow once the transaction commits, and clears it from the outbox', async () => {
    const workflowId = `outbox-probe-${randomUUID()}`;
    await enqueue(probeStart(workflowId));
    await cleared(workflowId, 'the start to be dispatched');
    const handle = (await getTemporalClient()).workflow.getHandle(workflowId);
    assert.deepEqual(await handle.result(), { runId: null, status: 'cancelled', sent: 0, failed: 0 });
    assert.deepEqual((await handle.describe()).memo, { probe: true });
  });

  it('never runs a workflow again whose start is repeated after it completed', async () => {
    const workflowId = `outbox-probe-${randomUUID()}`;
    await enqueue(probeStart(workflowId));
    await cleared(workflowId, 'the first start');
    const handle = (await getTemporalClient()).workflow.getHandle(workflowId);
    await handle.result();
    const first = await handle.describe();
    assert.equal(first.status.name, 'COMPLETED');

    // What a dispatcher does when it crashed after starting but before clearing the row.
    await enqueue(probeStart(workflowId));
    await cleared(workflowId, 'the repeated start to be cleared');
    const latest = await handle.describe();
    assert.equal(latest.runId, first.runId, 'the repeated start ran the workflow a second time');
    const executions = [];
    for await (const execution of (await getTemporalClient()).workflow.list({ query: `WorkflowId = "${workflowId}"` })) executions.push(execution);
    assert.equal(executions.length, 1);
  });

  it('retries a start that fails, keeping its error, while later starts go ahead', async () => {
    // Temporal refuses workflow ids over 1000 characters: this start can never succeed.
    const failing = `outbox-probe-${'x'.repeat(1100)}`;
    const next = `outbox-probe-${randomUUID()}`;
    await enqueue(probeStart(failing));
    await enqueue(probeStart(next));
    await cleared(next, 'the start after the failing one');
    const row = await eventually(async () => {
      const r = await pending(failing);
      return r?.last_error ? r : undefined;
    }, 15_000, 'the failed attempt to be recorded');
    assert.ok(row.attempts >= 1);
    assert.match(row.last_error, /length|long|limit/i);
    assert.ok(new Date(row.next_attempt_at).getTime() > Date.now() - 1_000, 'the failed start is not backed off');
    await (await getStack()).db('temporal_outbox').where({ id: row.id }).delete();
  });

  it('gives a start up after its last attempt and fails its run with the reason', async () => {
    const { api, accountId } = await userWithAccount();
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1', '@channel2'],
      message: 'never started',
      schedule_type: 'interval',
      interval_minutes: 600,
    });
    assert.equal(created.status, 201);
    const broadcastId: string = created.body.schedule_id;
    const { db } = await getStack();
    // A run the API accepted whose start Temporal keeps refusing (its id is too long), on its last attempt.
    const workflowId = `${broadcastRunWorkflowId(broadcastId, 1)}-${'x'.repeat(1100)}`;
    await db.transaction(async (trx) => {
      const runNumber = await broadcasts.reserveRunNumber(trx, broadcastId);
      await broadcasts.openRun(trx, broadcastId, workflowId, runNumber);
      await enqueueWorkflowStart(trx, 'default', probeStart(workflowId));
    });
    await db('temporal_outbox').where({ subject: workflowId }).update({ attempts: MAX_ATTEMPTS - 1, next_attempt_at: db.fn.now() });
    await cleared(workflowId, 'the start to be given up');

    const reply = await api.get(`/api/v1/broadcast/${broadcastId}`);
    assert.equal(reply.status, 200);
    const run = reply.body.broadcast.last_run;
    assert.equal(run.status, 'failed');
    assert.match(run.error, new RegExp(`could not be started \\(gave up after ${MAX_ATTEMPTS} attempts`));
    assert.equal(run.results.length, 2);
    assert.ok(nonEmpty(run.results).every((r: any) => r.status === 'failed'));
  });

  it('creates the schedule of a broadcast whose API crashed between the insert and the schedule', async () => {
    const { api, accountId, id: userId } = await userWithAccount();
    const { db } = await getStack();
    // What the API commits for a new interval broadcast, before it would carry the sync out itself.
    const broadcast = await db.transaction(async (trx) => {
      const row = await broadcasts.insertBroadcast(trx, {
        userId,
        accountId,
        platform: 'telegram',
        name: 'crashed before its schedule',
        scheduleType: 'interval',
        message: 'hello',
        templateId: null,
        imageId: null,
        targetKeys: ['@channel1'],
        intervalMinutes: 90,
        dailyTime: null,
        timezone: null,
      });
      await requestScheduleSync(trx, 'default', row.id);
      return row;
    });
    const client = await getTemporalClient();
    const handle = client.schedule.getHandle(broadcastScheduleId(broadcast.id));
    await assert.rejects(handle.describe(), /not found/i);

    // The crashed API's claim on the sync runs out; any dispatcher then carries it out.
    await db('temporal_outbox').where({ subject: broadcast.id }).update({ next_attempt_at: db.fn.now() });
    const description = await eventually(() => handle.describe().catch(() => undefined), 15_000, 'the schedule to be created');
    assert.equal(description.spec.intervals?.[0]?.every, 90 * 60_000);
    assert.equal(description.state.paused, false);
    const got = await api.get(`/api/v1/broadcast/${broadcast.id}`);
    assert.equal(got.status, 200);
    assert.ok(Date.parse(got.body.broadcast.next_run_at) > Date.now());
    await cleared(broadcast.id, 'the sync to be cleared');
  });

  it('starts nothing for a transaction that rolled back', async () => {
    const { db } = await getStack();
    const workflowId = `outbox-probe-${randomUUID()}`;
    await assert.rejects(
      db.transaction(async (trx) => {
        await enqueueWorkflowStart(trx, 'default', probeStart(workflowId));
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal(await pending(workflowId), undefined);
  });
});
