import { Badge, DataTable, Section } from '../../components/ui';
import { formatDuration, type DryRun, type DryRunTarget } from './describe';

const wouldSend = (t: DryRunTarget) => t.resolves && t.writable && !t.error;

function whyNot(t: DryRunTarget): string {
  if (t.error) return t.error;
  if (!t.resolves) return 'not found';
  if (!t.writable) return 'the account may not write here';
  return '';
}

/** What a broadcast would do, as the API's dry run answered: each target's reach, and the ETA. */
export function DryRunResult({ result }: { result: DryRun }) {
  const sending = result.targets.filter(wouldSend);
  const reach = sending.reduce((sum, t) => sum + (t.members ?? 0), 0);
  return (
    <Section title="Preview">
      <p role="status">
        Would send to {sending.length} of {result.targets.length} targets, reaching about {reach.toLocaleString()} members. Estimated time:{' '}
        <strong>{formatDuration(result.estimated_duration_seconds)}</strong> under the account's send budget.
        {result.image && ` With an image (${result.image.mime_type}, ${Math.round(result.image.size_bytes / 1024)} KiB).`}
      </p>
      <DataTable
        caption="Dry run"
        rows={result.targets}
        rowKey={(t) => t.target_key}
        columns={[
          {
            header: 'Target',
            cell: (t) => (
              <>
                {t.title ?? t.target_key} <code className="muted">{t.target_key}</code>
              </>
            ),
          },
          { header: 'Type', cell: (t) => t.type ?? '—' },
          { header: 'Members', cell: (t) => (t.members === null ? '—' : t.members.toLocaleString()) },
          { header: 'Would send', cell: (t) => (wouldSend(t) ? <Badge tone="good">yes</Badge> : <Badge tone="bad">no</Badge>) },
          { header: 'Why not', cell: (t) => whyNot(t) },
          { header: 'Message', cell: (t) => t.message ?? '—' },
        ]}
      />
    </Section>
  );
}
