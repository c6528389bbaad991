/** The answers of analytics, events and reports, as their response schemas (analytics.responses) spell them. */
import type { DayDeliveries } from '../../db/repos/analytics.repo';
import type { accountStats, DeliveryTotals, GroupsReport, peakHours, Summary } from '../../services/analytics';

const rates = (d: DeliveryTotals) => ({ sent: d.sent, failed: d.failed, delivery_rate: d.deliveryRate });
const day = (d: DayDeliveries & { deliveryRate: number | null }) => ({ date: d.date, ...rates(d) });

export function presentSummary(s: Summary) {
  return {
    hours: s.hours,
    from: s.from.toISOString(),
    to: s.to.toISOString(),
    events_by_type: s.eventsByType,
    total_events: s.totalEvents,
    ...rates(s),
  };
}

/** The window and totals of a groups report, without its chats. */
export function presentGroupTotals(g: GroupsReport) {
  return { days: g.days, from: g.from.toISOString(), to: g.to.toISOString(), ...rates(g), daily: g.daily.map(day) };
}

export function presentGroups(g: GroupsReport) {
  return {
    ...presentGroupTotals(g),
    groups: g.groups.map((c) => ({ account_id: c.accountId, chat_key: c.chatKey, title: c.title, type: c.type, ...rates(c), daily: c.daily.map(day) })),
    count: g.groups.length,
    total: g.totalGroups,
  };
}

export function presentAccounts(a: Awaited<ReturnType<typeof accountStats>>) {
  return {
    days: a.days,
    accounts: a.accounts.map((x) => ({
      id: x.id,
      user_id: x.userId,
      name: x.name,
      platform: x.platform,
      status: x.status,
      connected: x.status === 'connected',
      groups_count: x.groupsCount,
      ...rates(x),
    })),
    count: a.accounts.length,
  };
}

export function presentPeakHours(p: Awaited<ReturnType<typeof peakHours>>) {
  return {
    days: p.days,
    timezone: p.timezone,
    peak_hours: p.peakHours.map((h) => ({ weekday: h.weekday, day: h.dayName, hour: h.hour, sent: h.sent, failed: h.failed, delivery_rate: h.deliveryRate })),
    count: p.peakHours.length,
  };
}

