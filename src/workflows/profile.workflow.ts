import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ProfileActivities } from '../activities/profile.activities';
import type { ProfileData, ProfileInput } from './profile.shared';
import { describeFailure } from './scan-job';
import { BUG_ERROR_TYPES, FailureTypes, PERMANENT_PLATFORM_FAILURES } from './shared';

/**
 * One profile operation (read, update, username, photo) on the account's session task queue,
 * where its live session is. Someone waits for the answer, so it is retried briefly for
 * connection trouble only, and fails with the failure's own type for the API to answer.
 */
export async function profileWorkflow(input: ProfileInput): Promise<ProfileData> {
  const session = proxyActivities<ProfileActivities>({
    taskQueue: input.sessionTaskQueue,
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumAttempts: 3,
      nonRetryableErrorTypes: [...BUG_ERROR_TYPES, ...PERMANENT_PLATFORM_FAILURES, FailureTypes.RateLimited],
    },
  });
  try {
    return await session.runProfileOperation({ accountId: input.accountId, operation: input.operation });
  } catch (err) {
    const { message, type } = describeFailure(err);
    throw ApplicationFailure.create({ message, type: type ?? 'ProfileFailed', nonRetryable: true, details: detailsOf(err) });
  }
}

/** The details of the activity's failure (a rate limit's wait in seconds), passed on to the API. */
function detailsOf(err: unknown): unknown[] | undefined {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof ApplicationFailure && cause.details ? [...cause.details] : undefined;
}
