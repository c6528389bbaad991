import type { AnalyticsDay } from './types';

const DAY_MS = 24 * 3_600_000;

/**
 * Every UTC day from `from` to `to`, with the API's figures for the days that had messages and
 * zeros (no rate) for the others: the API lists only days with messages, a chart needs them all.
 */
export function everyDay(daily: AnalyticsDay[], from: string, to: string): AnalyticsDay[] {
  const byDate = new Map(daily.map((d) => [d.date, d]));
  const days: AnalyticsDay[] = [];
  const last = new Date(to).toISOString().slice(0, 10);
  for (let t = Date.parse(from.slice(0, 10)); ; t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    days.push(byDate.get(date) ?? { date, sent: 0, failed: 0, delivery_rate: null });
    if (date >= last || days.length > 400) break;
  }
  return days;
}
