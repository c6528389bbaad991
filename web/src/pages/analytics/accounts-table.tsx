import { Badge, DataTable } from '../../components/ui';
import { formatCount, formatRate } from './format';
import type { AnalyticsAccount } from './types';

/** Each account's messages over the period, with its connection and scanned chats. */
export function AccountsTable({ accounts }: { accounts: AnalyticsAccount[] }) {
  return (
    <DataTable
      caption="Per account"
      columns={[
        { header: 'Account', cell: (a) => a.name },
        { header: 'Platform', cell: (a) => a.platform },
        { header: 'Status', cell: (a) => <Badge tone={a.connected ? 'good' : 'warn'}>{a.status}</Badge> },
        { header: 'Chats', cell: (a) => formatCount(a.groups_count) },
        { header: 'Sent', cell: (a) => formatCount(a.sent) },
        { header: 'Failed', cell: (a) => formatCount(a.failed) },
        { header: 'Delivery rate', cell: (a) => formatRate(a.delivery_rate) },
      ]}
      rows={accounts}
      rowKey={(a) => a.id}
      empty="No accounts yet."
    />
  );
}
