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
import { sendActivities } from './send-path';
import { BUG_ERROR_TYPES, FailureTypes, type BroadcastRunInput, type BroadcastRunResult } from './shared';

/** The run's records: retried for about five minutes of database trouble, never for a bug. */
const ledger = proxyActivities<BroadcastActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 15,
    nonRetryableErrorTypes: [...BUG_ERROR_TYPES],
  },
});

/**
 * One run of a broadcast: opens the run's ledger, sends to every target in order through the
 * account's session task queue and send budget, and closes the run with its counts.
 *
 * A target that fails for good (forbidden, not found) fails alone; a FloodWait pauses the
 * account's sends and resumes after it (short waits inside the activity, long ones as a durable
 * timer here); an account-level failure (restricted, session revoked) fails the remaining targets
 * with that reason. Cancelling the workflow closes the run as `cancelled`. A run whose own records
 * cannot be read or written after every retry ends failed, saying why.
 */
export async function broadcastRunWorkflow(input: BroadcastRunInput): Promise<BroadcastRunResult> {
  const { workflowId } = workflowInfo();
  const plan = await bookkeeping(input, () => ledger.beginBroadcastRun({ broadcastId: input.broadcastId, workflowId, runNumber: input.runNumber }));
  if (!plan) return { runId: null, status: 'cancelled', sent: 0, failed: 0 };

  const session = sendActivities(plan.sessionTaskQueue);

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
  await bookkeeping(input, () => ledger.finishBroadcastRun({ runId: plan.runId, status, error: stopReason }));
  return { runId: plan.runId, status, sent, failed: plan.targetKeys.length - sent };
}

/**
 * Runs one of the run's bookkeeping activities. When it fails for good, the run is failed with
 * the reason (if that can still be recorded) and the workflow fails with it too.
 */
async function bookkeeping<T>(input: BroadcastRunInput, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isCancellation(err)) throw err;
    const error = `the run's records could not be kept: ${failureMessage(err)}`;
    await ledger.failBroadcastRun({ broadcastId: input.broadcastId, workflowId: workflowInfo().workflowId, error }).catch(() => undefined);
    throw ApplicationFailure.nonRetryable(error, FailureTypes.BookkeepingFailed);
  }
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.message;
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
