import { useMemo, useState } from 'react';
import type { Loaded } from '../../components/hooks';
import { Button, DataTable, Section } from '../../components/ui';
import { DailyChart } from './daily-chart';
import { everyDay } from './daily-series';
import { formatCount, formatRate } from './format';
import { LoadState } from './load-state';
import type { AnalyticsGroups } from './types';

/** Sends per UTC day over the period, from the per-chat analytics' `daily` (every chat together). */
export function DailySendsSection({ groups }: { groups: Loaded<AnalyticsGroups> }) {
  return (
    <Section title="Daily sends">
      <LoadState state={groups} what="Loading the daily sends">
        {(g) => <DailySends groups={g} />}
      </LoadState>
    </Section>
  );
}

/**
 * The chart, and its figures as a table: out of sight until asked for (or reached by keyboard),
 * always there for screen readers.
 */
function DailySends({ groups }: { groups: AnalyticsGroups }) {
  const days = useMemo(() => everyDay(groups.daily, groups.from, groups.to), [groups]);
  const [tableShown, setTableShown] = useState(false);
  const description =
    `Bar chart of messages sent and failed per UTC day from ${days[0]?.date} to ${days[days.length - 1]?.date}, with the delivery rate as a line: ` +
    `${formatCount(groups.sent)} sent and ${formatCount(groups.failed)} failed in all, delivery rate ${formatRate(groups.delivery_rate)}. ` +
    'The same figures are in the table Daily sends.';
  return (
    <>
      <DailyChart days={days} description={description} />
      {groups.daily.length === 0 ? (
        <p className="muted">No messages in this period.</p>
      ) : (
        <>
          <Button onClick={() => setTableShown(!tableShown)}>{tableShown ? 'Hide the table' : 'Show as a table'}</Button>
          <div className={tableShown ? undefined : 'visually-hidden'} onFocus={() => setTableShown(true)}>
            <DataTable
              caption="Daily sends"
              columns={[
                { header: 'Day (UTC)', cell: (d) => d.date },
                { header: 'Sent', cell: (d) => formatCount(d.sent) },
                { header: 'Failed', cell: (d) => formatCount(d.failed) },
                { header: 'Delivery rate', cell: (d) => formatRate(d.delivery_rate) },
              ]}
              rows={groups.daily}
              rowKey={(d) => d.date}
            />
          </div>
        </>
      )}
    </>
  );
}
