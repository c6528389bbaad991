/**
 * The event log: every domain event (`message.sent`, `inbound.message`, `webhook.disabled` …) is
 * written here, inside the transaction of the change that causes it, and in the same statement
 * its rollups are counted (daily per chat, hourly per account; rows upserted in key order so
 * concurrent emitters lock them in one order) and one webhook delivery is queued per matching
 * hook, its dispatchers notified at commit. Analytics read the rollups, webhooks their
 * deliveries and reports the log itself; none of them can miss an event that committed, nor see
 * one that did not.
 */
import type { Knex } from 'knex';
import { PayloadTooLargeError } from '../../errors';
import { Channels } from '../notifications';
import { numberedPlaceholders, queryPrepared } from '../prepared';

/** The largest event payload (its `data` as JSON) the log takes: what a webhook may carry. */
export const MAX_EVENT_PAYLOAD_BYTES = 256 * 1024;

/** The account id rollups use for events of no account. */
export const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

/** An event to record: for `userId`, or for the owner of `accountId` when only that is given. */
export interface NewEvent {
  type: string;
  data: object;
  userId?: string;
  accountId?: string | null;
  /** The chat the event concerns (a message's target, an inbound message's chat). */
  chatKey?: string | null;
  /** When it happened, for events recorded after the fact (imports, tests); now by default. */
  at?: Date;
}

/** Refused at emit time: an event whose payload no webhook could carry. */
export class EventPayloadTooLargeError extends PayloadTooLargeError {
  constructor(type: string, bytes: number) {
    super(`the ${type} event's data is ${bytes} bytes; at most ${MAX_EVENT_PAYLOAD_BYTES} are allowed`);
  }
}

/** The JSON of an event's data, refused when over {@link MAX_EVENT_PAYLOAD_BYTES}. */
export function eventPayload(type: string, data: object): string {
  const json = JSON.stringify(data);
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_EVENT_PAYLOAD_BYTES) throw new EventPayloadTooLargeError(type, bytes);
  return json;
}

/** The input CTE of {@link emitEvents}: the events given as one JSON parameter. */
const JSON_INPUT = `input as (
  select i.ord, coalesce(i.user_id, a.user_id) as user_id, i.account_id, i.type, i.data, i.chat_key, coalesce(i.at, now()) as created_at
  from rows from (jsonb_to_recordset(?::jsonb) as (user_id uuid, account_id uuid, type text, data jsonb, chat_key text, at timestamptz))
       with ordinality as i(user_id, account_id, type, data, chat_key, at, ord)
  left join accounts a on a.id = i.account_id
  where i.user_id is not null or a.id is not null
)`;

/**
 * The statement that records the events of `source` — CTEs ending with `input (ord, user_id,
 * account_id, type, data, chat_key, created_at)` — with their rollups and webhook deliveries;
 * its last three parameters are the hook the fan-out is restricted to (see {@link EmitOptions}),
 * twice, and whether to notify the dispatchers in the statement.
 */
const emitStatement = (source: string) => `
with ${source}, ev as (
  -- In the order given, so the log's ids follow it.
  insert into events (user_id, account_id, type, data, chat_key, created_at)
  select user_id, account_id, type, coalesce(data, '{}'::jsonb), chat_key, created_at from input order by ord
  returning id, event_id, user_id, account_id, type, chat_key, created_at
), daily as (
  insert into analytics_daily as d (user_id, account_id, chat_key, day, event_type, count)
  select user_id, coalesce(account_id, '${NO_ACCOUNT}'::uuid), coalesce(chat_key, ''), (created_at at time zone 'UTC')::date, type, count(*)
  from ev group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
  on conflict (user_id, account_id, chat_key, day, event_type) do update set count = d.count + excluded.count
), account_hourly as (
  insert into analytics_account_hourly as ah (user_id, account_id, hour, event_type, count)
  select user_id, coalesce(account_id, '${NO_ACCOUNT}'::uuid), date_trunc('hour', created_at), type, count(*)
  from ev group by 1, 2, 3, 4 order by 1, 2, 3, 4
  on conflict (user_id, account_id, hour, event_type) do update set count = ah.count + excluded.count
), hook_deliveries as (
  insert into webhook_deliveries (webhook_id, event_id, user_id)
  select w.id, ev.id, ev.user_id from ev join webhooks w on w.user_id = ev.user_id and w.enabled
  where case when ?::uuid is null then exists (
    select 1 from unnest(w.events) p
    where p = '*' or p = ev.type or (right(p, 2) = '.*' and starts_with(ev.type, left(p, -1)))
  ) else w.id = ?::uuid end
  returning id
)
select (select coalesce(json_agg(event_id order by id), '[]'::json) from ev) as event_ids,
       exists (select 1 from hook_deliveries) as queued,
       -- Inside a caller's transaction, dispatchers are told in the same round trip (the
       -- notification goes out at commit); an emit that is its own transaction tells them after it.
       (select pg_notify('${Channels.webhookDeliveries}', '') where exists (select 1 from hook_deliveries) and ?::boolean) as notified`;

/**
 * Wakes the webhook dispatchers, as a transaction of its own: one that also writes would hold
 * PostgreSQL's single NOTIFY lock until its commit is flushed, serializing every such commit.
 */
const NOTIFY_DISPATCHERS = `select pg_notify('${Channels.webhookDeliveries}', '')`;

const EMIT_SQL = emitStatement(JSON_INPUT);

/** Each emit statement's text with numbered placeholders, for {@link queryPrepared}. */
const preparedTexts = new Map<string, string>();

/** How {@link emitEvents} fans events out to webhooks. */
export interface EmitOptions {
  /**
   * Deliver the events to this hook alone (if enabled and its owner's), whatever it subscribes
   * to: a `webhook.test` reaches only the hook it tests. By default every matching enabled hook.
   */
  webhookId?: string;
}

/**
 * Records `events` inside `db` (the transaction of the change that causes them), counting them
 * in their rollups and queueing their webhook deliveries; dispatchers are told when it commits.
 * An event whose account is gone (and names no user) is dropped. Answers the public ids of the
 * events recorded, in order.
 */
export async function emitEvents(db: Knex, events: readonly NewEvent[], options: EmitOptions = {}): Promise<string[]> {
  if (events.length === 0) return [];
  const input = events.map((e) => ({
    user_id: e.userId ?? null,
    account_id: e.accountId ?? null,
    type: e.type,
    data: JSON.parse(eventPayload(e.type, e.data)) as unknown,
    chat_key: e.chatKey ?? null,
    at: e.at?.toISOString() ?? null,
  }));
  return runEmit(db, EMIT_SQL, [JSON.stringify(input)], options);
}

/**
 * Records, in one statement with the change that causes them, the events a writer's own SQL
 * produces: `ctes` are CTE definitions (a data-modifying one may come first) ending with `input`
 * of columns `ord, user_id, account_id, type, data, chat_key, created_at`; `bindings` are theirs.
 * For bulk writes (a contact import), whose rows need not travel to AutoHub and back as events.
 * The writer keeps each payload within {@link MAX_EVENT_PAYLOAD_BYTES}; `ctes` is a constant text
 * (the statement is prepared on every connection, once per text). Answers the events' ids.
 */
export async function emitEventsFrom(db: Knex, ctes: string, bindings: readonly Knex.RawBinding[]): Promise<string[]> {
  return runEmit(db, emitStatement(ctes), bindings, {});
}

/**
 * Runs an emit statement prepared (see {@link queryPrepared}): planning its CTEs costs several
 * times more than running them, and every send and inbound event runs one.
 */
async function runEmit(db: Knex, sql: string, bindings: readonly Knex.RawBinding[], options: EmitOptions): Promise<string[]> {
  let text = preparedTexts.get(sql);
  if (!text) preparedTexts.set(sql, (text = numberedPlaceholders(sql)));
  const inTransaction = db.isTransaction === true;
  const webhookId = options.webhookId ?? null;
  const [row] = await queryPrepared<{ event_ids: string[]; queued: boolean }>(db, text, [...bindings, webhookId, webhookId, inTransaction]);
  if (row!.queued && !inTransaction) await queryPrepared(db, NOTIFY_DISPATCHERS, []);
  return row!.event_ids;
}

/** Records one event (see {@link emitEvents}); answers its public id, or undefined when its account is gone. */
export async function emitEvent(db: Knex, event: NewEvent, options: EmitOptions = {}): Promise<string | undefined> {
  const [id] = await emitEvents(db, [event], options);
  return id;
}

/** An event as the log holds it. */
export interface LoggedEvent {
  id: string;
  type: string;
  userId: string | null;
  accountId: string | null;
  chatKey: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

interface EventRow {
  event_id: string;
  type: string;
  user_id: string | null;
  account_id: string | null;
  chat_key: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

export const mapEventRow = (r: EventRow): LoggedEvent => ({
  id: r.event_id,
  type: r.type,
  userId: r.user_id,
  accountId: r.account_id,
  chatKey: r.chat_key,
  data: r.data,
  createdAt: r.created_at,
});
