import type { ScanJob } from '../../db/repos/scan.repo';
import { HttpError } from '../../errors';
import { httpErrorFor } from '../../services/failures';
import { ok } from '../route';

/**
 * The answer to a scan started: a completed job's result with its id, a job still running 202
 * with its id to poll at `GET /api/v1/scan/jobs/:id`.
 */
export function startedScanAnswer(job: ScanJob) {
  if (job.status === 'completed') return ok({ ...job.result, job_id: job.id });
  return ok({ job_id: job.id, status: 'running', poll_url: `/api/v1/scan/jobs/${job.id}` }, 202);
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
