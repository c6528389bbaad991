import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { Section, SelectField } from '../../components/ui';
import { DownloadButton } from './download-button';
import { Figures } from './figures';
import { formatCount, formatRate } from './format';
import { LoadState } from './load-state';

const LOG_LIMITS = [
  { value: '100', label: 'Newest 100' },
  { value: '1000', label: 'Newest 1,000' },
  { value: '10000', label: 'Newest 10,000' },
] as const;

/** "active 2, paused 1" from counts by key; a dash for none. */
function breakdown(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([key, count]) => `${key.replace(/_/g, ' ')} ${formatCount(count)}`);
  return parts.length ? parts.join(', ') : '—';
}

/** The report exports (automation log, scanned chats) and the whole system in figures. */
export function ReportsSection() {
  const [logLimit, setLogLimit] = useState<(typeof LOG_LIMITS)[number]['value']>('100');
  const summary = useApi(() => unwrap(api.GET('/api/reports/summary')), []);
  return (
    <Section title="Reports">
      <div className="row">
        <SelectField label="Automation log entries" value={logLimit} onChange={setLogLimit} options={LOG_LIMITS} />
        <DownloadButton label="Download automation log CSV" path={`/api/reports/automation-log?format=csv&limit=${logLimit}`} filename="automation-log.csv" />
        <DownloadButton label="Download groups CSV" path="/api/reports/groups?format=csv" filename="groups.csv" />
      </div>
      <h3>System summary</h3>
      <LoadState state={summary} what="Loading the system summary">
        {(s) => {
          const { last_24_hours: day, last_30_days: month } = s.analytics;
          const { broadcasts, drip_campaigns: drips, ab_tests: abTests } = s.campaigns;
          return (
            <>
              <Figures
                label="System summary"
                figures={[
                  { label: 'Sent, last 24 hours', value: formatCount(day.sent) },
                  { label: 'Failed, last 24 hours', value: formatCount(day.failed) },
                  { label: 'Delivery rate, last 24 hours', value: formatRate(day.delivery_rate) },
                  { label: 'Sent, last 30 days', value: formatCount(month.sent) },
                  { label: 'Failed, last 30 days', value: formatCount(month.failed) },
                  { label: 'Delivery rate, last 30 days', value: formatRate(month.delivery_rate) },
                  { label: 'Chats messaged, last 30 days', value: formatCount(month.groups_with_messages) },
                  { label: 'Accounts', value: formatCount(s.accounts.total) },
                  { label: 'Accounts connected', value: formatCount(s.accounts.connected) },
                  { label: 'Contacts', value: formatCount(s.contacts.total) },
                  { label: 'Contacts opted out', value: formatCount(s.contacts.opted_out) },
                  { label: 'Broadcasts', value: formatCount(broadcasts.total) },
                  { label: 'Broadcasts enabled', value: formatCount(broadcasts.enabled) },
                  { label: 'Broadcast runs', value: formatCount(broadcasts.runs) },
                  { label: 'Drip campaigns', value: formatCount(drips.total) },
                  { label: 'A/B tests', value: formatCount(abTests.total) },
                  { label: 'Webhooks', value: formatCount(s.webhooks.total) },
                  { label: 'Webhooks enabled', value: formatCount(s.webhooks.enabled) },
                ]}
              />
              <p className="muted">
                Broadcasts by schedule: {breakdown(broadcasts.by_schedule_type)}. Drip campaigns by status: {breakdown(drips.by_status)}. A/B tests by status:{' '}
                {breakdown(abTests.by_status)}.
              </p>
            </>
          );
        }}
      </LoadState>
    </Section>
  );
}
