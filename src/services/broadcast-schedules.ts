/**
 * A recurring broadcast's Temporal Schedule, kept in line with its row through the Temporal
 * outbox: every change of the row (create, PATCH, delete, its account deleted) enqueues a schedule
 * sync in the change's own transaction, and the sync makes the schedule what the row says *now*.
 * So after a crash at any point the row and the schedule agree on the next start as soon as the
 * sync has run, whoever runs it.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  ServiceError,
  WorkflowNotFoundError,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { Knex } from 'knex';
import { findAnyBroadcast, recordScheduleError, runningRunWorkflowIds, type Broadcast } from '../db/repos/broadcasts.repo';
import { dropPendingStarts, enqueueScheduleSync, type ScheduleSync } from '../db/repos/temporal-outbox.repo';
import { broadcastSchedule, type BroadcastSchedule } from '../domain/schedule-spec';
import { searchAttributesFor } from '../temporal/search-attributes';
import { BROADCAST_RUN_WORKFLOW, MAIN_TASK_QUEUE, type BroadcastRunInput } from '../workflows/shared';

/** The Temporal Schedule id of a recurring broadcast. */
export function broadcastScheduleId(broadcastId: string): string {
  return `broadcast-${broadcastId}`;
}

/** The prefix of the workflow ids of a broadcast's runs. */
export function broadcastRunPrefix(broadcastId: string): string {
  return `broadcast-${broadcastId}-run-`;
}

/**
 * How long the caller that enqueued a sync has to carry it out itself before a dispatcher takes
 * it over (a crashed API's sync is taken over after this).
 */
export const SCHEDULE_SYNC_CLAIM_MS = 10_000;

/**
 * A missed run is still made up after an outage this short; a longer outage fires no backlog
 * (and overlap SKIP means at most one run of a broadcast at a time).
 */
const CATCHUP_WINDOW = '10 minutes';

function toSpec(schedule: BroadcastSchedule): ScheduleSpec {
  return schedule.type === 'interval'
    ? { intervals: [{ every: schedule.everyMs }] }
    : { calendars: [{ hour: schedule.hour, minute: schedule.minute }], timezone: schedule.timezone };
}

function ownerMemo(broadcast: Broadcast) {
  return { userId: broadcast.userId, accountId: broadcast.accountId, broadcastId: broadcast.id };
}

/** What the schedule fires: a run of the broadcast, carrying its owner in memo and search attributes. */
function runAction(broadcast: Broadcast): ScheduleOptionsStartWorkflowAction<Workflow> {
  const input: BroadcastRunInput = { broadcastId: broadcast.id };
  return {
    type: 'startWorkflow',
    workflowType: BROADCAST_RUN_WORKFLOW,
    workflowId: `broadcast-${broadcast.id}-run`,
    taskQueue: MAIN_TASK_QUEUE,
    args: [input],
    memo: ownerMemo(broadcast),
    typedSearchAttributes: searchAttributesFor('broadcast', broadcast),
  };
}

/** Creates the schedule, or brings an existing one in line: spec, action and whether it is paused. */
async function upsertSchedule(temporal: Client, broadcast: Broadcast, schedule: BroadcastSchedule): Promise<void> {
  const scheduleId = broadcastScheduleId(broadcast.id);
  const state = { paused: !broadcast.enabled, note: broadcast.enabled ? 'enabled through the API' : 'disabled through the API' };
  try {
    await temporal.schedule.create({
      scheduleId,
      spec: toSpec(schedule),
      action: runAction(broadcast),
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
      state,
      memo: ownerMemo(broadcast),
      typedSearchAttributes: searchAttributesFor('schedule', broadcast),
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await temporal.schedule
      .getHandle(scheduleId)
      .update((previous) => ({ ...previous, spec: toSpec(schedule), action: runAction(broadcast), state: { ...previous.state, ...state } }));
  }
}

/** Deletes the schedule, if there is one. */
async function deleteSchedule(temporal: Client, broadcastId: string): Promise<void> {
  try {
    await temporal.schedule.getHandle(broadcastScheduleId(broadcastId)).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}

/** Cancels running workflows, ignoring those that already ended. */
async function cancelWorkflows(temporal: Client, workflowIds: string[]): Promise<void> {
  await Promise.all(
    workflowIds.map((id) =>
      temporal.workflow
        .getHandle(id)
        .cancel()
        .catch((err) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }),
    ),
  );
}

/**
 * Makes the broadcast's schedule what its row says now: created or updated (spec, action,
 * paused) for a recurring broadcast, deleted when the row is gone or not recurring; then cancels
 * the runs the sync names. Syncs of one broadcast run one at a time (an advisory lock held while
 * the row is read and applied), so an older state is never applied over a newer one.
 */
export async function syncBroadcastSchedule(db: Knex, temporal: Client, sync: ScheduleSync): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [broadcastScheduleId(sync.broadcastId)]);
    const broadcast = await findAnyBroadcast(trx, sync.broadcastId);
    const { schedule } = broadcast ? broadcastSchedule(broadcast) : {};
    if (broadcast && schedule) await upsertSchedule(temporal, broadcast, schedule);
    else await deleteSchedule(temporal, sync.broadcastId);
    await cancelWorkflows(temporal, sync.cancelWorkflowIds);
    if (broadcast?.scheduleError) await recordScheduleError(trx, broadcast.id, null);
  });
}

/**
 * Asks, in `trx`, for the schedule of a broadcast just created or changed to be synced in
 * `namespace`; the caller carries the returned operation out after the commit (TemporalOutbox.carryOut).
 */
export function requestScheduleSync(trx: Knex, namespace: string, broadcastId: string): Promise<number> {
  return enqueueScheduleSync(trx, namespace, { broadcastId, cancelWorkflowIds: [] }, SCHEDULE_SYNC_CLAIM_MS);
}

/**
 * Before its row is deleted in `trx`: drops the broadcast's runs not yet started and asks for its
 * schedule to be deleted and its running runs cancelled once `trx` commits. Returns the outbox
 * operation to carry out after the commit.
 */
export async function requestBroadcastRemoval(trx: Knex, namespace: string, broadcastId: string): Promise<number> {
  await dropPendingStarts(trx, broadcastRunPrefix(broadcastId));
  const cancelWorkflowIds = await runningRunWorkflowIds(trx, broadcastId);
  return enqueueScheduleSync(trx, namespace, { broadcastId, cancelWorkflowIds }, SCHEDULE_SYNC_CLAIM_MS);
}

/**
 * When the schedule fires next; null when paused or unknown — also while Temporal cannot answer,
 * since the time is only shown beside a broadcast whose row Postgres holds either way.
 */
export async function nextRunAt(temporal: Client, broadcastId: string): Promise<Date | null> {
  try {
    const description = await temporal.schedule.getHandle(broadcastScheduleId(broadcastId)).describe();
    if (description.state.paused) return null;
    return description.info.nextActionTimes[0] ?? null;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError || err instanceof ServiceError) return null;
    throw err;
  }
}
