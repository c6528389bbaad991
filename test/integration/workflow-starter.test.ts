import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { enqueueWorkflowStart } from '../../src/db/repos/workflow-starts.repo';
import { BROADCAST_RUN_WORKFLOW, MAIN_TASK_QUEUE } from '../../src/workflows/shared';
import { eventually } from '../support/http';
import { getStack, getTemporalClient } from '../support/stack';

describe('workflow starts outbox', () => {
  before(async function () {
    this.timeout(120_000);
    await getStack();
  });

  const enqueue = async (workflowId: string) => {
    const { db } = await getStack();
    await db.transaction((trx) =>
      enqueueWorkflowStart(trx, {
        workflowId,
        workflowType: BROADCAST_RUN_WORKFLOW,
        taskQueue: MAIN_TASK_QUEUE,
        // A broadcast that does not exist: the run ends at once as cancelled.
        args: [{ broadcastId: randomUUID() }],
        memo: { probe: true },
      }),
    );
  };
  const pending = async (workflowId: string) => (await getStack()).db('workflow_starts').where({ workflow_id: workflowId }).first();

  it('starts an enqueued workflow once the transaction commits, and clears it from the outbox', async () => {
    const workflowId = `starter-probe-${randomUUID()}`;
    await enqueue(workflowId);
    await eventually(async () => ((await pending(workflowId)) ? undefined : true), 15_000, 'the start to be dispatched');
    const handle = (await getTemporalClient()).workflow.getHandle(workflowId);
    assert.deepEqual(await handle.result(), { runId: null, status: 'cancelled', sent: 0, failed: 0 });
    assert.deepEqual((await handle.describe()).memo, { probe: true });
  });

  it('counts a workflow that is already started as started', async () => {
    const workflowId = `starter-probe-${randomUUID()}`;
    await enqueue(workflowId);
    await eventually(async () => ((await pending(workflowId)) ? undefined : true), 15_000, 'the first start');
    await enqueue(workflowId);
    await eventually(async () => ((await pending(workflowId)) ? undefined : true), 15_000, 'the repeated start to be cleared');
  });

  it('starts nothing for a transaction that rolled back', async () => {
    const { db } = await getStack();
    const workflowId = `starter-probe-${randomUUID()}`;
    await assert.rejects(
      db.transaction(async (trx) => {
        await enqueueWorkflowStart(trx, { workflowId, workflowType: BROADCAST_RUN_WORKFLOW, taskQueue: MAIN_TASK_QUEUE, args: [{}], memo: {} });
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal(await pending(workflowId), undefined);
  });
});
