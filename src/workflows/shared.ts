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

/**
 * The failure types every activity raises: the one vocabulary of AutoHub's activity failures
 * (`src/activities/send-failures.ts` maps platform errors onto them). The API answers the
 * platform ones of scan and profile jobs with 400 (invalid, not found, forbidden, upload missing),
 * 409 (username taken, account unusable), 429 (rate limited), 503 (session out of reach).
 */
export const FailureTypes = {
  /** The platform refused the request as malformed. */
  Invalid: 'PlatformInvalid',
  /** The chat, user or message does not exist on the platform. */
  NotFound: 'PlatformNotFound',
  /** The account may not do this there (write, read, join). */
  Forbidden: 'PlatformForbidden',
  UsernameTaken: 'UsernameTaken',
  /** The platform asked to wait (FloodWait); the wait in seconds is the failure's detail. */
  RateLimited: 'RateLimited',
  AccountRestricted: 'AccountRestricted',
  AuthRevoked: 'AuthRevoked',
  /** A staged upload that is gone (the request that staged it died). */
  UploadMissing: 'UploadMissing',
  /** The session did not answer within its activity's time limit (raised by workflows, not activities). */
  SessionTimeout: 'SessionTimeout',
  /** A send was asked for a target its send run has no ledger row for (a bug). */
  DeliveryNotFound: 'DeliveryNotFound',
  /** The image a send run sends was deleted under it. */
  ImageNotFound: 'ImageNotFound',
  /** The run's own records could not be read or written (after every retry). */
  BookkeepingFailed: 'BookkeepingFailed',
} as const;

/** Failures that come from a platform (their messages are the platform's and safe to show). */
export const PLATFORM_FAILURES: readonly string[] = [
  FailureTypes.Invalid,
  FailureTypes.NotFound,
  FailureTypes.Forbidden,
  FailureTypes.UsernameTaken,
  FailureTypes.RateLimited,
  FailureTypes.AccountRestricted,
  FailureTypes.AuthRevoked,
  FailureTypes.UploadMissing,
  FailureTypes.SessionTimeout,
];

/** Failures after which no further send of the account can succeed. */
export const ACCOUNT_LEVEL_FAILURES: readonly string[] = [FailureTypes.AccountRestricted, FailureTypes.AuthRevoked];

/** Failures retrying cannot fix; rate limits are retried after the platform's wait instead. */
export const PERMANENT_PLATFORM_FAILURES: readonly string[] = [
  FailureTypes.Invalid,
  FailureTypes.NotFound,
  FailureTypes.Forbidden,
  FailureTypes.UsernameTaken,
  FailureTypes.AccountRestricted,
  FailureTypes.AuthRevoked,
  FailureTypes.UploadMissing,
];

export const BROADCAST_DRY_RUN_WORKFLOW = 'broadcastDryRunWorkflow';

/** A broadcast to inspect without sending. */
export interface DryRunInput {
  accountId: string;
  accountName: string;
  targetKeys: string[];
  message: string;
  fromTemplate: boolean;
}

/** One target of a dry run, as the API answers it. */
export interface DryRunTarget {
  target_key: string;
  resolves: boolean;
  writable: boolean;
  type: string | null;
  title: string | null;
  members: number | null;
  message: string | null;
  error?: string;
}

/** What a dry run answers: each target's reach and text, and how long sending would take. */
export interface DryRunResult {
  targets: DryRunTarget[];
  estimated_duration_seconds: number;
}

export const INBOUND_EVENT_WORKFLOW = 'inboundEventWorkflow';

/** What the workflow acting on one stored inbound event is started with. */
export interface InboundEventInput {
  eventId: number;
  accountId: string;
  sessionTaskQueue: string;
}

/** The id of the workflow acting on inbound event `eventId`: one per event, ever. */
export function inboundEventWorkflowId(eventId: number): string {
  return `inbound-${eventId}`;
}

export const MODERATION_WORKFLOW = 'moderationWorkflow';

/** What the workflow carrying out one logged moderation action (lifting a ban, say) is started with. */
export interface ModerationInput {
  logId: number;
  accountId: string;
  sessionTaskQueue: string;
}

/** The id of the workflow carrying out logged moderation action `logId`: one per action, ever. */
export function moderationWorkflowId(logId: number): string {
  return `moderation-${logId}`;
}

export const AB_TEST_WORKFLOW = 'abTestWorkflow';

/** What the workflow of a started A/B test is started with. */
export interface AbTestInput {
  testId: string;
  sessionTaskQueue: string;
  /** For a sample test: how long after the variants are out it decides and sends the winner to the rest; null for none. */
  decideAfterMs: number | null;
}

/** The id of a started A/B test's workflow. */
export function abTestWorkflowId(testId: string): string {
  return `abtest-${testId}`;
}

/** Signals an A/B test's workflow to decide now (`POST /api/ab-tests/:id/complete`). */
export const DECIDE_AB_TEST_SIGNAL = 'decideAbTest';

export const DRIP_ENROLLMENT_WORKFLOW = 'dripEnrollmentWorkflow';

/** What the workflow of one target's enrollment in a drip campaign is started with. */
export interface DripEnrollmentInput {
  enrollmentId: number;
  sessionTaskQueue: string;
}

/** The id of the workflow of `targetKey`'s enrollment in campaign `campaignId`. */
export function dripEnrollmentWorkflowId(campaignId: string, targetKey: string): string {
  return `drip-${campaignId}-target-${targetKey}`;
}

/** Tells an enrollment's workflow that its row changed (a pause, a resume, an edit): it reads the row again. */
export const DRIP_CHANGED_SIGNAL = 'dripChanged';

export const WEBHOOK_DELIVERY_WORKFLOW = 'webhookDeliveryWorkflow';

/** What the workflow of one webhook delivery's attempt series is started with. */
export interface WebhookDeliveryInput {
  deliveryId: string;
  /** The attempt series it carries: a replay starts the next, and a run of an older one stops. */
  series: number;
  /** Attempts of this series made before the workflow (the worker's first attempt): 0 or 1. */
  attemptsMade: number;
  /** The waits before retries 1, 2, … in ms (the worker's AUTOHUB_WEBHOOK_RETRY_SCHEDULE). */
  retryScheduleMs: number[];
  /** The receiver's Retry-After after the attempt made before the workflow, in ms. */
  retryAfterMs?: number;
}

/** How a delivery's workflow ended: delivered, failed for good, or stopped (a replay took over, the hook is gone). */
export interface WebhookDeliveryResult {
  status: 'delivered' | 'failed' | 'stopped';
  attempts: number;
}

/** The id of the workflow of webhook delivery `deliveryId`. */
export function webhookDeliveryWorkflowId(deliveryId: string): string {
  return `webhook-${deliveryId}`;
}

export const INBOUND_WEBHOOK_WORKFLOW = 'inboundWebhookWorkflow';

/** What the workflow running an inbound webhook's action for one accepted request is started with. */
export interface InboundWebhookInput {
  receiptId: string;
}

/** The id of the workflow acting on inbound webhook receipt `receiptId`: one per accepted request, ever. */
export function inboundWebhookWorkflowId(receiptId: string): string {
  return `inbound-webhook-${receiptId}`;
}
