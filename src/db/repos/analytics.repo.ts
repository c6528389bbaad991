/**
 * Reads of the analytics rollups (`analytics_daily`, `analytics_account_hourly`, maintained with
 * every event by events.repo) and of the event log for the events feed and automation report.
 * Every read is for one user, or for everyone when `userId` is null (an admin's view).
 */
import type { Knex } from 'knex';
import type { HourlyDeliveries } from '../../domain/analytics';
import { MESSAGE_FAILED, MESSAGE_SENT } from '../../domain/analytics';
import { mapEventRow, NO_ACCOUNT, type LoggedEvent } from './events.repo';

/** Whose numbers a read counts: one user's, or everyone's (null). */
export interface Viewer {
  userId: string | null;
}

/** Messages sent and failed. */
export interface Deliveries {
  sent: number;
  failed: number;
}

/** One UTC day's deliveries. */
export interface DayDeliveries extends Deliveries {
  date: string;
}

/** One chat's deliveries over a window, with its daily breakdown. */
export interface ChatDeliveries extends Deliveries {
  accountId: string;
  chatKey: string;
  /** From the scanned chats, when the chat is known. */
  title: string | null;
  type: string | null;
  daily: DayDeliveries[];
}

/** One account with its scanned chats and its deliveries over a window. */
export interface AccountDeliveries extends Deliveries {
  id: string;
  userId: string;
  name: string;
  platform: string;
  status: string;
  groupsCount: number;
}

const forViewer = (viewer: Viewer, column = 'user_id') => (viewer.userId === null ? '' : ` and ${column} = :userId`);
const sentFailed = (column = 'count') => `
  coalesce(sum(${column}) filter (where event_type = '${MESSAGE_SENT}'), 0)::float8 as sent,
  coalesce(sum(${column}) filter (where event_type = '${MESSAGE_FAILED}'), 0)::float8 as failed`;

/** How many events of each type were recorded since `since` (an hour start). */
export async function countEventTypes(db: Knex, viewer: Viewer, since: Date): Promise<Array<{ type: string; count: number }>> {
  const { rows } = await db.raw<{ rows: Array<{ type: string; count: number }> }>(
    `select event_type as type, sum(count)::float8 as count from analytics_account_hourly
     where hour >= :since${forViewer(viewer)} group by event_type order by event_type`,
    { since, userId: viewer.userId },
  );
  return rows;
}

/** Messages sent and failed in each UTC hour since `since`, hours without any left out. */
export async function hourlyDeliveries(db: Knex, viewer: Viewer, since: Date): Promise<HourlyDeliveries[]> {
  const { rows } = await db.raw<{ rows: HourlyDeliveries[] }>(
    `select hour, ${sentFailed()} from analytics_account_hourly
     where hour >= :since and event_type in ('${MESSAGE_SENT}', '${MESSAGE_FAILED}')${forViewer(viewer)}
     group by hour order by hour`,
    { since, userId: viewer.userId },
  );
  return rows;
}

/**
 * Deliveries to chats since the UTC day `fromDay`: the `limit` chats with the most attempts, each
 * with its days, the number of chats with any, and every day's totals over all of them.
 */
export async function chatDeliveries(
  db: Knex,
  viewer: Viewer,
  fromDay: string,
  limit: number,
): Promise<{ chats: ChatDeliveries[]; totalChats: number; daily: DayDeliveries[] }> {
  const { rows } = await db.raw<{ rows: Array<{ total_chats: number; chats: RankedChatRow[] | null; daily: DayDeliveries[] | null }> }>(
    `with per_day as (
       select account_id, chat_key, day, ${sentFailed()}
       from analytics_daily
       where day >= :fromDay::date and event_type in ('${MESSAGE_SENT}', '${MESSAGE_FAILED}') and chat_key <> ''${forViewer(viewer)}
       group by account_id, chat_key, day
     ), ranked as (
       select account_id, chat_key, sum(sent) as sent, sum(failed) as failed
       from per_day group by account_id, chat_key
       order by sum(sent) + sum(failed) desc, account_id, chat_key
       limit :limit
     ), chats_json as (
       select r.account_id, r.chat_key, r.sent, r.failed, k.title, k.type,
         json_agg(json_build_object('date', d.day::text, 'sent', d.sent, 'failed', d.failed) order by d.day) as daily
       from ranked r
       join per_day d on d.account_id = r.account_id and d.chat_key = r.chat_key
       left join chats k on k.account_id = r.account_id and k.key = r.chat_key
       group by r.account_id, r.chat_key, r.sent, r.failed, k.title, k.type
     )
     select
       (select count(*) from (select distinct account_id, chat_key from per_day) x)::int as total_chats,
       (select json_agg(c order by c.sent + c.failed desc, c.account_id, c.chat_key) from chats_json c) as chats,
       (select json_agg(json_build_object('date', day::text, 'sent', sent, 'failed', failed) order by day)
          from (select day, sum(sent) as sent, sum(failed) as failed from per_day group by day) t) as daily`,
    { fromDay, limit, userId: viewer.userId },
  );
  const chats = rows[0]?.chats ?? [];
  return {
    chats: chats.map((c) => ({
      accountId: c.account_id,
      chatKey: c.chat_key,
      title: c.title,
      type: c.type,
      sent: c.sent,
      failed: c.failed,
      daily: c.daily,
    })),
    totalChats: rows[0]?.total_chats ?? 0,
    daily: rows[0]?.daily ?? [],
  };
}

interface RankedChatRow {
  account_id: string;
  chat_key: string;
  sent: number;
  failed: number;
  title: string | null;
  type: string | null;
  daily: DayDeliveries[];
}

/** The viewer's accounts, oldest first, each with its scanned chats and its deliveries since `since`. */
export async function accountDeliveries(db: Knex, viewer: Viewer, since: Date): Promise<AccountDeliveries[]> {
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `select a.id, a.user_id, a.name, a.platform, a.status,
       (select count(*) from chats c where c.account_id = a.id)::int as groups_count,
       coalesce(s.sent, 0) as sent, coalesce(s.failed, 0) as failed
     from accounts a
     left join (
       select account_id, ${sentFailed()} from analytics_account_hourly
       where hour >= :since and event_type in ('${MESSAGE_SENT}', '${MESSAGE_FAILED}') and account_id <> '${NO_ACCOUNT}'${forViewer(viewer)}
       group by account_id
     ) s on s.account_id = a.id
     where true${forViewer(viewer, 'a.user_id')}
     order by a.created_at, a.id`,
    { since, userId: viewer.userId },
  );
  return rows.map((r) => ({
    id: r.id as string,
    userId: r.user_id as string,
    name: r.name as string,
    platform: r.platform as string,
    status: r.status as string,
    groupsCount: r.groups_count as number,
    sent: r.sent as number,
    failed: r.failed as number,
  }));
}

/** One row of the daily export: a day's count of one event type for one account and chat. */
export interface DailyCount {
  date: string;
  userId: string;
  accountId: string | null;
  chatKey: string | null;
  eventType: string;
  count: number;
}

/** Every count of the UTC day `day`, in a stable order. */
export async function dailyCounts(db: Knex, viewer: Viewer, day: string): Promise<DailyCount[]> {
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `select user_id, account_id, chat_key, event_type, count::float8 as count from analytics_daily
     where day = :day::date${forViewer(viewer)}
     order by user_id, account_id, chat_key, event_type`,
    { day, userId: viewer.userId },
  );
  return rows.map((r) => ({
    date: day,
    userId: r.user_id as string,
    accountId: r.account_id === NO_ACCOUNT ? null : (r.account_id as string),
    chatKey: r.chat_key === '' ? null : (r.chat_key as string),
    eventType: r.event_type as string,
    count: r.count as number,
  }));
}

/** What the events feed may be filtered by. */
export interface EventFeedFilter {
  /** An exact type, or a prefix such as `message.*`. */
  type?: string;
  since?: Date;
  /** The public id of an event: only older ones (paging back). */
  before?: string;
  limit: number;
}

/** The viewer's events, newest first (by when they happened, then as recorded). */
export async function feedEvents(db: Knex, viewer: Viewer, filter: EventFeedFilter): Promise<LoggedEvent[]> {
  const query = db('events')
    .select('event_id', 'type', 'user_id', 'account_id', 'chat_key', 'data', 'created_at')
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(filter.limit);
  if (viewer.userId !== null) query.where('user_id', viewer.userId);
  if (filter.type?.endsWith('.*')) query.whereRaw('starts_with(type, ?)', [filter.type.slice(0, -1)]);
  else if (filter.type && filter.type !== '*') query.where('type', filter.type);
  if (filter.since) query.where('created_at', '>=', filter.since);
  if (filter.before) query.whereRaw('(created_at, id) < (select created_at, id from events where event_id = ?)', [filter.before]);
  return (await query).map(mapEventRow);
}

/**
 * The automation events (see AUTOMATION_EVENTS in domain/analytics). Written exactly as the
 * `events_automation` partial index's predicate, so PostgreSQL reads that index.
 */
const AUTOMATION_PREDICATE = `(type like 'broadcast.run.%' or type like 'drip.%' or type like 'webhook.%' or type in ('auto_reply.sent', 'welcome.sent', 'spam.action', 'abtest.completed', 'contact.opted_out', 'inbound.webhook'))`;

/** The viewer's newest `limit` automation events, newest first. */
export async function automationEvents(db: Knex, viewer: Viewer, limit: number): Promise<LoggedEvent[]> {
  const query = db('events')
    .select('event_id', 'type', 'user_id', 'account_id', 'chat_key', 'data', 'created_at')
    .whereRaw(AUTOMATION_PREDICATE)
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(limit);
  if (viewer.userId !== null) query.where('user_id', viewer.userId);
  return (await query).map(mapEventRow);
}
