import { proxyActivities } from '@temporalio/workflow';
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
