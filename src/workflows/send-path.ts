import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { SendActivities } from '../activities/send.activities';
import { ACCOUNT_LEVEL_FAILURES, BUG_ERROR_TYPES, FailureTypes } from './shared';

/**
 * The one sending activity of the one send path (`deliverMessages`, see `src/services/send-runs.ts`)
 * on an account's session task queue. Retried on connection trouble, never when the account can
 * no longer send or the run's records are wrong; waits beyond the inline limit come back as
 * `deferUntil` for the workflow to sleep out. Heartbeats between sends.
 */
export function sendActivities(sessionTaskQueue: string) {
  return proxyActivities<SendActivities>({
    taskQueue: sessionTaskQueue,
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '10 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
      nonRetryableErrorTypes: [...BUG_ERROR_TYPES, ...ACCOUNT_LEVEL_FAILURES, FailureTypes.DeliveryNotFound, FailureTypes.ImageNotFound],
    },
  });
}

/** How delivering a send run ended: how many targets were sent, and why it stopped early, if it did. */
export interface SendRunOutcome {
  sent: number;
  stopReason?: string;
}

/**
 * Delivers send run `runId` to `targetKeys` through the one send path until nothing is left,
 * sleeping out the waits pacing or a FloodWait impose beyond the activity's inline limit as
 * durable timers. An activity failure for good (the account restricted or logged out, say) stops
 * the run and says why; the caller closes the run with that reason.
 */
export async function deliverSendRun(sessionTaskQueue: string, runId: string, targetKeys: string[]): Promise<SendRunOutcome> {
  const sender = sendActivities(sessionTaskQueue);
  let remaining = targetKeys;
  let sent = 0;
  while (remaining.length > 0) {
    let batch;
    try {
      batch = await sender.deliverMessages({ runId, targetKeys: remaining });
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      return { sent, stopReason: cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause) };
    }
    sent += batch.outcomes.filter((o) => o.status === 'sent').length;
    remaining = batch.remaining;
    if (batch.deferUntil) await sleep(Math.max(0, Date.parse(batch.deferUntil) - Date.now()));
  }
  return { sent };
}
