import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The path one execution took through its workflow code, as far as replay can tell paths apart. */
export interface HistoryPath {
  /**
   * What the workflow did, in order (activities scheduled by type and how they ended, timers,
   * markers such as patches, child workflows, the close; a step repeated in a row counted once),
   * then what it was sent (updates, signals, a cancellation request). Where in the run an input
   * arrived is left out: that is timing, not a branch of the code. Two histories with the same key
   * took the same branches.
   */
  key: string;
  /** A file-name-friendly summary: the close status, notable events and the last activity. */
  name: string;
}

/**
 * Where a history went, e.g.
 * `beginBroadcastRun deliverMessages timer timer-cancelled finishBroadcastRun cancelled [cancel-requested]`.
 */
export function describePath(history: History): HistoryPath {
  const steps: string[] = [];
  const inputs = new Set<string>();
  let lastActivity: string | undefined;
  for (const event of history.events ?? []) {
    const input = inputOf(event);
    if (input) inputs.add(input);
    const step = stepOf(event);
    if (!step) continue;
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) lastActivity = step;
    if (steps.at(-1) !== step) steps.push(step);
  }
  const close = steps.at(-1) ?? 'open';
  const has = (prefix: string) => steps.some((s) => s.startsWith(prefix)) || [...inputs].some((s) => s.startsWith(prefix));
  const features = [
    has('update:') && 'update',
    has('signal:') && 'signal',
    has('patch:') && 'patched',
    has('timer') && 'timer',
    (has('activity-failed') || has('activity-timed-out')) && 'activity-failure',
    has('cancel-requested') && close !== 'cancelled' && 'cancel-requested',
  ].filter((f): f is string => typeof f === 'string');
  const name = [close, ...features, lastActivity && kebab(lastActivity)].filter(Boolean).join('-');
  const sent = [...inputs].sort();
  return { key: steps.join(' ') + (sent.length > 0 ? ` [${sent.join(', ')}]` : ''), name };
}

function inputOf(event: HistoryEvent): string | undefined {
  switch (event.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
      return `update:${event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? ''}`;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
      return event.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure ? 'update-failed' : undefined;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      return `signal:${event.workflowExecutionSignaledEventAttributes?.signalName ?? ''}`;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      return 'cancel-requested';
    default:
      return undefined;
  }
}

function stepOf(event: HistoryEvent): string | undefined {
  switch (event.eventType) {
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
      return event.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity';
    case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      return 'activity-failed';
    case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      return 'activity-timed-out';
    case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
      return 'activity-cancelled';
    case EventType.EVENT_TYPE_TIMER_STARTED:
      return 'timer';
    case EventType.EVENT_TYPE_TIMER_FIRED:
      return 'timer-fired';
    case EventType.EVENT_TYPE_TIMER_CANCELED:
      return 'timer-cancelled';
    case EventType.EVENT_TYPE_MARKER_RECORDED: {
      const marker = event.markerRecordedEventAttributes?.markerName ?? 'marker';
      return marker === 'core_patch' ? `patch:${patchId(event)}` : `marker:${marker}`;
    }
    case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
      return `child:${event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ?? ''}`;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return 'completed';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      return 'failed';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      return 'cancelled';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      return 'terminated';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      return 'timed-out';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return 'continued-as-new';
    default:
      // Task bookkeeping is the same on every path, and a failed workflow task is the server's or
      // the worker's doing (a termination or a new event racing a completion, a worker gone).
      return undefined;
  }
}

/** The id of a `patched()` marker: JSON under `patch-data` (older Core: plain bytes under `patch_id`). */
function patchId(event: HistoryEvent): string {
  const details = event.markerRecordedEventAttributes?.details ?? {};
  const json = details['patch-data']?.payloads?.[0]?.data;
  if (json) {
    try {
      return String((JSON.parse(Buffer.from(json).toString('utf8')) as { id?: unknown }).id ?? '');
    } catch {
      return '';
    }
  }
  const raw = details['patch_id']?.payloads?.[0]?.data;
  return raw ? Buffer.from(raw).toString('utf8') : '';
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
