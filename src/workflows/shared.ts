/**
 * Names and message types shared by workflows, activities and the API's Temporal client.
 * Importable from workflow code: no Node built-ins, no I/O.
 */

/**
 * Errors retrying cannot mend: a bug in AutoHub (or data it cannot read), not trouble with a
 * service. Every activity's retry policy lists them as non-retryable, so a bug fails at once
 * with its message instead of being retried for minutes.
 */
export const BUG_ERROR_TYPES: readonly string[] = ['TypeError', 'ReferenceError', 'SyntaxError', 'RangeError'];

/** Task queue of every workflow and of activities that only touch the database. */
export const MAIN_TASK_QUEUE = 'autohub';

export const BROADCAST_RUN_WORKFLOW = 'broadcastRunWorkflow';

export interface BroadcastRunInput {
  broadcastId: string;
  /** Reserved by the API for runs it starts; schedule-fired runs get the next number. */
  runNumber?: number;
}

export interface BroadcastRunResult {
  runId: string | null;
  status: 'completed' | 'failed' | 'cancelled';
  sent: number;
  failed: number;
}

/** The workflow id of a broadcast's n-th run started by the API. */
export function broadcastRunWorkflowId(broadcastId: string, runNumber: number): string {
  return `broadcast-${broadcastId}-run-${runNumber}`;
}

/** Failure types session activities raise; workflows stop a run on the account-level ones. */
export const FailureTypes = {
  RateLimited: 'RateLimited',
  AccountRestricted: 'AccountRestricted',
  AuthRevoked: 'AuthRevoked',
  DeliveryNotFound: 'DeliveryNotFound',
  ImageNotFound: 'ImageNotFound',
  /** The run's own records could not be read or written (after every retry). */
  BookkeepingFailed: 'BookkeepingFailed',
} as const;

/** Failures after which no further target of the run can succeed. */
export const ACCOUNT_LEVEL_FAILURES: readonly string[] = [FailureTypes.AccountRestricted, FailureTypes.AuthRevoked];

export const BROADCAST_DRY_RUN_WORKFLOW = 'broadcastDryRunWorkflow';
