import { useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Badge, Button, DataTable, ErrorNote, Loading, Page, Section, When } from '../../components/ui';
import { EnrollmentTable } from './enrollment-table';
import { formatDelay, STATUS_TONE, targetLabel, WEEKDAYS, type Campaign, type Enrollment } from './types';

/** While a campaign runs and some target still waits for a step, its detail is asked for this often. */
const POLL_MS = 2000;

function isRunning(campaign: Campaign, enrollments: Enrollment[]): boolean {
  return campaign.status === 'active' && (enrollments.length === 0 || enrollments.some((e) => e.status === 'active'));
}

/** The send window in words (the API answers it as the object it was given). */
function describeWindow(window: Campaign['send_window']): string {
  if (!window) return 'any time';
  const w = window as { hours?: { from: string; to: string }; weekdays?: number[]; timezone?: string };
  const hours = w.hours ? `${w.hours.from}–${w.hours.to}` : 'all day';
  const days = w.weekdays ? w.weekdays.map((d) => WEEKDAYS.find((x) => x.day === d)?.label.slice(0, 3) ?? d).join(', ') : 'every day';
  return `${hours}, ${days} (${w.timezone ?? 'UTC'})`;
}

/** When step `number` (1 = the first) sends, relative to what comes before it. */
function whenSent(delayMinutes: number, number: number): string {
  const after = number === 1 ? 'enrolling' : `step ${number - 1}`;
  return delayMinutes === 0 ? `right after ${after}` : `${formatDelay(delayMinutes)} after ${after}`;
}

/** The buttons a campaign's state allows: start a draft, pause an active one, resume a paused one; delete any. */
function CampaignActions({ campaign, onChanged }: { campaign: Campaign; onChanged: () => void }) {
  const action = useAction();
  const [, navigate] = useLocation();
  const path = { params: { path: { id: campaign.id } } };
  const start = () =>
    action.run(async () => {
      await unwrap(api.POST('/api/drip-campaigns/{id}/start', path));
      onChanged();
    });
  const pause = () =>
    action.run(async () => {
      await unwrap(api.POST('/api/drip-campaigns/{id}/pause', path));
      onChanged();
    });
  const remove = () =>
    action.run(async () => {
      await unwrap(api.DELETE('/api/drip-campaigns/{id}', path));
      navigate('/');
    });
  return (
    <>
      <div className="row">
        {campaign.status === 'draft' && (
          <Button variant="primary" onClick={() => void start()} disabled={action.busy}>
            Start
          </Button>
        )}
        {campaign.status === 'active' && (
          <Button onClick={() => void pause()} disabled={action.busy}>
            Pause
          </Button>
        )}
        {campaign.status === 'paused' && (
          // The API resumes a paused campaign by starting it again, each target where it was.
          <Button variant="primary" onClick={() => void start()} disabled={action.busy}>
            Resume
          </Button>
        )}
        <Button variant="danger" onClick={() => void remove()} disabled={action.busy}>
          Delete
        </Button>
      </div>
      <ErrorNote error={action.error} />
    </>
  );
}

/** One campaign: its steps, and each target's progress, followed live while it runs. */
export function CampaignDetail({ id }: { id: string }) {
  const [live, setLive] = useState(false);
  const detail = useApi(() => unwrap(api.GET('/api/drip-campaigns/{id}', { params: { path: { id } } })), [id], live ? POLL_MS : undefined);
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  const running = detail.data ? isRunning(detail.data.campaign, detail.data.enrollments) : false;
  useEffect(() => setLive(running), [running]);

  if (!detail.data) {
    return (
      <Page title="Drip campaign" actions={<Link href="/">All campaigns</Link>}>
        {detail.error ? <ErrorNote error={detail.error} /> : <Loading />}
      </Page>
    );
  }
  const { campaign, enrollments } = detail.data;
  const account = accounts.data?.accounts.find((a) => a.id === campaign.account_id);
  return (
    <Page title={campaign.name} actions={<Link href="/">All campaigns</Link>}>
      <ErrorNote error={detail.error} />
      <Section title="Campaign" actions={<Badge tone={STATUS_TONE[campaign.status]}>{campaign.status}</Badge>}>
        <CampaignActions campaign={campaign} onChanged={detail.reload} />
        <dl className="figures">
          <dt>Account</dt>
          <dd>{account ? `${account.name} (${account.platform})` : <code>{campaign.account_id}</code>}</dd>
          <dt>Send window</dt>
          <dd>{describeWindow(campaign.send_window)}</dd>
          <dt>Stops on reply</dt>
          <dd>{campaign.stop_on_reply ? 'yes' : 'no'}</dd>
          <dt>Targets as set</dt>
          <dd>{campaign.targets.length > 0 ? campaign.targets.map(targetLabel).join(', ') : 'none'}</dd>
          <dt>Created</dt>
          <dd>
            <When at={campaign.created_at} />
          </dd>
        </dl>
        {running && (
          <p className="muted" role="status">
            Running: progress updates every {POLL_MS / 1000} s.
          </p>
        )}
      </Section>
      <Section title="Steps">
        <DataTable
          caption="Steps"
          rows={campaign.steps.map((step, i) => ({ ...step, number: i + 1 }))}
          rowKey={(s) => String(s.number)}
          columns={[
            { header: 'Step', cell: (s) => s.number },
            { header: 'Sent', cell: (s) => whenSent(s.delay_minutes, s.number) },
            { header: 'Message', cell: (s) => s.message ?? <span className="muted">template {s.template_id}</span> },
          ]}
        />
      </Section>
      <Section title="Target progress">
        <EnrollmentTable campaign={campaign} enrollments={enrollments} />
      </Section>
    </Page>
  );
}
