import { useState } from 'react';
import type { components } from '../../api/schema';
import { useAction } from '../../components/hooks';
import { Badge, Button, DataTable, ErrorNote, When, type Column } from '../../components/ui';
import { checkPosting, verdictKey, type PostingVerdict } from './posting-check';

/** A chat of `GET /api/v1/groups`. */
export type ListedChat = components['schemas']['Chat'];

const KIND_TONE: Record<string, 'neutral' | 'good' | 'warn'> = { group: 'good', channel: 'warn', contact: 'neutral' };

/** The chats shown, and a way to check which of them the account can post to. */
export function ChatTable({ chats, showAccount, accountName }: { chats: ListedChat[]; showAccount: boolean; accountName: (id: string) => string }) {
  const [verdicts, setVerdicts] = useState<Map<string, PostingVerdict>>(new Map());
  const check = useAction();

  const runCheck = () =>
    check.run(async () => {
      const found = await checkPosting(chats);
      setVerdicts((known) => new Map([...known, ...found]));
    });

  const columns: Column<ListedChat>[] = [
    {
      header: 'Title',
      cell: (c) => (
        <>
          {c.title}
          {/* The key is what a broadcast names the chat by; it is @username where there is one. */}
          <div className="muted">
            <code>{c.key}</code>
            {c.username && c.key !== `@${c.username}` && ` · @${c.username}`}
          </div>
        </>
      ),
    },
    ...(showAccount ? [{ header: 'Account', cell: (c: ListedChat) => accountName(c.account_id) }] : []),
    { header: 'Kind', cell: (c) => <Badge tone={KIND_TONE[c.type] ?? 'neutral'}>{c.type}</Badge> },
    { header: 'Members', cell: (c) => (c.members === null ? <span className="muted">—</span> : c.members.toLocaleString()) },
    { header: 'Can post', cell: (c) => <PostingCell verdict={verdicts.get(verdictKey(c.account_id, c.key))} /> },
    { header: 'Last activity', cell: (c) => <When at={c.last_activity_at} /> },
    { header: 'Last scanned', cell: (c) => <When at={c.scanned_at} /> },
  ];

  return (
    <>
      <div className="row">
        <Button onClick={() => void runCheck()} disabled={check.busy || chats.length === 0} aria-busy={check.busy}>
          {check.busy ? 'Checking…' : 'Check who can post'}
        </Button>
        <span className="muted">A dry run of a broadcast to the chats shown: nothing is sent.</span>
      </div>
      <ErrorNote error={check.error} />
      <DataTable caption="Chats" columns={columns} rows={chats} rowKey={(c) => verdictKey(c.account_id, c.key)} empty="No chats match. Scan the account to list its chats." />
    </>
  );
}

function PostingCell({ verdict }: { verdict: PostingVerdict | undefined }) {
  if (!verdict) return <span className="muted">not checked</span>;
  if (verdict.writable) return <Badge tone="good">yes</Badge>;
  return (
    <>
      <Badge tone="bad">no</Badge>
      {verdict.reason && <div className="muted">{verdict.reason}</div>}
    </>
  );
}
