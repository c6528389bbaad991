import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { BroadcastActivities } from '../activities/broadcast.activities';
import type { SessionActivities } from '../activities/session.activities';
import { ACCOUNT_LEVEL_FAILURES, FailureTypes, type BroadcastRunInput, type BroadcastRunResult } from './shared';

const ledger = proxyActivities<BroadcastActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * One run of a broadcast: opens the run's ledger, sends to every target in order through the
 * account's session task queue and send budget, and closes the run with its counts.
 *
 * A target that fails for good (forbidden, not found) fails alone; a FloodWait pauses the
 * account's sends and resumes after it (short waits inside the activity, long ones as a durable
 * timer here); an account-level failure (restricted, session revoked) fails the remaining targets
 * with that reason. Cancelling the workflow closes the run as `cancelled`.
 */
export async function broadcastRunWorkflow(input: BroadcastRunInput): Promise<BroadcastRunResult> {
  const plan = await ledger.beginBroadcastRun({
    broadcastId: input.broadcastId,
    workflowId: workflowInfo().workflowId,
    runNumber: input.runNumber,
  });
  if (!plan) return { runId: null, status: 'cancelled', sent: 0, failed: 0 };

  const session = proxyActivities<SessionActivities>({
    taskQueue: plan.sessionTaskQueue,
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '10 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
      nonRetryableErrorTypes: [...ACCOUNT_LEVEL_FAILURES, FailureTypes.DeliveryNotFound, FailureTypes.ImageNotFound],
    },
  });

  let sent = 0;
  let stopReason: string | undefined;
  let remaining = plan.targetKeys;
  try {
    while (remaining.length > 0) {
      let batch;
      try {
        batch = await session.deliverMessages({ runId: plan.runId, targetKeys: remaining });
      } catch (err) {
        if (isCancellation(err)) throw err;
        stopReason = failureMessage(err);
        break;
      }
      sent += batch.outcomes.filter((o) => o.status === 'sent').length;
      remaining = batch.remaining;
      if (batch.deferUntil) await sleep(Math.max(0, Date.parse(batch.deferUntil) - Date.now()));
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() =>
        ledger.finishBroadcastRun({ runId: plan.runId, status: 'cancelled', error: 'run cancelled' }),
      );
    }
    throw err;
  }

  const status = stopReason ? 'failed' : 'completed';
  await ledger.finishBroadcastRun({ runId: plan.runId, status, error: stopReason });
  return { runId: plan.runId, status, sent, failed: plan.targetKeys.length - sent };
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.message;
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
