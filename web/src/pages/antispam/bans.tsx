import { useId, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useAction, useApi } from '../../components/hooks';
import { Button, DataTable, ErrorNote, Form, Loading, Notice, SelectField, TextField, When } from '../../components/ui';
import { optional } from '../welcome/form-values';
import { ChatSuggestions, type KnownChat } from '../welcome/known-chats';

type Account = components['schemas']['Account'];

/** Bans a sender (POST /api/antispam/banned): their messages get the configured action from then on. */
function BanForm({ accounts, chats, onBanned }: { accounts: Account[]; chats: KnownChat[] | undefined; onBanned: (message: string) => void }) {
  const [userId, setUserId] = useState('');
  const [reason, setReason] = useState('');
  const [chat, setChat] = useState('');
  const [accountId, setAccountId] = useState('');
  const action = useAction();
  const listId = useId();

  const ban = async () => {
    const { ban, created } = await unwrap(
      api.POST('/api/antispam/banned', {
        body: { user_id: userId.trim(), reason: optional(reason), chat_key: optional(chat), account_id: optional(accountId) },
      }),
    );
    setUserId('');
    setReason('');
    onBanned(created ? `Banned ${ban.user_id}.` : `${ban.user_id} was banned already; the ban is unchanged.`);
  };

  return (
    <Form action={action} onSubmit={ban} submitLabel="Ban" label="Ban a user">
      <div className="grid">
        <TextField label="User id" value={userId} onChange={setUserId} autoComplete="off" hint="A platform id or @username" />
        <TextField label="Reason" value={reason} onChange={setReason} hint="Optional" />
        <TextField label="Banned in chat" value={chat} onChange={setChat} list={listId} autoComplete="off" hint="Optional: where it was applied, so unbanning lifts it there" />
        <SelectField
          label="Banned by account"
          value={accountId}
          onChange={setAccountId}
          options={[{ value: '', label: 'No account' }, ...accounts.map((a) => ({ value: a.id, label: `${a.name} (${a.platform})` }))]}
        />
      </div>
      <ChatSuggestions id={listId} chats={chats} />
    </Form>
  );
}

/** The ban list (GET /api/antispam/banned) with a way to ban and, per sender, to unban. */
export function Bans({ accounts, chats }: { accounts: Account[]; chats: KnownChat[] | undefined }) {
  const bans = useApi(() => unwrap(api.GET('/api/antispam/banned')), []);
  const unban = useAction();
  const [done, setDone] = useState<string>();
  const accountName = (id: string | null) => (id ? (accounts.find((a) => a.id === id)?.name ?? id) : '—');

  const lift = (userId: string) =>
    void unban.run(async () => {
      setDone(undefined);
      const answer = await unwrap(api.DELETE('/api/antispam/banned/{user_id}', { params: { path: { user_id: userId } } }));
      setDone(`Unbanned ${answer.deleted}. Platform bans being lifted show in the automation log.`);
      bans.reload();
    });

  return (
    <>
      <ErrorNote error={bans.error} />
      <ErrorNote error={unban.error} />
      {done && <Notice>{done}</Notice>}
      {bans.data ? (
        <DataTable
          caption="Banned users"
          rows={bans.data.banned}
          rowKey={(b) => b.user_id}
          empty="Nobody is banned."
          columns={[
            { header: 'User', cell: (b) => <code>{b.user_id}</code> },
            { header: 'Reason', cell: (b) => b.reason ?? <span className="muted">—</span> },
            { header: 'Chat', cell: (b) => b.chat_key ?? <span className="muted">any</span> },
            { header: 'Account', cell: (b) => accountName(b.account_id) },
            { header: 'Banned', cell: (b) => <When at={b.created_at} /> },
            {
              header: 'Actions',
              cell: (b) => (
                <Button variant="danger" disabled={unban.busy} onClick={() => lift(b.user_id)}>
                  Unban
                </Button>
              ),
            },
          ]}
        />
      ) : (
        !bans.error && <Loading what="Loading banned users" />
      )}
      <h3>Ban a user</h3>
      <BanForm
        accounts={accounts}
        chats={chats}
        onBanned={(message) => {
          setDone(message);
          bans.reload();
        }}
      />
    </>
  );
}
