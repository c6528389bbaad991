import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Badge, Button, ErrorNote, Loading, Page, Section, When } from '../../components/ui';
import { broadcastStatus, broadcastTitle, describeSchedule, type BroadcastView, type Run } from './describe';
import { LastRunProgress, RunHistory } from './runs';
import { usePolled } from './use-polled';

/** Every second while a run goes on; now and then for an enabled schedule, to catch its next run. */
const RUNNING_POLL_MS = 1000;
const SCHEDULED_POLL_MS = 15_000;

function pollFor(b: BroadcastView | undefined): number | undefined {
  if (!b) return undefined;
  if (b.last_run?.status === 'running') return RUNNING_POLL_MS;
  return b.schedule_type !== 'now' && b.enabled ? SCHEDULED_POLL_MS : undefined;
}

/** One broadcast: its settings and status, its runs (live while one goes on), and what can be done with it. */
export function BroadcastDetail({ id }: { id: string }) {
  const one = usePolled(() => unwrap(api.GET('/api/v1/broadcast/{id}', { params: { path: { id } } })), [id], (data) => pollFor(data?.broadcast));
  const b = one.data?.broadcast;
  if (!b) {
    return (
      <Page title="Broadcast" actions={<Link href="/">All broadcasts</Link>}>
        <ErrorNote error={one.error} />
        {!one.error && <Loading />}
      </Page>
    );
  }
  return <Loaded broadcast={b} reload={one.reload} error={one.error} />;
}

function Loaded({ broadcast: b, reload, error }: { broadcast: BroadcastView; reload: () => void; error: Error | undefined }) {
  const [, navigate] = useLocation();
  const action = useAction();
  const chats = useApi(() => unwrap(api.GET('/api/v1/groups', { params: { query: { account_id: b.account_id } } })), [b.account_id]);
  const titleOf = (key: string) => chats.data?.groups.find((c) => c.key === key)?.title;
  const status = broadcastStatus(b);
  const recurring = b.schedule_type !== 'now';

  const runNow = () =>
    action.run(async () => {
      await unwrap(api.POST('/api/v1/broadcast/{id}/run', { params: { path: { id: b.id } } }));
      reload();
    });
  const setEnabled = (enabled: boolean) =>
    action.run(async () => {
      await unwrap(api.PATCH('/api/v1/broadcast/{id}', { params: { path: { id: b.id } }, body: { enabled } }));
      reload();
    });
  const remove = () =>
    window.confirm(`Delete the broadcast “${broadcastTitle(b)}”? Its schedule stops and a running run is cancelled.`) &&
    action.run(async () => {
      await unwrap(api.DELETE('/api/v1/broadcast/{id}', { params: { path: { id: b.id } } }));
      navigate('/');
    });

  return (
    <Page
      title={broadcastTitle(b)}
      actions={
        <>
          <Button variant="primary" onClick={() => void runNow()} disabled={action.busy}>
            Run now
          </Button>
          {recurring &&
            (b.enabled ? (
              <Button onClick={() => void setEnabled(false)} disabled={action.busy}>
                Pause
              </Button>
            ) : (
              <Button onClick={() => void setEnabled(true)} disabled={action.busy}>
                Resume
              </Button>
            ))}
          <Button variant="danger" onClick={() => void remove()} disabled={action.busy}>
            Delete
          </Button>
        </>
      }
    >
      <p>
        <Link href="/">All broadcasts</Link>
      </p>
      <ErrorNote error={action.error ?? error} />
      <Section title="Settings" actions={<Badge tone={status.tone}>{status.label}</Badge>}>
        <Settings broadcast={b} />
      </Section>
      {b.last_run && <LastRunProgress run={b.last_run} titleOf={titleOf} />}
      <RunHistory runs={b.runs.filter((r): r is Run => r !== null)} />
    </Page>
  );
}

function Settings({ broadcast: b }: { broadcast: BroadcastView }) {
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  const templates = useApi(() => (b.template_id ? unwrap(api.GET('/api/templates')) : Promise.resolve(undefined)), [b.template_id]);
  const account = accounts.data?.accounts.find((a) => a.id === b.account_id);
  const template = templates.data?.templates.find((t) => t.id === b.template_id);
  return (
    <>
      {b.schedule_error && <ErrorNote error={new Error(`The schedule could not be set up: ${b.schedule_error}`)} />}
      <dl className="figures">
        <dt>Account</dt>
        <dd>
          {account?.name ?? b.account_id} ({b.platform})
        </dd>
        <dt>Schedule</dt>
        <dd>{describeSchedule(b)}</dd>
        <dt>Next run</dt>
        <dd>{b.enabled ? <When at={b.next_run_at} /> : '—'}</dd>
        <dt>{b.template_id ? 'Template' : 'Message'}</dt>
        <dd style={{ whiteSpace: 'pre-wrap', fontWeight: 'normal' }}>{b.template_id ? (template?.name ?? b.template_id) : (b.message ?? '—')}</dd>
        <dt>Targets</dt>
        <dd>{b.target_keys.length}</dd>
        <dt>Created</dt>
        <dd>
          <When at={b.created_at} />
        </dd>
      </dl>
      {b.image_id && (
        <figure>
          <img src={`/api/v1/images/${b.image_id}/content`} alt="The image sent with the message" style={{ maxWidth: '100%', maxHeight: '12rem' }} />
          <figcaption className="muted">Sent with the message as its caption.</figcaption>
        </figure>
      )}
    </>
  );
}
