import { Link } from 'wouter';
import { api, unwrap } from '../api/client';
import { useApi } from '../components/hooks';
import { ErrorNote, Loading, Page, Section } from '../components/ui';

/** The caller's accounts and automations at a glance, and where to go next. */
export function HomePage() {
  const status = useApi(() => unwrap(api.GET('/api/status')), [], 10_000);
  const system = useApi(() => unwrap(api.GET('/api/v1/system-info')), []);
  return (
    <Page title="Overview">
      <ErrorNote error={status.error ?? system.error} />
      {!status.data ? (
        <Loading />
      ) : (
        <div className="grid">
          <Section title="Accounts">
            <dl className="figures">
              <dt>Connected</dt>
              <dd>
                {status.data.accounts.connected} of {status.data.accounts.total}
              </dd>
              <dt>Telegram</dt>
              <dd>{status.data.accounts.by_platform.telegram}</dd>
              <dt>WhatsApp</dt>
              <dd>{status.data.accounts.by_platform.whatsapp}</dd>
            </dl>
            <Link href="/accounts">Manage accounts</Link>
          </Section>
          <Section title="Broadcasts">
            <dl className="figures">
              <dt>Broadcasts</dt>
              <dd>{status.data.automations.broadcasts}</dd>
              <dt>Active schedules</dt>
              <dd>{status.data.automations.active_schedules}</dd>
              <dt>Running now</dt>
              <dd>{status.data.automations.running_broadcasts}</dd>
            </dl>
            <Link href="/broadcasts">See broadcasts</Link>
          </Section>
          {system.data && (
            <Section title="This AutoHub">
              <dl className="figures">
                <dt>Version</dt>
                <dd>{system.data.version}</dd>
                <dt>Sandbox platform</dt>
                <dd>{system.data.sandbox ? 'on' : 'off'}</dd>
                <dt>Targets per broadcast</dt>
                <dd>at most {system.data.limits.max_targets_per_broadcast}</dd>
              </dl>
              <p>
                <a href={system.data.docs_url}>API docs</a> · <a href={system.data.temporal_ui_url}>Temporal UI</a>
              </p>
            </Section>
          )}
        </div>
      )}
    </Page>
  );
}
