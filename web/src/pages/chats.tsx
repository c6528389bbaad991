import { useState } from 'react';
import { Link } from 'wouter';
import { api, unwrap } from '../api/client';
import { useApi } from '../components/hooks';
import { ErrorNote, Loading, Page, Section, SelectField, TextField } from '../components/ui';
import { ChatTable } from './chats/chat-table';
import { ScanChats } from './chats/scan-chats';
import { accountLabel } from '../components/accounts';

const ALL = 'all';

type Kind = '' | 'group' | 'channel' | 'contact';
const KINDS: { value: Kind; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'group', label: 'Groups' },
  { value: 'channel', label: 'Channels' },
  { value: 'contact', label: 'Contacts' },
];

type Platform = '' | 'telegram' | 'whatsapp';
const PLATFORMS: { value: Platform; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'telegram', label: 'Telegram' },
  { value: 'whatsapp', label: 'WhatsApp' },
];

/** /chats: the groups, channels and contacts an account's scans found, and a way to scan again. */
export function ChatsPage() {
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  // undefined until the user chooses: then the first account is shown.
  const [chosen, setChosen] = useState<string>();
  const list = accounts.data?.accounts ?? [];
  const accountId = chosen ?? list[0]?.id ?? ALL;

  return (
    <Page title="Chats">
      <ErrorNote error={accounts.error} />
      {accounts.loading && !accounts.data ? (
        <Loading what="Loading accounts" />
      ) : list.length === 0 && accounts.data ? (
        <p>
          No accounts yet. <Link href="~/accounts">Add an account</Link> to scan its chats.
        </p>
      ) : (
        <>
          <SelectField
            label="Account"
            value={accountId}
            onChange={setChosen}
            options={[...list.map((a) => ({ value: a.id, label: accountLabel(a) })), { value: ALL, label: 'All accounts' }]}
          />
          <AccountChats accountId={accountId === ALL ? undefined : accountId} accountName={(id) => list.find((a) => a.id === id)?.name ?? id} />
        </>
      )}
    </Page>
  );
}

function AccountChats({ accountId, accountName }: { accountId: string | undefined; accountName: (id: string) => string }) {
  const [kind, setKind] = useState<Kind>('');
  const [platform, setPlatform] = useState<Platform>('');
  const [search, setSearch] = useState('');

  // The platform filter shows only across accounts (an account has one platform).
  const platformFilter = accountId ? undefined : platform || undefined;
  const chats = useApi(
    async () =>
      (await unwrap(api.GET('/api/v1/groups', { params: { query: { account_id: accountId, type: kind || undefined, platform: platformFilter } } })))
        .groups,
    [accountId, kind, platformFilter],
  );

  // The API filters by title nowhere, so the search narrows the loaded list here.
  const needle = search.trim().toLowerCase();
  const all = chats.data ?? [];
  const shown = needle ? all.filter((c) => c.title.toLowerCase().includes(needle) || c.username?.toLowerCase().includes(needle)) : all;

  return (
    <>
      <Section title="Scan">
        <ScanChats key={accountId ?? 'all'} accountId={accountId ?? ''} onScanned={chats.reload} />
      </Section>
      <Section title="Chat list">
        <div className="row">
          <SelectField label="Kind" value={kind} onChange={setKind} options={KINDS} />
          {!accountId && <SelectField label="Platform" value={platform} onChange={setPlatform} options={PLATFORMS} />}
          <TextField label="Search" type="search" value={search} onChange={setSearch} placeholder="Title or @username" />
        </div>
        <ErrorNote error={chats.error} />
        {chats.loading && !chats.data ? (
          <Loading what="Loading chats" />
        ) : (
          <>
            <p className="muted" role="status">
              {shown.length === all.length ? `${all.length} chats` : `${shown.length} of ${all.length} chats`}
            </p>
            <ChatTable chats={shown} showAccount={!accountId} accountName={accountName} />
          </>
        )}
      </Section>
    </>
  );
}
