import { useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Button, ErrorNote, Loading, Page, Section, When } from '../../components/ui';
import { LimitsSection } from './limits';
import { LoginSection } from './login';
import { ProfileSection } from './profile';
import { SandboxSection } from './sandbox';
import { StatusBadge } from './status-badge';
import { isLoginWaiting, type AccountDetail } from './types';

/** While a login waits (a QR code rotating, a pairing code coming) the account is read every 2 s, else every 10 s. */
const WAITING_POLL_MS = 2000;
const IDLE_POLL_MS = 10_000;

/** One account: its status, login, send budget, profile and (sandbox accounts) the simulated platform. */
export function AccountDetailPage({ id }: { id: string }) {
  const [waiting, setWaiting] = useState(false);
  const account = useApi(
    () => unwrap(api.GET('/api/v1/accounts/{id}', { params: { path: { id } } })).then((answer) => answer.account),
    [id],
    waiting ? WAITING_POLL_MS : IDLE_POLL_MS,
  );
  const nowWaiting = account.data ? isLoginWaiting(account.data) : false;
  useEffect(() => setWaiting(nowWaiting), [nowWaiting]);

  const back = <Link href="/">All accounts</Link>;
  if (!account.data) {
    return (
      <Page title="Account" actions={back}>
        {account.error ? <ErrorNote error={account.error} /> : <Loading what="Loading the account" />}
      </Page>
    );
  }
  const a = account.data;
  return (
    <Page title={a.name} actions={<>{back}<DeleteAccount account={a} /></>}>
      {/* A failed refresh leaves the last answer up, saying why it is not fresh. */}
      <ErrorNote error={account.error} />
      <StatusSection account={a} />
      {!a.sandbox && <LoginSection account={a} onChange={account.reload} />}
      <LimitsSection accountId={a.id} budget={a.budget} onSaved={account.reload} />
      {a.sandbox && <SandboxSection account={a} />}
      <ProfileSection account={a} />
    </Page>
  );
}

function StatusSection({ account }: { account: AccountDetail }) {
  return (
    <Section title="Status">
      <dl className="figures">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={account.status} login={account.login} />
        </dd>
        <dt>Platform</dt>
        <dd>{account.platform === 'telegram' ? 'Telegram' : 'WhatsApp'}</dd>
        <dt>Kind</dt>
        <dd>{account.sandbox ? 'Sandbox (simulated)' : 'Real'}</dd>
        <dt>Phone</dt>
        <dd>{account.phone ?? '—'}</dd>
        <dt>Added</dt>
        <dd>
          <When at={account.created_at} />
        </dd>
      </dl>
    </Section>
  );
}

/** Deletes the account with its broadcasts and known chats; a real one is logged out at the platform first (up to 15 s). */
function DeleteAccount({ account }: { account: AccountDetail }) {
  const [, navigate] = useLocation();
  const action = useAction();
  const remove = () =>
    window.confirm(`Delete the account “${account.name}” with its broadcasts and known chats? This cannot be undone.`) &&
    action.run(async () => {
      await unwrap(api.DELETE('/api/v1/accounts/{id}', { params: { path: { id: account.id } } }));
      navigate('/');
    });
  return (
    <>
      <Button variant="danger" onClick={() => void remove()} disabled={action.busy} aria-busy={action.busy}>
        {action.busy ? 'Deleting…' : 'Delete account'}
      </Button>
      <ErrorNote error={action.error} />
    </>
  );
}
