import { Link } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { Badge, DataTable, ErrorNote, Loading, Page, When } from '../../components/ui';
import { usePolled } from './use-polled';
import { broadcastStatus, broadcastTitle, describeSchedule, type BroadcastSummary } from './describe';

/** How often the list refreshes while one of its broadcasts is running, to show its progress. */
const RUNNING_POLL_MS = 2000;

/** The caller's broadcasts, each linking to its detail. */
export function BroadcastList() {
  const list = usePolled(
    () => unwrap(api.GET('/api/v1/broadcasts')),
    [],
    (data) => (data?.broadcasts.some((b) => b.last_run?.status === 'running') ? RUNNING_POLL_MS : undefined),
  );
  const data = list.data;
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  const accountName = (id: string) => accounts.data?.accounts.find((a) => a.id === id)?.name ?? id.slice(0, 8);

  return (
    <Page
      title="Broadcasts"
      actions={
        <Link href="/new" className="button primary" style={{ textDecoration: 'none' }}>
          New broadcast
        </Link>
      }
    >
      <ErrorNote error={list.error ?? accounts.error} />
      {!data ? (
        <Loading />
      ) : (
        <DataTable
          caption="Your broadcasts"
          rows={data.broadcasts}
          rowKey={(b) => b.id}
          empty="No broadcasts yet. Create one with “New broadcast”."
          columns={[
            { header: 'Broadcast', cell: (b) => <Link href={`/${b.id}`}>{broadcastTitle(b)}</Link> },
            { header: 'Account', cell: (b) => `${accountName(b.account_id)} (${b.platform})` },
            { header: 'Schedule', cell: (b) => describeSchedule(b) },
            { header: 'Status', cell: (b) => <StatusBadge broadcast={b} /> },
            { header: 'Next run', cell: (b) => <NextRun broadcast={b} /> },
            { header: 'Last run', cell: (b) => <LastRunSummary broadcast={b} /> },
          ]}
        />
      )}
    </Page>
  );
}

function StatusBadge({ broadcast }: { broadcast: BroadcastSummary }) {
  const { label, tone } = broadcastStatus(broadcast);
  return <Badge tone={tone}>{label}</Badge>;
}

/**
 * When an enabled recurring broadcast runs next. The list's answer has no next_run_at (only a
 * broadcast's own answer has), so each such row asks for it.
 */
function NextRun({ broadcast }: { broadcast: BroadcastSummary }) {
  const recurring = broadcast.schedule_type !== 'now' && broadcast.enabled;
  if (!recurring) return <span className="muted">—</span>;
  return <NextRunOf id={broadcast.id} />;
}

function NextRunOf({ id }: { id: string }) {
  const one = useApi(() => unwrap(api.GET('/api/v1/broadcast/{id}', { params: { path: { id } } })), [id]);
  if (one.error) return <span className="muted">unknown ({one.error.message})</span>;
  return <When at={one.data?.broadcast.next_run_at} />;
}

function LastRunSummary({ broadcast }: { broadcast: BroadcastSummary }) {
  const run = broadcast.last_run;
  if (!run) return <span className="muted">not run yet</span>;
  return (
    <span>
      Run {run.run_number}: {run.sent} sent, {run.failed} failed of {broadcast.target_keys.length}
      {run.status === 'running' ? ' (running)' : ''}
    </span>
  );
}
