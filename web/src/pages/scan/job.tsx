/**
 * A scan job's state, polled while it runs. Scans answer 202 with a job id at once (the page asks
 * `wait_seconds: 0` so a form never hangs on a long search), and `GET /api/v1/scan/jobs/{id}`
 * tells when it is done and gives its result.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, unwrap, type paths } from '../../api/client';
import { useApi } from '../../components/hooks';
import { Badge, ErrorNote, When, WorkingBar } from '../../components/ui';

export type ScanJob = paths['/api/v1/scan/jobs/{id}']['get']['responses'][200]['content']['application/json'];
export type JobResult = NonNullable<ScanJob['result']>;
export type MessagesResult = Extract<JobResult, { results: unknown }>;
export type SearchReplyResult = Extract<JobResult, { replied_to: unknown }>;
export type DiscoverResult = Extract<JobResult, { sources: unknown }>;

const POLL_MS = 1000;

/** Errors after which asking again cannot help (the job is gone or not the caller's). */
const isFinalError = (error: Error | undefined) => error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429;

/**
 * Shows the job `jobId` (polling every second while it runs) and, once completed, what
 * `children` makes of its result when `pick` recognises it as this section's kind.
 */
export function JobView<R>({
  jobId,
  pick,
  children,
}: {
  jobId: string;
  pick: (result: JobResult) => R | undefined;
  children: (result: R) => ReactNode;
}) {
  const [pollMs, setPollMs] = useState<number | undefined>(POLL_MS);
  const job = useApi(() => unwrap(api.GET('/api/v1/scan/jobs/{id}', { params: { path: { id: jobId } } })), [jobId], pollMs);
  const status = job.data?.status;
  const stop = (status !== undefined && status !== 'running') || isFinalError(job.error);
  useEffect(() => {
    if (stop) setPollMs(undefined);
  }, [stop]);

  const result = job.data?.result && pick(job.data.result);
  return (
    <div className="job" aria-live="polite">
      {job.data ? <JobState job={job.data} /> : !job.error && <WorkingBar label="Starting" />}
      <ErrorNote error={job.error} />
      {status === 'completed' && result !== undefined && children(result)}
    </div>
  );
}

function JobState({ job }: { job: ScanJob }) {
  const tone = job.status === 'completed' ? 'good' : job.status === 'failed' ? 'bad' : 'warn';
  return (
    <>
      <p className="row">
        <span>
          Job <Badge tone={tone}>{job.status}</Badge>
        </span>
        <span className="muted">
          started <When at={job.created_at} />
          {job.finished_at && (
            <>
              , finished <When at={job.finished_at} />
            </>
          )}
        </span>
      </p>
      {job.status === 'running' && <WorkingBar label="Running" />}
      {job.status === 'failed' && (
        <p className="error" role="alert">
          The scan failed: {job.error ?? 'no reason given'}
        </p>
      )}
    </>
  );
}

/** The jobs report no figures while they run, so their bar is an indeterminate one. */
/**
 * The last job a section started, kept for the browser tab so that leaving the page while a scan
 * runs and coming back shows it again. `T` is what the section keeps of it (its id and inputs).
 */
export function useLastJob<T extends { jobId: string }>(key: string): [T | null, (job: T | null) => void] {
  const storageKey = `autohub.scan.${key}`;
  const [job, setJob] = useState<T | null>(() => {
    try {
      const saved = sessionStorage.getItem(storageKey);
      return saved ? (JSON.parse(saved) as T) : null;
    } catch {
      return null;
    }
  });
  const remember = (next: T | null) => {
    setJob(next);
    try {
      if (next) sessionStorage.setItem(storageKey, JSON.stringify(next));
      else sessionStorage.removeItem(storageKey);
    } catch {
      // storage refused (private mode): the job shows until the page is left
    }
  };
  return [job, remember];
}
