import { DataTable } from '../../components/ui';
import { formatCount, formatRate } from './format';
import type { AnalyticsAccount, AnalyticsGroups } from './types';

/** The chats with the most messages over the period, each with the name of its account where known. */
export function GroupsTable({ groups, accounts }: { groups: AnalyticsGroups; accounts: AnalyticsAccount[] | undefined }) {
  const accountName = new Map((accounts ?? []).map((a) => [a.id, a.name]));
  return (
    <>
      {groups.total > groups.count && (
        <p className="muted">
          The {groups.count} chats with the most messages, of {groups.total} with any.
        </p>
      )}
      <DataTable
        caption="Per chat"
        columns={[
          { header: 'Chat', cell: (g) => g.title ?? <code>{g.chat_key}</code> },
          { header: 'Key', cell: (g) => <code>{g.chat_key}</code> },
          { header: 'Type', cell: (g) => g.type ?? '—' },
          { header: 'Account', cell: (g) => accountName.get(g.account_id) ?? <code>{g.account_id}</code> },
          { header: 'Sent', cell: (g) => formatCount(g.sent) },
          { header: 'Failed', cell: (g) => formatCount(g.failed) },
          { header: 'Delivery rate', cell: (g) => formatRate(g.delivery_rate) },
        ]}
        rows={groups.groups}
        rowKey={(g) => `${g.account_id} ${g.chat_key}`}
        empty="No messages to any chat in this period."
      />
    </>
  );
}
