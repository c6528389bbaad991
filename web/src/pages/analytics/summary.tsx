import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { DataTable, Section } from '../../components/ui';
import { Figures } from './figures';
import { formatCount, formatRate } from './format';
import { LoadState } from './load-state';
import type { Period } from './period';

/** Messages sent and failed and every event by type over the period's hours (GET /api/analytics/summary). */
export function SummarySection({ period }: { period: Period }) {
  const summary = useApi(() => unwrap(api.GET('/api/analytics/summary', { params: { query: { hours: period.hours } } })), [period.hours]);
  return (
    <Section title="Summary">
      <LoadState state={summary} what="Loading the summary">
        {(s) => (
          <>
            <Figures
              label="Summary figures"
              figures={[
                { label: 'Sent', value: formatCount(s.sent) },
                { label: 'Failed', value: formatCount(s.failed) },
                { label: 'Delivery rate', value: formatRate(s.delivery_rate) },
                { label: 'Events', value: formatCount(s.total_events) },
              ]}
            />
            <p className="muted">
              {s.hours} hours from {new Date(s.from).toLocaleString()}. Sent counts messages the platform accepted; the delivery rate is sent ÷ (sent + failed).
            </p>
            <h3>Events by type</h3>
            <DataTable
              caption="Events by type"
              columns={[
                { header: 'Event type', cell: ([type]) => <code>{type}</code> },
                { header: 'Count', cell: ([, count]) => formatCount(count) },
              ]}
              rows={Object.entries(s.events_by_type).sort((a, b) => b[1] - a[1])}
              rowKey={([type]) => type}
              empty="No events in this period."
            />
          </>
        )}
      </LoadState>
    </Section>
  );
}
