import { Badge, DataTable, When } from '../../components/ui';
import { targetLabel, type Campaign, type Enrollment } from './types';

const ENROLLMENT_TONE = { active: 'good', paused: 'warn', completed: 'neutral', stopped: 'bad', cancelled: 'bad' } as const;

/** A paused target's delay left, in the largest sensible unit. */
function formatLeft(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

function NextSend({ e }: { e: Enrollment }) {
  if (e.status === 'paused') return <>paused, {e.remaining_ms === null ? 'due once resumed' : `${formatLeft(e.remaining_ms)} left`}</>;
  if (e.status !== 'active') return <span className="muted">—</span>;
  return <When at={e.next_send_at} />;
}

/** The steps that failed, with the send path's reason. */
function Failures({ e }: { e: Enrollment }) {
  const failed = e.steps.filter((s) => s.status === 'failed');
  if (failed.length === 0) return <span className="muted">—</span>;
  return (
    <ul>
      {failed.map((s) => (
        <li key={s.step}>
          Step {s.step + 1}: {s.error ?? 'failed'}
        </li>
      ))}
    </ul>
  );
}

interface Row {
  key: string;
  target: string;
  enrollment?: Enrollment;
}

/**
 * Each target's progress once the campaign started; before, the targets as set (tags and
 * segments become their contacts at the start).
 */
export function EnrollmentTable({ campaign, enrollments }: { campaign: Campaign; enrollments: Enrollment[] }) {
  const rows: Row[] =
    enrollments.length > 0
      ? enrollments.map((e) => ({ key: e.target_key, target: e.target_key, enrollment: e }))
      : campaign.targets.map((t, i) => ({ key: `${i}-${targetLabel(t)}`, target: targetLabel(t) }));
  const total = campaign.steps.length;
  return (
    <DataTable
      caption="Targets"
      rows={rows}
      rowKey={(r) => r.key}
      empty={campaign.status === 'draft' ? 'No targets: the campaign reaches no one.' : 'No target enrolled: the targets named no one to send to.'}
      columns={[
        { header: 'Target', cell: (r) => <code>{r.target}</code> },
        { header: 'Current step', cell: (r) => (r.enrollment ? `${Math.min(r.enrollment.step_reached, total)} of ${total} sent` : `0 of ${total} sent`) },
        { header: 'Next send at', cell: (r) => (r.enrollment ? <NextSend e={r.enrollment} /> : <span className="muted">once started</span>) },
        {
          header: 'State',
          cell: (r) =>
            r.enrollment ? (
              <>
                <Badge tone={ENROLLMENT_TONE[r.enrollment.status]}>{r.enrollment.status}</Badge> {r.enrollment.stop_reason && <span className="muted">{r.enrollment.stop_reason}</span>}
              </>
            ) : (
              <Badge>not enrolled yet</Badge>
            ),
        },
        { header: 'Failed steps', cell: (r) => (r.enrollment ? <Failures e={r.enrollment} /> : <span className="muted">—</span>) },
      ]}
    />
  );
}
