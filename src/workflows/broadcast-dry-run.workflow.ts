import { proxyActivities } from '@temporalio/workflow';
import type { SessionActivities } from '../activities/session.activities';
import type { DryRunInput, DryRunResult } from './shared';
import { BUG_ERROR_TYPES } from './shared';

/** Inspects a broadcast on the account's session without sending anything. */
export async function broadcastDryRunWorkflow(input: DryRunInput & { sessionTaskQueue: string }): Promise<DryRunResult> {
  const session = proxyActivities<SessionActivities>({
    taskQueue: input.sessionTaskQueue,
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
  });
  const { sessionTaskQueue: _queue, ...inspect } = input;
  return session.inspectBroadcast(inspect);
}
