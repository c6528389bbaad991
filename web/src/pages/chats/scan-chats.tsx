import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Button, ErrorNote, Notice, TextField, When, WorkingBar } from '../../components/ui';

/**
 * "Scan chats": starts a chat scan of the account (POST /api/v1/scan) and follows its job until it
 * is done, then tells the page to load its chats again.
 */
export function ScanChats({ accountId, onScanned }: { accountId: string; onScanned: () => void }) {
  const action = useAction();
  const [maxAgeDays, setMaxAgeDays] = useState('0');
  const [jobId, setJobId] = useState<string>();

  const start = () =>
    action.run(async () => {
      const days = Number(maxAgeDays || '0');
      // wait_seconds 0: answer at once with the job, whose progress this page shows by polling it.
      const answer = await unwrap(api.POST('/api/v1/scan', { body: { account_id: accountId, max_age_days: days, wait_seconds: 0 } }));
      setJobId(answer.job_id);
    });

  return (
    <div className="form">
      <div className="row">
        <TextField
          label="Active within (days)"
          type="number"
          min={0}
          inputMode="numeric"
          value={maxAgeDays}
          onChange={setMaxAgeDays}
          hint="Only chats active in the last N days; 0 scans every chat."
        />
        <Button variant="primary" onClick={() => void start()} disabled={action.busy || !accountId} aria-busy={action.busy}>
          Scan chats
        </Button>
      </div>
      {!accountId && <p className="muted">Choose an account to scan its chats.</p>}
      <ErrorNote error={action.error} />
      {jobId && <ScanJobProgress key={jobId} jobId={jobId} onCompleted={onScanned} />}
    </div>
  );
}

/** A scan job's state, polled every second while it runs. */
function ScanJobProgress({ jobId, onCompleted }: { jobId: string; onCompleted: () => void }) {
  const [running, setRunning] = useState(true);
  const job = useApi(() => unwrap(api.GET('/api/v1/scan/jobs/{id}', { params: { path: { id: jobId } } })), [jobId], running ? 1000 : undefined);
  const status = job.data?.status;

  useEffect(() => {
    if (status === undefined || status === 'running') return;
    setRunning(false);
    if (status === 'completed') onCompleted();
  }, [status, onCompleted]);

  if (!job.data) return job.error ? <ErrorNote error={job.error} /> : <p role="status">Starting the scan…</p>;
  const { data } = job;
  if (data.status === 'running') {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(data.created_at)) / 1000));
    return (
      <>
        {/* The API reports no figures of a running scan, only that it runs. */}
        <WorkingBar label={`Scanning chats (${seconds} s)`} />
        <ErrorNote error={job.error} />
      </>
    );
  }
  if (data.status === 'failed') return <ErrorNote error={new Error(`The scan failed: ${data.error ?? 'no reason given'}`)} />;
  const total = data.result && 'total' in data.result ? data.result.total : undefined;
  return (
    <Notice>
      Scan finished <When at={data.finished_at} />
      {total !== undefined && `: ${total} chats found`}.
    </Notice>
  );
}
