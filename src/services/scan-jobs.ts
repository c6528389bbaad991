/**
 * Scan jobs: starting one (its `scan_jobs` row, then its Temporal workflow) and waiting a while for
 * it, settling one whose workflow ended without recording an outcome, and the stored results of
 * the chat scans.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { Account } from '../db/repos/accounts.repo';
import { findAccount } from '../db/repos/accounts.repo';
import { listKnownChats } from '../db/repos/chats.repo';
import { failScanJob, findScanJob, insertScanJob, type ScanJob, type ScanKind } from '../db/repos/scan.repo';
import type { Scope } from '../db/repos/scope';
import { isId } from '../domain/ids';
import { chatScanView, SCAN_LISTS, type ChatScanView, type ScanListName } from '../domain/scan-results';
import { accountTaskQueue } from '../domain/sharding';
import { NotFoundError } from '../errors';
import { searchAttributesFor } from '../temporal/search-attributes';
import { ScanEndTypes, scanWorkflowId, type ScanJobInput } from '../workflows/scan.shared';
import { MAIN_TASK_QUEUE } from '../workflows/shared';
import { httpErrorFor } from './failures';

/** What running scan jobs needs. */
export interface ScanJobDeps {
  db: Knex;
  temporal: Client;
  config: Pick<Config, 'sessionShards'> & { scan: Pick<Config['scan'], 'waitSeconds'> };
}

/** A scan to start for the scope's user with their account: its kind, workflow and parameters. */
export interface ScanRequest {
  account: Account;
  kind: ScanKind;
  workflow: string;
  params: object;
  /** Seconds to wait for the result; the server's SCAN_WAIT_SECONDS when absent. */
  waitSeconds?: number;
}

/**
 * Records a scan job, starts its workflow `scan-<job id>` and waits up to the wait time for it
 * to end. Answers the job completed, or still running (to poll at `GET /api/v1/scan/jobs/:id`).
 * @throws the HTTP error of its failure (see httpErrorFor) for a job that failed.
 */
export async function startScanJob(deps: ScanJobDeps, scope: Scope, request: ScanRequest): Promise<ScanJob> {
  const { db, temporal } = deps;
  const jobId = randomUUID();
  const workflowId = scanWorkflowId(jobId);
  await insertScanJob(db, {
    id: jobId,
    userId: scope.userId,
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
      memo: { userId: scope.userId, accountId: request.account.id, jobId, kind: request.kind },
      typedSearchAttributes: searchAttributesFor('scan', { userId: scope.userId, accountId: request.account.id }),
    });
  } catch (err) {
    await failScanJob(db, jobId, 'the scan could not be started', null);
    throw err;
  }
  const job = await waitForJob(db, jobId, scope, (request.waitSeconds ?? deps.config.scan.waitSeconds) * 1000);
  if (job.status === 'failed') throw httpErrorFor(job.errorType, job.error ?? 'scan failed');
  return job;
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
 * Scan job `id` as `scope` sees it, except that a job still marked running whose workflow has
 * ended without recording an outcome (terminated, timed out) is recorded as failed first.
 * @throws NotFoundError for a job the scope does not see.
 */
export async function settledScanJob(deps: Pick<ScanJobDeps, 'db' | 'temporal'>, scope: Scope, id: string): Promise<ScanJob> {
  const job = await findScanJob(deps.db, id, scope);
  if (!job) throw new NotFoundError();
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
  return (await findScanJob(deps.db, job.id, scope))!;
}

/** Which stored scan results to show: of one account (any spelling of its id) or all, of one list or all. */
export interface ScanResultsFilter {
  accountId?: string;
  type: ScanListName | 'all';
}

/**
 * The stored scan results of the scope's user's own accounts (an admin's too), or of one of them
 * (`accountId`, lowercased).
 * @throws NotFoundError ('account not found') for an account that is not the user's own.
 */
export async function scanResults(db: Knex, scope: Scope, filter: ScanResultsFilter): Promise<{ accountId?: string; view: ChatScanView }> {
  const own = { ...scope, admin: false };
  const accountId = filter.accountId?.toLowerCase();
  if (accountId !== undefined && !(isId(accountId) && (await findAccount(db, accountId, own)))) {
    throw new NotFoundError('account not found');
  }
  const chats = await listKnownChats(db, own, { accountId });
  const lists = filter.type === 'all' ? SCAN_LISTS : [filter.type];
  return { accountId, view: chatScanView(chats, lists) };
}
