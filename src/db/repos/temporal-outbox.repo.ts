/**
 * The Temporal outbox: operations on Temporal (a workflow start, a schedule sync) written in the
 * same transaction as the database change that needs them, carried out after it commits by the
 * outbox dispatcher (services/temporal-outbox). A crash at any point leaves either neither the
 * change nor its operation, or both, and the operation is carried out later.
 *
 * An operation is claimed by pushing its `next_attempt_at` beyond the time its attempt may take,
 * so a dispatcher that dies mid-attempt leaves it for another once that time has passed.
 */
import type { Knex } from 'knex';
import { Channels } from '../notifications';

/** A workflow to start once the transaction that asked for it commits. */
export interface WorkflowStart {
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  args: unknown[];
  memo: Record<string, unknown>;
  /** Search attributes by name (all keywords); see temporal/search-attributes. */
  searchAttributes: Record<string, string>;
}

/** Brings a broadcast's Temporal Schedule in line with its row, and cancels runs it no longer has. */
export interface ScheduleSync {
  broadcastId: string;
  /** Workflow ids of runs to cancel: those of a broadcast being deleted. */
  cancelWorkflowIds: string[];
}

/** What an outbox row asks of Temporal. */
export type OutboxOperation = { kind: 'start_workflow'; start: WorkflowStart } | { kind: 'sync_schedule'; sync: ScheduleSync };

/** An operation as a dispatcher holds it. */
export type ClaimedOperation = OutboxOperation & {
  id: number;
  /** Attempts so far, this one included. */
  attempts: number;
  lastError: string | null;
};

interface OutboxRow {
  id: number;
  kind: OutboxOperation['kind'];
  subject: string;
  payload: any;
  attempts: number;
  last_error: string | null;
}

const mapRow = (r: OutboxRow): ClaimedOperation =>
  r.kind === 'start_workflow'
    ? { kind: 'start_workflow', start: r.payload as WorkflowStart, id: r.id, attempts: r.attempts, lastError: r.last_error }
    : { kind: 'sync_schedule', sync: r.payload as ScheduleSync, id: r.id, attempts: r.attempts, lastError: r.last_error };

/** How {@link enqueueWorkflowStart} queues a start. */
export interface EnqueueOptions {
  /**
   * Hold the start back this long: the caller means to do the work itself first, and then
   * cancels the start (`cancelPendingStart`) or hastens it (`hastenPendingStart`); should the
   * caller die, the workflow starts when the delay is over.
   */
  delayMs?: number;
  /**
   * Tell every dispatcher when `trx` commits (the default). A caller that kicks its own process's
   * outbox right after the commit passes false: a NOTIFY serializes the commits of every
   * transaction that sends one (PostgreSQL takes one lock for them all until the commit is
   * flushed), which caps such transactions at a few hundred a second.
   */
  announce?: boolean;
}

/** Asks for a workflow start in `namespace` inside `trx`; see {@link EnqueueOptions}. */
export async function enqueueWorkflowStart(trx: Knex, namespace: string, start: WorkflowStart, options: EnqueueOptions = {}): Promise<void> {
  const row = { namespace, kind: 'start_workflow', subject: start.workflowId, payload: JSON.stringify(start) };
  if (options.delayMs) {
    await trx('temporal_outbox').insert({ ...row, next_attempt_at: trx.raw(`now() + ?::interval`, [`${options.delayMs} milliseconds`]) });
    return;
  }
  if (options.announce === false) {
    await trx('temporal_outbox').insert(row);
    return;
  }
  // Queued and announced in one round trip; the notification goes out when the caller commits.
  await trx.raw(
    `with queued as (insert into temporal_outbox (namespace, kind, subject, payload) values (?, ?, ?, ?) returning subject)
     select pg_notify(?, subject) from queued`,
    [row.namespace, row.kind, row.subject, row.payload, Channels.temporalOutbox],
  );
}

/** Drops the start of workflow `workflowId` still waiting in `namespace` (its work was done without it); false when none waited. */
export async function cancelPendingStart(db: Knex, namespace: string, workflowId: string): Promise<boolean> {
  return (await db('temporal_outbox').where({ namespace, kind: 'start_workflow', subject: workflowId }).delete()) > 0;
}

/** Makes the held-back start of workflow `workflowId` due now; false when none waited. */
export async function hastenPendingStart(db: Knex, namespace: string, workflowId: string): Promise<boolean> {
  const updated = await db('temporal_outbox')
    .where({ namespace, kind: 'start_workflow', subject: workflowId })
    .where('next_attempt_at', '>', db.fn.now())
    .update({ next_attempt_at: db.fn.now() });
  return updated > 0;
}

/**
 * Asks for a schedule sync inside `trx`, claimed for `claimMs` by the caller, which carries it
 * out itself right after the commit (its answer needs the schedule); dispatchers only take it
 * over when the caller did not finish it in that time. Returns the operation's id.
 */
export async function enqueueScheduleSync(trx: Knex, namespace: string, sync: ScheduleSync, claimMs: number): Promise<number> {
  const [row] = await trx('temporal_outbox')
    .insert({
      namespace,
      kind: 'sync_schedule',
      subject: sync.broadcastId,
      payload: JSON.stringify(sync),
      next_attempt_at: trx.raw(`now() + ?::interval`, [`${claimMs} milliseconds`]),
    })
    .returning<{ id: number }[]>('id');
  return row!.id;
}

/**
 * Claims up to `limit` operations of `namespace` that are due, oldest due first, skipping those
 * another dispatcher is claiming: each gets one more attempt and is not due again for `claimMs`.
 */
export async function claimDueOperations(db: Knex, namespace: string, limit: number, claimMs: number): Promise<ClaimedOperation[]> {
  const { rows } = await db.raw<{ rows: OutboxRow[] }>(
    `update temporal_outbox o set attempts = o.attempts + 1, next_attempt_at = now() + ?::interval
     from (select id from temporal_outbox where namespace = ? and next_attempt_at <= now()
           order by next_attempt_at, id limit ? for update skip locked) due
     where o.id = due.id
     returning o.*`,
    [`${claimMs} milliseconds`, namespace, limit],
  );
  return rows.sort((a, b) => a.id - b.id).map(mapRow);
}

/** Claims the operation `id` for another attempt, whether or not it is due; undefined when it is gone. */
export async function claimOperation(db: Knex, id: number, claimMs: number): Promise<ClaimedOperation | undefined> {
  const [row] = await db('temporal_outbox')
    .where({ id })
    .update({ attempts: db.raw('attempts + 1'), next_attempt_at: db.raw(`now() + ?::interval`, [`${claimMs} milliseconds`]) })
    .returning<OutboxRow[]>('*');
  return row && mapRow(row);
}

/** Removes operations that were carried out, or one given up in `trx`. */
export async function deleteOperations(db: Knex, ids: readonly number[]): Promise<void> {
  if (ids.length > 0) await db('temporal_outbox').whereIn('id', ids).delete();
}

/** Records a failed attempt: the operation is due again after `delayMs`. */
export async function postponeOperation(db: Knex, id: number, error: string, delayMs: number): Promise<void> {
  await db('temporal_outbox')
    .where({ id })
    .update({ last_error: error, next_attempt_at: db.raw(`now() + ?::interval`, [`${delayMs} milliseconds`]) });
}

/** Drops pending starts whose workflow id begins with `prefix` (their rows are going away), in any namespace. */
export async function dropPendingStarts(db: Knex, prefix: string): Promise<void> {
  await db('temporal_outbox')
    .where({ kind: 'start_workflow' })
    .whereLike('subject', `${prefix.replace(/[\\%_]/g, '\\$&')}%`)
    .delete();
}
