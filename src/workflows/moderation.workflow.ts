import { proxyActivities } from '@temporalio/workflow';
import type { ModerationActivities } from '../activities/moderation.activities';
import { BUG_ERROR_TYPES, FailureTypes, type ModerationInput } from './shared';

/** Moderation on the account's session: retried on connection trouble and rate limits; a refusal is a result, not a failure. */
export function moderationActivities(sessionTaskQueue: string) {
  return proxyActivities<ModerationActivities>({
    taskQueue: sessionTaskQueue,
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
      nonRetryableErrorTypes: [...BUG_ERROR_TYPES, FailureTypes.Invalid],
    },
  });
}

/**
 * Carries out one logged moderation action that no inbound event caused (`moderation-<log id>`):
 * lifting the platform ban of a user taken off the ban list. Started through the Temporal outbox
 * in the transaction that logged it, so it is carried out even if the API dies right after.
 */
export async function moderationWorkflow(input: ModerationInput): Promise<{ result: string }> {
  const { result } = await moderationActivities(input.sessionTaskQueue).moderate({ logId: input.logId });
  return { result };
}
