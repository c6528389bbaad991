import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  type Client,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Knex } from 'knex';
import { runningRunWorkflowIds, type Broadcast } from '../db/repos/broadcasts.repo';
import { dropPendingStarts } from '../db/repos/workflow-starts.repo';
import type { BroadcastSchedule } from '../domain/schedule-spec';
import { BROADCAST_RUN_WORKFLOW, MAIN_TASK_QUEUE, type BroadcastRunInput } from '../workflows/shared';

/** The Temporal Schedule id of a recurring broadcast. */
export function broadcastScheduleId(broadcastId: string): string {
  return `broadcast-${broadcastId}`;
}

function toSpec(schedule: BroadcastSchedule): ScheduleSpec {
  return schedule.type === 'interval'
    ? { intervals: [{ every: schedule.everyMs }] }
    : { calendars: [{ hour: schedule.hour, minute: schedule.minute }], timezone: schedule.timezone };
}

/**
 * A missed run is still made up after an outage this short; a longer outage fires no backlog
 * (and overlap SKIP means at most one run of a broadcast at a time).
 */
const CATCHUP_WINDOW = '10 minutes';

/** Creates the broadcast's schedule, paused when the broadcast is disabled. */
export async function createBroadcastSchedule(temporal: Client, broadcast: Broadcast, schedule: BroadcastSchedule): Promise<void> {
  const input: BroadcastRunInput = { broadcastId: broadcast.id };
  await temporal.schedule.create({
    scheduleId: broadcastScheduleId(broadcast.id),
    spec: toSpec(schedule),
    action: {
      type: 'startWorkflow',
      workflowType: BROADCAST_RUN_WORKFLOW,
      workflowId: `broadcast-${broadcast.id}-run`,
      taskQueue: MAIN_TASK_QUEUE,
      args: [input],
      memo: { userId: broadcast.userId, accountId: broadcast.accountId, broadcastId: broadcast.id },
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
    state: { paused: !broadcast.enabled, note: broadcast.name ?? undefined },
    memo: { userId: broadcast.userId, accountId: broadcast.accountId, broadcastId: broadcast.id },
  });
}

/** Brings the schedule in line with the broadcast: its spec and whether it is paused. */
export async function updateBroadcastSchedule(temporal: Client, broadcast: Broadcast, schedule: BroadcastSchedule): Promise<void> {
  const handle = temporal.schedule.getHandle(broadcastScheduleId(broadcast.id));
  await handle.update((previous) => ({ ...previous, spec: toSpec(schedule) }));
  const description = await handle.describe();
  if (description.state.paused && broadcast.enabled) await handle.unpause('enabled through the API');
  if (!description.state.paused && !broadcast.enabled) await handle.pause('disabled through the API');
}

/** When the schedule fires next; null when paused or unknown. */
export async function nextRunAt(temporal: Client, broadcastId: string): Promise<Date | null> {
  try {
    const description = await temporal.schedule.getHandle(broadcastScheduleId(broadcastId)).describe();
    if (description.state.paused) return null;
    return description.info.nextActionTimes[0] ?? null;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}

/** Deletes the schedule, if there is one. */
export async function deleteBroadcastSchedule(temporal: Client, broadcastId: string): Promise<void> {
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
 * Stops everything Temporal does for a broadcast before its row goes: its schedule, runs not yet
 * started, and runs under way.
 */
export async function stopBroadcast(db: Knex, temporal: Client, broadcastId: string): Promise<void> {
  await deleteBroadcastSchedule(temporal, broadcastId);
  await dropPendingStarts(db, `broadcast-${broadcastId}-run-`);
  await cancelWorkflows(temporal, await runningRunWorkflowIds(db, broadcastId));
}
