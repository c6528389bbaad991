import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Checkbox, DataTable, ErrorNote, Form, Loading, Section, SelectField, TextField, When } from '../../components/ui';
import { StatusBadge } from './status-badge';
import { LOGIN_OPTIONS, PLATFORM_OPTIONS, type LoginMethod, type Platform } from './types';

/** The caller's accounts, each linking to its detail page. */
export function AccountList() {
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  return (
    <Section title="Your accounts">
      <ErrorNote error={accounts.error} />
      {!accounts.data ? (
        !accounts.error && <Loading />
      ) : (
        <DataTable
          caption="Your accounts"
          rows={accounts.data.accounts}
          rowKey={(a) => a.id}
          empty="No accounts yet: add one below."
          columns={[
            { header: 'Name', cell: (a) => <Link href={`/${a.id}`}>{a.name}</Link> },
            { header: 'Platform', cell: (a) => (a.platform === 'telegram' ? 'Telegram' : 'WhatsApp') },
            { header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
            { header: 'Kind', cell: (a) => (a.sandbox ? 'Sandbox' : 'Real') },
            { header: 'Phone', cell: (a) => a.phone ?? <span className="muted">—</span> },
            { header: 'Added', cell: (a) => <When at={a.created_at} /> },
          ]}
        />
      )}
    </Section>
  );
}

/**
 * Adds an account: a sandbox one connects at once; a real one starts its login (Telegram sends the
 * code, WhatsApp shows a QR or pairing code), which its detail page then carries on.
 */
export function AddAccount() {
  const system = useApi(() => unwrap(api.GET('/api/v1/system-info')), []);
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [platform, setPlatform] = useState<Platform>('telegram');
  const [phone, setPhone] = useState('');
  // Until the user ticks or unticks it, the box follows the server: checked when its sandbox is on.
  const [sandboxChoice, setSandboxChoice] = useState<boolean>();
  const [methodChoice, setMethodChoice] = useState<LoginMethod>();
  const action = useAction();

  const sandboxOn = system.data?.sandbox ?? false;
  const sandbox = sandboxOn && (sandboxChoice ?? true);
  const methods = LOGIN_OPTIONS[platform];
  const method = methods.find((m) => m.value === methodChoice)?.value ?? methods[0]!.value;
  const phoneNeeded = !sandbox && (method === 'phone' || method === 'pairing_code');

  const create = async () => {
    const created = await unwrap(
      api.POST('/api/v1/accounts', {
        body: {
          platform,
          name: name.trim() || undefined,
          phone: phone.trim() || undefined,
          sandbox,
          login: sandbox ? undefined : method,
        },
      }),
    );
    navigate(`/${created.account.id}`);
  };

  return (
    <Section title="Add an account">
      <ErrorNote error={system.error} />
      {/* Wait for the server's answer: it decides whether the account is a sandbox one by default. */}
      {!system.data && !system.error ? (
        <Loading />
      ) : (
        <Form action={action} onSubmit={create} submitLabel="Add account" label="Add an account">
          <TextField label="Name" value={name} onChange={setName} maxLength={100} hint="Optional; how the dashboard names the account." />
          <SelectField label="Platform" value={platform} onChange={setPlatform} options={PLATFORM_OPTIONS} />
          <TextField
            label="Phone"
            type="tel"
            autoComplete="tel"
            value={phone}
            onChange={setPhone}
            placeholder="+14155550123"
            hint={phoneNeeded ? 'International number; this login needs it.' : 'Optional; an international number like +14155550123.'}
          />
          {system.data &&
            (sandboxOn ? (
              <Checkbox label="Sandbox account" checked={sandbox} onChange={setSandboxChoice} />
            ) : (
              <p className="muted">This server's sandbox platform is off: accounts are real and log in on their own page.</p>
            ))}
          {!sandbox && <SelectField label="Log in with" value={method} onChange={setMethodChoice} options={methods} />}
          {sandbox && <p className="muted">A sandbox account is simulated: it connects at once, with a seeded set of chats.</p>}
        </Form>
      )}
    </Section>
  );
}
