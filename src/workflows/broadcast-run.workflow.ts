import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
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
 * account's session task queue, and closes the run with its counts.
 *
 * A target that fails for good (forbidden, not found) fails alone; a FloodWait retries after the
 * wait the platform asked for; an account-level failure (restricted, session revoked) fails the
 * remaining targets with that reason. Cancelling the workflow closes the run as `cancelled`.
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
    startToCloseTimeout: '2 minutes',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
      nonRetryableErrorTypes: [...ACCOUNT_LEVEL_FAILURES, FailureTypes.DeliveryNotFound],
    },
  });

  let sent = 0;
  let abortReason: string | undefined;
  try {
    for (const targetKey of plan.targetKeys) {
      if (abortReason) break;
      try {
        const outcome = await session.deliverMessage({ runId: plan.runId, targetKey });
        if (outcome.status === 'sent') sent++;
      } catch (err) {
        if (isCancellation(err)) throw err;
        const failure = applicationFailureOf(err);
        const reason = failure?.message ?? (err instanceof Error ? err.message : String(err));
        if (failure?.type && ACCOUNT_LEVEL_FAILURES.includes(failure.type)) abortReason = reason;
        await ledger.failDelivery({ runId: plan.runId, targetKey, error: reason });
      }
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() =>
        ledger.finishBroadcastRun({ runId: plan.runId, status: 'cancelled', error: 'run cancelled' }),
      );
    }
    throw err;
  }

  const status = abortReason ? 'failed' : 'completed';
  await ledger.finishBroadcastRun({ runId: plan.runId, status, error: abortReason });
  return { runId: plan.runId, status, sent, failed: plan.targetKeys.length - sent };
}

function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause;
  return undefined;
}
