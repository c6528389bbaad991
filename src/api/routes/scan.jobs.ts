import { WorkflowNotFoundError } from '@temporalio/client';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { Account } from '../../db/repos/accounts.repo';
import { failScanJob, findScanJob, insertScanJob, type ScanJob, type ScanKind } from '../../db/repos/scan.repo';
import type { Scope } from '../../db/repos/scope';
import { accountTaskQueue } from '../../domain/sharding';
import { BadRequestError, ConflictError, HttpError, ServiceUnavailableError, TooManyRequestsError } from '../../errors';
import { ScanEndTypes, scanWorkflowId, type ScanJobInput } from '../../workflows/scan.shared';
import { FailureTypes, MAIN_TASK_QUEUE, PLATFORM_FAILURES } from '../../workflows/shared';
import type { ApiDeps, Caller } from '../context';
import { ok } from '../route';
import { searchAttributesFor } from '../../temporal/search-attributes';

// Failure types whose messages come from a platform driver and are safe to show; a PlatformError
// that exhausted its retries (connection trouble) keeps its class name as its type.
const PLATFORM_MESSAGE_TYPES = new Set<string>([...PLATFORM_FAILURES, 'PlatformError']);

/**
 * The HTTP error for a failure a scan or profile workflow ended with: the platform refusing the
 * request (400), a taken username, an account that cannot act or a scan cancelled or aborted
 * (409), a rate limit (429), a session out of reach (503). Anything else is an internal error whose message is not shown.
 */
export function httpErrorFor(type: string | null, message: string): HttpError | Error {
  const t = FailureTypes;
  switch (type) {
    case t.Invalid:
    case t.NotFound:
    case t.Forbidden:
    case t.UploadMissing:
      return new BadRequestError(message);
    case t.UsernameTaken:
    case t.AccountRestricted:
    case t.AuthRevoked:
    case ScanEndTypes.Cancelled:
    case ScanEndTypes.Aborted:
      return new ConflictError(message);
    case t.RateLimited:
      return new TooManyRequestsError(message);
    default:
      return type !== null && PLATFORM_MESSAGE_TYPES.has(type) ? new ServiceUnavailableError(message) : new Error(message);
  }
}

/** A scan to start: its kind, workflow and parameters. */
export interface ScanRequest {
  account: Account;
  caller: Caller;
  kind: ScanKind;
  workflow: string;
  params: object;
  /** Seconds to wait for the result; the server's SCAN_WAIT_SECONDS when absent. */
  waitSeconds?: number;
}

/**
 * Records a scan job, starts its workflow `scan-<job id>` and waits up to the wait time for it
 * to end: a completed job answers its result, a failed one its error, a job still running 202
 * with its id to poll at `GET /api/v1/scan/jobs/:id`.
 */
export async function startScanJob(deps: ApiDeps, request: ScanRequest): Promise<{ status: number; body: unknown }> {
  const { db, temporal } = deps;
  const jobId = randomUUID();
  const workflowId = scanWorkflowId(jobId);
  await insertScanJob(db, {
    id: jobId,
    userId: request.caller.user.id,
    accountId: request.account.id,
    kind: request.kind,
    workflowId,
    params: request.params,
  });
  const input: ScanJobInput<object> = {
    jobId,
    accountId: request.account.id,
    sessionTaskQueue: accountTaskQueue(request.account.id, deps.config.sessionShards),
    params: request.params,
  };
  try {
    await temporal.workflow.start(request.workflow, {
      taskQueue: MAIN_TASK_QUEUE,
      workflowId,
      args: [input],
      memo: { userId: request.caller.user.id, accountId: request.account.id, jobId, kind: request.kind },
      typedSearchAttributes: searchAttributesFor('scan', { userId: request.caller.user.id, accountId: request.account.id }),
    });
  } catch (err) {
    await failScanJob(db, jobId, 'the scan could not be started', null);
    throw err;
  }
  const job = await waitForJob(db, jobId, request.caller.scope, (request.waitSeconds ?? deps.config.scan.waitSeconds) * 1000);
  if (job.status === 'completed') return ok({ ...job.result, job_id: job.id });
  if (job.status === 'failed') throw httpErrorFor(job.errorType, job.error ?? 'scan failed');
  return ok({ job_id: job.id, status: 'running', poll_url: `/api/v1/scan/jobs/${job.id}` }, 202);
}

/** The job once it has ended, or as it is after `waitMs`; the database is the job's record. */
async function waitForJob(db: Knex, jobId: string, scope: Scope, waitMs: number): Promise<ScanJob> {
  const deadline = Date.now() + waitMs;
  let pause = 25;
  for (;;) {
    const job = (await findScanJob(db, jobId, scope))!;
    const left = deadline - Date.now();
    if (job.status !== 'running' || left <= 0) return job;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    pause = Math.min(pause * 2, 500);
  }
}

/**
 * The job as recorded, except that a job still marked running whose workflow has ended without
 * recording an outcome (terminated, timed out) is recorded as failed first.
 */
export async function settledJob(deps: ApiDeps, job: ScanJob): Promise<ScanJob> {
  if (job.status !== 'running') return job;
  let state: string;
  try {
    state = (await deps.temporal.workflow.getHandle(job.workflowId).describe()).status.name;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    state = 'NOT_FOUND';
  }
  if (state === 'RUNNING') return job;
  await failScanJob(deps.db, job.id, `the scan workflow ended without a result (${state.toLowerCase()})`, ScanEndTypes.Aborted);
  return (await findScanJob(deps.db, job.id, { userId: job.userId, admin: false }))!;
}

/** A job as `GET /api/v1/scan/jobs/:id` shows it. */
export function presentScanJob(job: ScanJob) {
  const failure = job.status === 'failed' ? httpErrorFor(job.errorType, job.error ?? 'scan failed') : undefined;
  return {
    job_id: job.id,
    kind: job.kind,
    status: job.status,
    account_id: job.accountId,
    created_at: job.createdAt.toISOString(),
    finished_at: job.finishedAt?.toISOString() ?? null,
    ...(job.status === 'completed' && { result: { success: true, ...job.result } }),
    ...(failure && { error: failure instanceof HttpError ? failure.message : 'internal error' }),
  };
}
