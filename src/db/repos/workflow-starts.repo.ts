import type { Knex } from 'knex';
import { Channels, notify } from '../notifications';

/** A workflow to start once the transaction that asked for it commits. */
export interface WorkflowStart {
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  args: unknown[];
  memo: Record<string, unknown>;
}

/** Asks for a workflow start inside `trx`; the starters are told when it commits. */
export async function enqueueWorkflowStart(trx: Knex, start: WorkflowStart): Promise<void> {
  await trx('workflow_starts').insert({
    workflow_id: start.workflowId,
    workflow_type: start.workflowType,
    task_queue: start.taskQueue,
    args: JSON.stringify(start.args),
    memo: JSON.stringify(start.memo),
  });
  await notify(trx, Channels.workflowStarts, start.workflowId);
}

/**
 * Locks up to `limit` pending starts (skipping those another starter holds), runs `start` on them,
 * and deletes those it reports started, all in one transaction: a starter that dies mid-way leaves
 * its rows for the next.
 */
export async function dispatchWorkflowStarts(
  db: Knex,
  limit: number,
  start: (starts: WorkflowStart[]) => Promise<boolean[]>,
): Promise<{ taken: number; started: number }> {
  return db.transaction(async (trx) => {
    const rows: Array<{ id: number; workflow_id: string; workflow_type: string; task_queue: string; args: unknown[]; memo: Record<string, unknown> }> =
      await trx('workflow_starts').orderBy('id').limit(limit).forUpdate().skipLocked();
    if (rows.length === 0) return { taken: 0, started: 0 };
    const results = await start(
      rows.map((r) => ({ workflowId: r.workflow_id, workflowType: r.workflow_type, taskQueue: r.task_queue, args: r.args, memo: r.memo })),
    );
    const done = rows.filter((_, i) => results[i]).map((r) => r.id);
    if (done.length > 0) await trx('workflow_starts').whereIn('id', done).delete();
    return { taken: rows.length, started: done.length };
  });
}

/** Drops pending starts whose workflow id begins with `prefix` (their rows are going away). */
export async function dropPendingStarts(db: Knex, prefix: string): Promise<void> {
  await db('workflow_starts').whereLike('workflow_id', `${prefix.replace(/[\\%_]/g, '\\$&')}%`).delete();
}
