/**
 * The periods the page offers, as the analytics endpoints count them: the summary counts hours
 * (the current one and those before it), every other endpoint whole UTC days (today and the days
 * before it), so each period names both.
 */
export type PeriodId = '24h' | '7d' | '30d' | '90d' | '365d';

export interface Period {
  value: PeriodId;
  label: string;
  hours: number;
  days: number;
}

export const PERIODS: readonly Period[] = [
  { value: '24h', label: 'Last 24 hours', hours: 24, days: 1 },
  { value: '7d', label: 'Last 7 days', hours: 7 * 24, days: 7 },
  { value: '30d', label: 'Last 30 days', hours: 30 * 24, days: 30 },
  { value: '90d', label: 'Last 90 days', hours: 90 * 24, days: 90 },
  // The summary counts at most 8760 hours, the other endpoints at most 366 days.
  { value: '365d', label: 'Last 365 days', hours: 8760, days: 365 },
];

/** The API's own default window is 30 days. */
export const DEFAULT_PERIOD: PeriodId = '30d';

export function periodOf(id: PeriodId): Period {
  return PERIODS.find((p) => p.value === id) ?? PERIODS[2]!;
}
