import { Badge, DataTable, ErrorNote, ProgressBar, Section, When } from '../../components/ui';
import { runTone, type LastRun, type Run } from './describe';

/** The last run as it goes: how many targets were delivered, and each target's state. */
export function LastRunProgress({ run, titleOf }: { run: LastRun; titleOf: (key: string) => string | undefined }) {
  return (
    <Section title={`Run ${run.run_number}`} actions={<Badge tone={runTone(run.status)}>{run.status}</Badge>}>
      <ProgressBar label="Delivered" value={run.sent} max={run.results.length} />
      <p className="muted">
        {run.failed} failed, {run.results.filter((r) => r.status === 'pending').length} pending. Started <When at={run.started_at} />
        {run.finished_at && (
          <>
            , finished <When at={run.finished_at} />
          </>
        )}
        .
      </p>
      {run.error && <ErrorNote error={new Error(run.error)} />}
      <DataTable
        caption="Targets"
        rows={run.results}
        rowKey={(r) => r.target_key}
        empty="This run has no targets."
        columns={[
          {
            header: 'Target',
            cell: (r) => (
              <>
                {titleOf(r.target_key) ?? ''} <code>{r.target_key}</code>
              </>
            ),
          },
          { header: 'State', cell: (r) => <Badge tone={runTone(r.status)}>{r.status}</Badge> },
          { header: 'Sent at', cell: (r) => <When at={r.sent_at} /> },
          { header: 'Error', cell: (r) => r.error ?? '' },
        ]}
      />
    </Section>
  );
}

/** The broadcast's recent runs (the API keeps the last 20). */
export function RunHistory({ runs }: { runs: Run[] }) {
  return (
    <Section title="Runs">
      <DataTable
        caption="Runs"
        rows={runs}
        rowKey={(r) => r.id}
        empty="No runs yet."
        columns={[
          { header: 'Run', cell: (r) => r.run_number },
          { header: 'Status', cell: (r) => <Badge tone={runTone(r.status)}>{r.status}</Badge> },
          { header: 'Sent', cell: (r) => r.sent },
          { header: 'Failed', cell: (r) => r.failed },
          { header: 'Started', cell: (r) => <When at={r.started_at} /> },
          { header: 'Finished', cell: (r) => <When at={r.finished_at} /> },
          { header: 'Error', cell: (r) => r.error ?? '' },
        ]}
      />
    </Section>
  );
}
