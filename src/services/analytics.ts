/**
 * Analytics: numbers read from the rollups the event log maintains (never by counting deliveries
 * or events per request), custom events, and the events feed. Every read is for a viewer: the
 * caller, or for an admin everyone or one user they name.
 */
import type { Knex } from 'knex';
import type { Readable } from 'node:stream';
import * as repo from '../db/repos/analytics.repo';
import { findAccount } from '../db/repos/accounts.repo';
import { emitEvent, type LoggedEvent } from '../db/repos/events.repo';
import type { Scope } from '../db/repos/scope';
import { findUser } from '../db/repos/users.repo';
import {
  MESSAGE_FAILED,
  MESSAGE_SENT,
  daysWindow,
  deliveryRate,
  hoursWindow,
  isDomainEventType,
  rankPeakHours,
  type PeakHour,
} from '../domain/analytics';
import { BadRequestError, NotFoundError } from '../errors';
import { csvStream } from './csv-export';

export type { Viewer } from '../db/repos/analytics.repo';

/**
 * Whose numbers `scope` reads: its own; an admin's everyone's, or those of `userId`.
 * @throws NotFoundError for a user that does not exist or, for a non-admin, is not the caller.
 */
export async function viewerFor(db: Knex, scope: Scope, userId: string | undefined): Promise<repo.Viewer> {
  if (userId === undefined) return { userId: scope.admin ? null : scope.userId };
  if (userId === scope.userId) return { userId };
  if (!scope.admin || !(await findUser(db, userId))) throw new NotFoundError('user not found');
  return { userId };
}

/** Sent, failed and their delivery rate. */
export interface DeliveryTotals extends repo.Deliveries {
  deliveryRate: number | null;
}

const totals = (d: repo.Deliveries): DeliveryTotals => ({ sent: d.sent, failed: d.failed, deliveryRate: deliveryRate(d.sent, d.failed) });

/** Events by type over the last `hours` hours (the current hour and those before it). */
export interface Summary extends DeliveryTotals {
  hours: number;
  from: Date;
  to: Date;
  eventsByType: Record<string, number>;
  totalEvents: number;
}

export async function summary(db: Knex, viewer: repo.Viewer, hours: number, now = new Date()): Promise<Summary> {
  const window = hoursWindow(hours, now);
  const counts = await repo.countEventTypes(db, viewer, window.from);
  const eventsByType = Object.fromEntries(counts.map((c) => [c.type, c.count]));
  return {
    hours,
    ...window,
    eventsByType,
    totalEvents: counts.reduce((sum, c) => sum + c.count, 0),
    ...totals({ sent: eventsByType[MESSAGE_SENT] ?? 0, failed: eventsByType[MESSAGE_FAILED] ?? 0 }),
  };
}

/** Deliveries per chat over the last `days` UTC days, with daily breakdowns. */
export interface GroupsReport extends DeliveryTotals {
  days: number;
  from: Date;
  to: Date;
  daily: Array<repo.DayDeliveries & { deliveryRate: number | null }>;
  groups: Array<Omit<repo.ChatDeliveries, 'daily'> & { deliveryRate: number | null; daily: Array<repo.DayDeliveries & { deliveryRate: number | null }> }>;
  totalGroups: number;
}

const withRate = <T extends repo.Deliveries>(d: T) => ({ ...d, deliveryRate: deliveryRate(d.sent, d.failed) });

export async function groupStats(db: Knex, viewer: repo.Viewer, days: number, limit: number, now = new Date()): Promise<GroupsReport> {
  const window = daysWindow(days, now);
  const found = await repo.chatDeliveries(db, viewer, window.fromDay, limit);
  const all = found.daily.reduce((t, d) => ({ sent: t.sent + d.sent, failed: t.failed + d.failed }), { sent: 0, failed: 0 });
  return {
    days,
    from: window.from,
    to: window.to,
    ...totals(all),
    daily: found.daily.map(withRate),
    groups: found.chats.map((c) => ({ ...withRate(c), daily: c.daily.map(withRate) })),
    totalGroups: found.totalChats,
  };
}

/** The viewer's accounts with their scanned chats and their deliveries over the last `days` days. */
export async function accountStats(db: Knex, viewer: repo.Viewer, days: number, now = new Date()) {
  const accounts = await repo.accountDeliveries(db, viewer, daysWindow(days, now).from);
  return { days, accounts: accounts.map(withRate) };
}

/** The hours of the week, in `timezone`, ranked by delivery success over the last `days` days. */
export async function peakHours(
  db: Knex,
  viewer: repo.Viewer,
  days: number,
  timezone: string,
  now = new Date(),
): Promise<{ days: number; timezone: string; peakHours: PeakHour[] }> {
  const hours = await repo.hourlyDeliveries(db, viewer, daysWindow(days, now).from);
  return { days, timezone, peakHours: rankPeakHours(hours, timezone) };
}

/** Everything of the dashboard in one answer, read side by side. */
export async function dashboard(db: Knex, viewer: repo.Viewer, options: { hours: number; days: number; timezone: string; limit: number }) {
  const now = new Date();
  const [s, g, a, p] = await Promise.all([
    summary(db, viewer, options.hours, now),
    groupStats(db, viewer, options.days, options.limit, now),
    accountStats(db, viewer, options.days, now),
    peakHours(db, viewer, options.days, options.timezone, now),
  ]);
  return { summary: s, groups: g, accounts: a, peakHours: p };
}

/** The columns of the daily export, in order. */
export const DAILY_EXPORT_COLUMNS = ['date', 'user_id', 'account_id', 'chat_key', 'event_type', 'count'] as const;

/**
 * The rollup of the last `days` UTC days as CSV, oldest day first, one row per day, account,
 * chat and event type; read a day at a time, as fast as the client reads.
 */
export function exportDaily(db: Knex, viewer: repo.Viewer, days: number, now = new Date()): Readable {
  const first = daysWindow(days, now).from.getTime();
  async function* records() {
    for (let i = 0; i < days; i++) {
      const day = new Date(first + i * 86_400_000).toISOString().slice(0, 10);
      for (const c of await repo.dailyCounts(db, viewer, day)) {
        yield [c.date, c.userId, c.accountId ?? '', c.chatKey ?? '', c.eventType, String(c.count)];
      }
    }
  }
  return csvStream(DAILY_EXPORT_COLUMNS, records());
}

/** A custom event to record. */
export interface CustomEvent {
  type: string;
  data: object;
  accountId?: string;
  chatKey?: string;
}

/**
 * Records a custom event for the scope's user (or its own account `accountId`): counted in the
 * rollups and offered to matching webhooks like any other.
 * @throws BadRequestError for a type of AutoHub's own events; NotFoundError for an account not
 *   the caller's; EventPayloadTooLargeError (413) for data over 256 KiB.
 */
export async function recordCustomEvent(db: Knex, scope: Scope, event: CustomEvent): Promise<{ eventId: string; at: Date }> {
  if (isDomainEventType(event.type)) throw new BadRequestError(`type: ${event.type} is one of AutoHub's own events; use another name, such as custom`);
  if (event.accountId && !(await findAccount(db, event.accountId, { ...scope, admin: false }))) throw new NotFoundError('account not found');
  const at = new Date();
  const eventId = await emitEvent(db, { userId: scope.userId, accountId: event.accountId ?? null, chatKey: event.chatKey ?? null, type: event.type, data: event.data, at });
  return { eventId: eventId!, at };
}

/** The viewer's events, newest first (see {@link repo.feedEvents}). */
export async function eventFeed(db: Knex, viewer: repo.Viewer, filter: repo.EventFeedFilter): Promise<LoggedEvent[]> {
  return repo.feedEvents(db, viewer, filter);
}
