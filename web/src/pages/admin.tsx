import { useState } from 'react';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { useAction, useApi } from '../components/hooks';
import { Badge, Button, DataTable, ErrorNote, Form, Loading, Page, Section, SelectField, ShownOnce, TextField, When } from '../components/ui';

type UserWithKeys = paths['/api/admin/users']['get']['responses']['200']['content']['application/json']['users'][number];
type Key = UserWithKeys['keys'][number];

/** Admins' page: users, and their API keys (issued and shown once, revoked, rate-limited). */
export function AdminPage() {
  const users = useApi(() => unwrap(api.GET('/api/admin/users')), []);
  const [secret, setSecret] = useState<{ label: string; key: string }>();
  const reload = (shown?: { label: string; key: string }) => {
    setSecret(shown);
    users.reload();
  };
  return (
    <Page title="Users & keys">
      {secret && <ShownOnce label={secret.label} secret={secret.key} />}
      <CreateUser onCreated={(name, key) => reload({ label: `API key of ${name}`, key })} />
      <ErrorNote error={users.error} />
      {!users.data ? <Loading /> : users.data.users.map((u) => <UserKeys key={u.id} user={u} onChange={reload} />)}
    </Page>
  );
}

function CreateUser({ onCreated }: { onCreated: (name: string, key: string) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const action = useAction();
  const create = async () => {
    const created = await unwrap(api.POST('/api/admin/users', { body: { name, role } }));
    setName('');
    onCreated(created.user.name, created.api_key);
  };
  return (
    <Section title="Create a user">
      <Form action={action} onSubmit={create} submitLabel="Create user">
        <TextField label="Name" value={name} onChange={setName} required maxLength={100} />
        <SelectField
          label="Role"
          value={role}
          onChange={setRole}
          options={[
            { value: 'user', label: 'User' },
            { value: 'admin', label: 'Admin' },
          ]}
        />
      </Form>
    </Section>
  );
}

function UserKeys({ user, onChange }: { user: UserWithKeys; onChange: (shown?: { label: string; key: string }) => void }) {
  const action = useAction();
  const issue = () =>
    action.run(async () => {
      const issued = await unwrap(api.POST('/api/admin/users/{id}/keys', { params: { path: { id: user.id } } }));
      onChange({ label: `New API key of ${user.name}`, key: issued.api_key });
    });
  const revoke = (key: Key) =>
    window.confirm(`Revoke key ${key.prefix}…? Requests with it fail from the next one on.`) &&
    action.run(async () => {
      await unwrap(api.DELETE('/api/admin/keys/{id}', { params: { path: { id: key.id } } }));
      onChange();
    });
  return (
    <Section
      title={`${user.name} (${user.role})`}
      actions={
        <Button onClick={() => void issue()} disabled={action.busy}>
          Issue key
        </Button>
      }
    >
      <ErrorNote error={action.error} />
      <DataTable
        caption={`API keys of ${user.name}`}
        rows={user.keys}
        rowKey={(k) => k.id}
        empty="No keys."
        columns={[
          { header: 'Key', cell: (k) => <code>{k.prefix}…</code> },
          { header: 'Created', cell: (k) => <When at={k.created_at} /> },
          { header: 'Last used', cell: (k) => <When at={k.last_used_at} /> },
          { header: 'Rate limit', cell: (k) => (k.rate_limit_per_minute === null ? 'server default' : k.rate_limit_per_minute === 0 ? 'unlimited' : `${k.rate_limit_per_minute}/min`) },
          {
            header: 'State',
            cell: (k) =>
              k.revoked_at ? (
                <Badge tone="bad">revoked</Badge>
              ) : (
                <Button variant="danger" onClick={() => void revoke(k)} aria-label={`Revoke key ${k.prefix}`}>
                  Revoke
                </Button>
              ),
          },
        ]}
      />
    </Section>
  );
}
