import type { Knex } from 'knex';
import type { Platform } from '../../domain/platform-port';
import { ownedBy, type Scope } from './scope';
import { emitEvent } from './events.repo';
import { finishSendRun, insertSendRun, type DeliveryStatus } from './send-runs.repo';

export type ScheduleType = 'now' | 'interval' | 'daily';
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface Broadcast {
  id: string;
  userId: string;
  accountId: string;
  platform: Platform;
  name: string | null;
  scheduleType: ScheduleType;
  message: string | null;
  templateId: string | null;
  /** The image sent with the message (its caption), from the owner's library. */
  imageId: string | null;
  targetKeys: string[];
  intervalMinutes: number | null;
  dailyTime: string | null;
  timezone: string | null;
  enabled: boolean;
  /** Why its Temporal Schedule could not be brought in line with it, after every attempt; null when it is. */
  scheduleError: string | null;
  createdAt: Date;
}

interface BroadcastRow {
  id: string;
  user_id: string;
  account_id: string;
  platform: Platform;
  name: string | null;
  schedule_type: ScheduleType;
  message: string | null;
  template_id: string | null;
  image_id: string | null;
  target_keys: string[];
  interval_minutes: number | null;
  daily_time: string | null;
  timezone: string | null;
  enabled: boolean;
  run_count: number;
  schedule_error: string | null;
  created_at: Date;
}

const mapBroadcast = (r: BroadcastRow): Broadcast => ({
  id: r.id,
  userId: r.user_id,
  accountId: r.account_id,
  platform: r.platform,
  name: r.name,
  scheduleType: r.schedule_type,
  message: r.message,
  templateId: r.template_id,
  imageId: r.image_id,
  targetKeys: r.target_keys,
  intervalMinutes: r.interval_minutes,
  dailyTime: r.daily_time,
  timezone: r.timezone,
  enabled: r.enabled,
  scheduleError: r.schedule_error,
  createdAt: r.created_at,
});

export type NewBroadcast = Omit<Broadcast, 'id' | 'createdAt' | 'enabled' | 'scheduleError'> & { enabled?: boolean };

export async function insertBroadcast(db: Knex, b: NewBroadcast): Promise<Broadcast> {
  const [row] = await db<BroadcastRow>('broadcasts')
    .insert({
      user_id: b.userId,
      account_id: b.accountId,
      platform: b.platform,
      name: b.name,
      schedule_type: b.scheduleType,
      message: b.message,
      template_id: b.templateId,
      image_id: b.imageId,
      target_keys: JSON.stringify(b.targetKeys) as never,
      interval_minutes: b.intervalMinutes,
      daily_time: b.dailyTime,
      timezone: b.timezone,
      enabled: b.enabled ?? true,
    })
    .returning('*');
  return mapBroadcast(row!);
}

/** The broadcast `id` whoever owns it, for the system's own bookkeeping (never for a caller). */
export async function findAnyBroadcast(db: Knex, id: string): Promise<Broadcast | undefined> {
  const row: BroadcastRow | undefined = await db('broadcasts').where({ id }).first();
  return row && mapBroadcast(row);
}

export async function findBroadcast(db: Knex, id: string, scope: Scope): Promise<Broadcast | undefined> {
  const row = await ownedBy(db<BroadcastRow>('broadcasts').where({ id }).first(), scope);
  return row && mapBroadcast(row);
}

/** What a run delivers: its targets in order, fixed when the run was opened. */
export interface RunPlan {
  runId: string;
  accountId: string;
  targetKeys: string[];
}

/** The plan of the run of `workflowId`, from its own ledger rows; undefined when it has none. */
async function findRunPlan(db: Knex, workflowId: string): Promise<RunPlan | undefined> {
  const run = await db('broadcast_runs as r')
    .join('broadcasts as b', 'b.id', 'r.broadcast_id')
    .where('r.workflow_id', workflowId)
    .first<{ id: string; account_id: string } | undefined>('r.id', 'b.account_id');
  if (!run) return undefined;
  const rows: Array<{ target_key: string }> = await db('deliveries').where({ run_id: run.id }).orderBy('position').select('target_key');
  return { runId: run.id, accountId: run.account_id, targetKeys: rows.map((r) => r.target_key) };
}

/**
 * Opens run `runNumber` of the broadcast for `workflowId`, fixing what it sends as the broadcast
 * says it now: the text (a template's content as it is at this moment), the image, and one
 * pending ledger row per target. Nothing a later change of the broadcast does reaches it.
 */
export async function openRun(trx: Knex, broadcastId: string, workflowId: string, runNumber: number, current?: BroadcastRow): Promise<RunPlan> {
  const broadcast = current ?? (await trx<BroadcastRow>('broadcasts').where({ id: broadcastId }).first());
  if (!broadcast) throw new Error(`broadcast ${broadcastId} does not exist`);
  let message = broadcast.message;
  if (broadcast.template_id) {
    const template = await trx('templates').where({ id: broadcast.template_id }).first<{ content: string }>();
    message = template.content;
  }
  const sendRun = await insertSendRun(trx, {
    userId: broadcast.user_id,
    accountId: broadcast.account_id,
    platform: broadcast.platform,
    origin: 'broadcast',
    businessKey: workflowId,
    messages: broadcast.target_keys.map((targetKey) => ({
      targetKey,
      text: message ?? '',
      fromTemplate: broadcast.template_id !== null,
      imageId: broadcast.image_id,
    })),
  });
  // The broadcast run is its send run's broadcast facts, under the same id.
  await trx('broadcast_runs').insert({
    id: sendRun.id,
    broadcast_id: broadcastId,
    run_number: runNumber,
    workflow_id: workflowId,
    status: 'running',
    message: message ?? '',
    from_template: broadcast.template_id !== null,
    image_id: broadcast.image_id,
  });
  const targetKeys = sendRun.deliveries.map((d) => d.targetKey);
  await emitEvent(trx, {
    userId: broadcast.user_id,
    accountId: broadcast.account_id,
    type: 'broadcast.run.started',
    data: { broadcast_id: broadcastId, run_id: sendRun.id, run_number: runNumber, workflow_id: workflowId, targets: targetKeys.length },
  });
  return { runId: sendRun.id, accountId: broadcast.account_id, targetKeys };
}

/**
 * The run of `workflowId`: the one the API opened when it accepted the run, or, for a run a
 * schedule fired, one opened now with the broadcast's next number. Repeated calls (a retried
 * activity) answer the same plan from the run's own ledger rows. Undefined when the broadcast
 * no longer exists.
 */
export async function beginRun(
  db: Knex,
  broadcastId: string,
  workflowId: string,
  reservedRunNumber?: number,
): Promise<RunPlan | undefined> {
  return db.transaction(async (trx) => {
    // Numbering a schedule-fired run takes the broadcast's row lock, so two runs never share a number.
    const broadcast = await trx('broadcasts').where({ id: broadcastId }).forUpdate().first('id');
    if (!broadcast) return undefined;
    const existing = await findRunPlan(trx, workflowId);
    if (existing) return existing;
    // A number reserved by an API that did not open the run yet (before runs were opened on acceptance).
    const runNumber = reservedRunNumber ?? (await reserveRunNumber(trx, broadcastId));
    return openRun(trx, broadcastId, workflowId, runNumber);
  });
}

/**
 * Closes a running run with its counts from the ledger (its send run closes with it); pending
 * targets of a run that ended are failed. A run already closed stays as it was closed.
 */
export async function finishRun(db: Knex, runId: string, status: RunStatus, error?: string): Promise<void> {
  await db.transaction(async (trx) => {
    const counts = await finishSendRun(trx, runId, status, error);
    if (!counts) return;
    const [run] = await trx('broadcast_runs')
      .where({ id: runId })
      .update({ status, sent: counts.sent, failed: counts.failed, error: error ?? null, finished_at: trx.fn.now() })
      .returning<Array<{ broadcast_id: string; run_number: number; workflow_id: string }>>(['broadcast_id', 'run_number', 'workflow_id']);
    await recordRunFinished(trx, { runId, ...run!, status, ...counts, error: error ?? null });
  });
}

/** Records `broadcast.run.finished` for the broadcast's owner and account. */
async function recordRunFinished(
  trx: Knex,
  run: { runId: string; broadcast_id: string; run_number: number; workflow_id: string; status: RunStatus; sent: number; failed: number; error: string | null },
): Promise<void> {
  const broadcast = await trx('broadcasts').where({ id: run.broadcast_id }).first<{ user_id: string; account_id: string }>('user_id', 'account_id');
  await emitEvent(trx, {
    userId: broadcast.user_id,
    accountId: broadcast.account_id,
    type: 'broadcast.run.finished',
    data: {
      broadcast_id: run.broadcast_id,
      run_id: run.runId,
      run_number: run.run_number,
      workflow_id: run.workflow_id,
      status: run.status,
      sent: run.sent,
      failed: run.failed,
      error: run.error,
    },
  });
}

/**
 * Fails the run of `workflowId` with the reason it could not go on (its workflow could not be
 * started, or its records written). A run that was never opened (its schedule fired, then opening
 * it failed) is recorded as a failed run of the broadcast, so the failure shows where runs do.
 */
export async function failRun(db: Knex, run: { broadcastId: string; workflowId: string; error: string }): Promise<void> {
  await db.transaction(async (trx) => {
    const existing = await trx('broadcast_runs').where({ workflow_id: run.workflowId }).first<{ id: string } | undefined>('id');
    if (existing) return finishRun(trx, existing.id, 'failed', run.error);
    const broadcast = await trx('broadcasts').where({ id: run.broadcastId }).first<{ user_id: string; account_id: string } | undefined>('user_id', 'account_id');
    if (!broadcast) return;
    const sendRun = await insertSendRun(trx, {
      userId: broadcast.user_id,
      accountId: broadcast.account_id,
      origin: 'broadcast',
      businessKey: run.workflowId,
      messages: [],
    });
    await finishSendRun(trx, sendRun.id, 'failed', run.error);
    const runNumber = await reserveRunNumber(trx, run.broadcastId);
    await trx('broadcast_runs').insert({
      id: sendRun.id,
      broadcast_id: run.broadcastId,
      run_number: runNumber,
      workflow_id: run.workflowId,
      status: 'failed',
      message: '',
      error: run.error,
      finished_at: trx.fn.now(),
    });
    await recordRunFinished(trx, {
      runId: sendRun.id,
      broadcast_id: run.broadcastId,
      run_number: runNumber,
      workflow_id: run.workflowId,
      status: 'failed',
      sent: 0,
      failed: 0,
      error: run.error,
    });
  });
}

/** A run as the API shows it. */
export interface RunView {
  id: string;
  runNumber: number;
  workflowId: string;
  status: RunStatus;
  sent: number;
  failed: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  results: Array<{ targetKey: string; status: DeliveryStatus; error: string | null; sentAt: Date | null }>;
}

export async function findLastRun(db: Knex, broadcastId: string): Promise<RunView | undefined> {
  const [run] = await listRuns(db, broadcastId, 1);
  if (!run) return undefined;
  const deliveries = await db('deliveries')
    .where({ run_id: run.id })
    .orderBy('position')
    .select<Array<{ target_key: string; status: DeliveryStatus; error: string | null; sent_at: Date | null }>>(
      'target_key',
      'status',
      'error',
      'sent_at',
    );
  return {
    ...run,
    results: deliveries.map((d) => ({ targetKey: d.target_key, status: d.status, error: d.error, sentAt: d.sent_at })),
  };
}

/** Takes the next run number of a broadcast for a run the API starts. */
export async function reserveRunNumber(db: Knex, broadcastId: string): Promise<number> {
  return (await numberNextRun(db, broadcastId)).run_count;
}

/** The broadcast's row, its run count taken one further: the new count is its next run's number. */
async function numberNextRun(db: Knex, broadcastId: string): Promise<BroadcastRow> {
  const [row] = await db<BroadcastRow>('broadcasts').where({ id: broadcastId }).increment('run_count', 1).returning('*');
  if (!row) throw new Error(`broadcast ${broadcastId} does not exist`);
  return row;
}

/**
 * Opens the next run of a broadcast the API runs (see {@link openRun}) inside `trx`, numbered in
 * the statement that reads the broadcast; `workflowIdOf` names its workflow from its number.
 */
export async function openNextRun(
  trx: Knex,
  broadcastId: string,
  workflowIdOf: (runNumber: number) => string,
): Promise<RunPlan & { runNumber: number; workflowId: string }> {
  const broadcast = await numberNextRun(trx, broadcastId);
  const runNumber = broadcast.run_count;
  const workflowId = workflowIdOf(runNumber);
  return { ...(await openRun(trx, broadcastId, workflowId, runNumber, broadcast)), runNumber, workflowId };
}

/**
 * Broadcasts `scope` may see, newest first; `ownOnly` hides other users' even from an admin
 * (the lists of `GET /api/v1/broadcasts` show the caller's own).
 */
export async function listBroadcasts(
  db: Knex,
  scope: Scope,
  filter: { platform?: Platform; enabled?: boolean; scheduled?: boolean; accountId?: string; ownOnly?: boolean },
): Promise<Broadcast[]> {
  const query = db('broadcasts').orderBy('created_at', 'desc').orderBy('id');
  if (filter.accountId) query.where({ account_id: filter.accountId });
  if (filter.platform) query.where({ platform: filter.platform });
  if (filter.enabled !== undefined) query.where({ enabled: filter.enabled });
  if (filter.scheduled) query.whereNot({ schedule_type: 'now' });
  const rows: BroadcastRow[] = await ownedBy(query, filter.ownOnly ? { ...scope, admin: false } : scope);
  return rows.map(mapBroadcast);
}

/** How many broadcasts the scope's user owns, and how many of them are enabled recurring ones. */
export async function countOwnBroadcasts(db: Knex, scope: Scope): Promise<{ total: number; scheduled: number }> {
  return db('broadcasts')
    .where({ user_id: scope.userId })
    .select(db.raw('count(*)::int as total'), db.raw("count(*) filter (where enabled and schedule_type <> 'now')::int as scheduled"))
    .first<{ total: number; scheduled: number }>();
}

/** How many runs of the scope's user's own broadcasts are running. */
export async function countOwnRunningRuns(db: Knex, scope: Scope): Promise<number> {
  const row = await db('broadcast_runs as r')
    .join('broadcasts as b', 'b.id', 'r.broadcast_id')
    .where({ 'b.user_id': scope.userId, 'r.status': 'running' })
    .first<{ count: number | string } | undefined>(db.raw('count(*) as count'));
  return Number(row?.count ?? 0);
}

/**
 * Changes the given fields of broadcast `id` if `scope` owns it; returns it as it now is, or
 * undefined when the scope owns no such broadcast (nothing changed).
 */
export async function updateBroadcast(
  db: Knex,
  scope: Scope,
  id: string,
  change: Partial<
    Pick<Broadcast, 'name' | 'message' | 'templateId' | 'imageId' | 'targetKeys' | 'intervalMinutes' | 'dailyTime' | 'timezone' | 'enabled'>
  >,
): Promise<Broadcast | undefined> {
  const patch: Record<string, unknown> = { updated_at: db.fn.now() };
  if (change.name !== undefined) patch.name = change.name;
  if (change.message !== undefined) patch.message = change.message;
  if (change.templateId !== undefined) patch.template_id = change.templateId;
  if (change.imageId !== undefined) patch.image_id = change.imageId;
  if (change.targetKeys !== undefined) patch.target_keys = JSON.stringify(change.targetKeys);
  if (change.intervalMinutes !== undefined) patch.interval_minutes = change.intervalMinutes;
  if (change.dailyTime !== undefined) patch.daily_time = change.dailyTime;
  if (change.timezone !== undefined) patch.timezone = change.timezone;
  if (change.enabled !== undefined) patch.enabled = change.enabled;
  const [row]: BroadcastRow[] = await ownedBy(db('broadcasts').where({ id }), scope).update(patch).returning('*');
  return row && mapBroadcast(row);
}

/** Deletes broadcast `id` if `scope` owns it; false when it does not (nothing deleted). */
export async function deleteBroadcast(db: Knex, scope: Scope, id: string): Promise<boolean> {
  return (await ownedBy(db('broadcasts').where({ id }), scope).delete()) > 0;
}

// ---------------------------------------------------------------------------------------------
// System side: schedule syncs, the outbox and the run bookkeeping act for whoever owns a
// broadcast. These take no scope and must never answer a caller of the API.
// ---------------------------------------------------------------------------------------------

/** Records why the broadcast's schedule could not be synced (null: it is in line again). */
export async function recordScheduleError(db: Knex, id: string, error: string | null): Promise<void> {
  await db('broadcasts').where({ id }).update({ schedule_error: error });
}

/** Workflow ids of the broadcast's runs still running. */
export async function runningRunWorkflowIds(db: Knex, broadcastId: string): Promise<string[]> {
  const rows: Array<{ workflow_id: string }> = await db('broadcast_runs')
    .where({ broadcast_id: broadcastId, status: 'running' })
    .select('workflow_id');
  return rows.map((r) => r.workflow_id);
}

/** A run without its per-target results, as run lists show it. */
export type RunSummary = Omit<RunView, 'results'>;

/** Runs with their counts; a running run's counts live in the ledger until the run closes them. */
function runSummaries(db: Knex) {
  return db('broadcast_runs as r').select(
    'r.id',
    'r.broadcast_id',
    'r.run_number',
    'r.workflow_id',
    'r.status',
    'r.error',
    'r.started_at',
    'r.finished_at',
    db.raw(`case when r.status = 'running' then (select count(*) from deliveries d where d.run_id = r.id and d.status = 'sent') else r.sent end::int as sent`),
    db.raw(`case when r.status = 'running' then (select count(*) from deliveries d where d.run_id = r.id and d.status = 'failed') else r.failed end::int as failed`),
  );
}

const mapRunSummary = (r: Record<string, any>): RunSummary => ({
  id: r.id,
  runNumber: r.run_number,
  workflowId: r.workflow_id,
  status: r.status,
  sent: r.sent,
  failed: r.failed,
  error: r.error,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** The broadcast's latest runs, newest first. */
export async function listRuns(db: Knex, broadcastId: string, limit: number): Promise<RunSummary[]> {
  const rows = await runSummaries(db).where({ 'r.broadcast_id': broadcastId }).orderBy('r.run_number', 'desc').limit(limit);
  return rows.map(mapRunSummary);
}

/** The latest run of each of `broadcastIds` that has one, by broadcast id, in one query. */
export async function latestRuns(db: Knex, broadcastIds: string[]): Promise<Map<string, RunSummary>> {
  if (broadcastIds.length === 0) return new Map();
  const rows = await runSummaries(db)
    .distinctOn('r.broadcast_id')
    .whereIn('r.broadcast_id', broadcastIds)
    .orderBy([{ column: 'r.broadcast_id' }, { column: 'r.run_number', order: 'desc' }]);
  return new Map(rows.map((r: Record<string, any>) => [r.broadcast_id as string, mapRunSummary(r)]));
}
