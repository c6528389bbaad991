import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { useApi } from '../components/hooks';
import { Page, Section, SelectField } from '../components/ui';
import { AccountsTable } from './analytics/accounts-table';
import { DailySendsSection } from './analytics/daily-sends';
import { DownloadButton } from './analytics/download-button';
import { GroupsTable } from './analytics/groups-table';
import { LoadState } from './analytics/load-state';
import { PeakHoursSection } from './analytics/peak-hours';
import { DEFAULT_PERIOD, PERIODS, periodOf, type PeriodId } from './analytics/period';
import { ReportsSection } from './analytics/reports';
import { SummarySection } from './analytics/summary';

/**
 * Analytics over a period: the summary, sends per day, peak hours, per account and per chat, the
 * CSV export, and the reports. The per-chat analytics carry the daily series too, so one load
 * feeds both the chart and the chats table.
 */
export function AnalyticsPage() {
  const [periodId, setPeriodId] = useState<PeriodId>(DEFAULT_PERIOD);
  const period = periodOf(periodId);
  const groups = useApi(() => unwrap(api.GET('/api/analytics/groups', { params: { query: { days: period.days } } })), [period.days]);
  const accounts = useApi(() => unwrap(api.GET('/api/analytics/accounts', { params: { query: { days: period.days } } })), [period.days]);

  return (
    <Page title="Analytics">
      <div className="row">
        <SelectField label="Period" value={periodId} onChange={setPeriodId} options={PERIODS} />
        <DownloadButton label="Export CSV" path={`/api/analytics/export?format=csv&days=${period.days}`} filename="analytics.csv" />
      </div>
      <p className="muted">
        The summary counts the current hour and those before it; everything else counts whole UTC days, today and the days before it.
      </p>
      <SummarySection period={period} />
      <DailySendsSection groups={groups} />
      <PeakHoursSection period={period} />
      <Section title="Accounts">
        <LoadState state={accounts} what="Loading the accounts">
          {(a) => <AccountsTable accounts={a.accounts} />}
        </LoadState>
      </Section>
      <Section title="Groups">
        <LoadState state={groups} what="Loading the chats">
          {(g) => <GroupsTable groups={g} accounts={accounts.data?.accounts} />}
        </LoadState>
      </Section>
      <ReportsSection />
    </Page>
  );
}
