import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { ScanActivities } from '../activities/scan.activities';
import type { ScanSessionActivities } from '../activities/scan-session.activities';
import { ScanEndTypes, type ScanJobResult } from './scan.shared';
import { BUG_ERROR_TYPES, FailureTypes, PERMANENT_PLATFORM_FAILURES } from './shared';

/** Database activities of scan jobs (task queue `autohub`). */
export const scanJobs = proxyActivities<ScanActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
});

/**
 * Session activities of scans on the account's task queue: retried on connection trouble and
 * after a rate limit's wait, never on a permanent failure. Long searches heartbeat between
 * batches of chats.
 */
export function scanSession(taskQueue: string) {
  return proxyActivities<ScanSessionActivities>({
    taskQueue,
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '5 minutes',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 10,
      nonRetryableErrorTypes: [...BUG_ERROR_TYPES, ...PERMANENT_PLATFORM_FAILURES],
    },
  });
}

/** The message and failure type at the root of `err`, as the job records them. */
export function describeFailure(err: unknown): { message: string; type: string | null } {
  const failure = err instanceof ActivityFailure ? err.cause : err;
  if (failure instanceof ApplicationFailure) return { message: failure.message, type: failure.type ?? null };
  if (failure instanceof TimeoutFailure) return { message: "the account's session did not answer in time", type: FailureTypes.SessionTimeout };
  if (failure instanceof Error) return { message: failure.message, type: null };
  return { message: String(failure), type: null };
}

/**
 * Runs a scan job's `work`. A failure is recorded on the job (the API answers from there) and
 * fails the workflow with the same message and type, so it shows in the Temporal UI too.
 */
export async function runScanJob(jobId: string, work: () => Promise<void>): Promise<ScanJobResult> {
  try {
    await work();
    return { jobId, status: 'completed' };
  } catch (err) {
    const cancelled = isCancellation(err);
    const { message, type } = cancelled ? { message: 'scan cancelled', type: ScanEndTypes.Cancelled } : describeFailure(err);
    await CancellationScope.nonCancellable(() => scanJobs.failScanJob({ jobId, error: message, errorType: type }));
    if (cancelled) throw err;
    throw ApplicationFailure.nonRetryable(message, type ?? 'ScanFailed');
  }
}
