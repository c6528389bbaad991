/**
 * Outbound webhooks, their deliveries (one per event and matching hook, queued by events.repo)
 * and every attempt made. A user sees their own hooks, an admin everyone's.
 *
 * A delivery is `pending` until it is `delivered` or `failed` for good. While pending, its
 * `dispatch_at` says when a dispatcher should take it up; a dispatcher claims it by pushing
 * `dispatch_at` beyond the time its attempt may take (a lease: should the dispatcher die, the
 * delivery is due again once it runs out), and sets it to null once a workflow carries it.
 */
import type { Knex } from 'knex';
import { Channels, notify } from '../notifications';
import { ownedBy, type Scope } from './scope';

/** A hook as the log holds it; its secrets sealed. */
export interface Webhook {
  id: string;
  userId: string;
  name: string;
  url: string;
  events: string[];
  sealedSecret: string;
  sealedPreviousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastFailure: string | null;
  lastFailureDeliveryId: string | null;
  lastFailureStatusCode: number | null;
  createdAt: Date;
  updatedAt: Date;
}

interface WebhookRow {
  id: string;
  user_id: string;
  name: string;
  url: string;
  events: string[];
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  enabled: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
  failing_since: Date | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  last_failure: string | null;
  last_failure_delivery_id: string | null;
  last_failure_status_code: number | null;
  created_at: Date;
  updated_at: Date;
}

const mapWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  url: r.url,
  events: r.events,
  sealedSecret: r.secret,
  sealedPreviousSecret: r.previous_secret,
  previousSecretExpiresAt: r.previous_secret_expires_at,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  consecutiveFailures: r.consecutive_failures,
  failingSince: r.failing_since,
  lastSuccessAt: r.last_success_at,
  lastFailureAt: r.last_failure_at,
  lastFailure: r.last_failure,
  lastFailureDeliveryId: r.last_failure_delivery_id,
  lastFailureStatusCode: r.last_failure_status_code,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function insertWebhook(db: Knex, userId: string, hook: { name: string; url: string; events: string[]; sealedSecret: string }): Promise<Webhook> {
  const [row] = await db('webhooks')
    .insert({ user_id: userId, name: hook.name, url: hook.url, events: hook.events, secret: hook.sealedSecret })
    .returning<WebhookRow[]>('*');
  return mapWebhook(row!);
}

export async function listWebhooks(db: Knex, scope: Scope): Promise<Webhook[]> {
  const rows = await ownedBy(db('webhooks'), scope).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).select<WebhookRow[]>('*');
  return rows.map(mapWebhook);
}

export async function findWebhook(db: Knex, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<Webhook | undefined> {
  const query = ownedBy(db('webhooks').where({ id }), scope);
  if (options.forUpdate) query.forUpdate();
  const row = await query.first<WebhookRow | undefined>('*');
  return row && mapWebhook(row);
}

/** What PUT may change, as stored. */
export interface WebhookPatch {
  name?: string;
  url?: string;
  events?: string[];
  /** A new secret: the current one stays valid until `previousSecretExpiresAt`. */
  rotate?: { sealedSecret: string; previousSecretExpiresAt: Date };
  /** true re-enables (its failure counters start again), false disables with `disabledReason`. */
  enabled?: boolean;
  disabledReason?: string;
}

export async function updateWebhook(db: Knex, id: string, patch: WebhookPatch): Promise<Webhook> {
  const changes: Record<string, unknown> = { updated_at: db.fn.now() };
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.url !== undefined) changes.url = patch.url;
  if (patch.events !== undefined) changes.events = patch.events;
  if (patch.rotate) {
    changes.previous_secret = db.ref('secret');
    changes.previous_secret_expires_at = patch.rotate.previousSecretExpiresAt;
    changes.secret = patch.rotate.sealedSecret;
  }
  if (patch.enabled === true) Object.assign(changes, { enabled: true, disabled_reason: null, consecutive_failures: 0, failing_since: null });
  if (patch.enabled === false) Object.assign(changes, { enabled: false, disabled_reason: patch.disabledReason ?? 'disabled by its owner' });
  const [row] = await db('webhooks').where({ id }).update(changes).returning<WebhookRow[]>('*');
  return mapWebhook(row!);
}

export async function deleteWebhook(db: Knex, id: string): Promise<void> {
  await db('webhooks').where({ id }).delete();
}

/**
 * Disables hook `id` with `reason` unless it is disabled already; answers the hook when this
 * call disabled it (its caller records `webhook.disabled`).
 */
export async function disableWebhook(db: Knex, id: string, reason: string): Promise<Webhook | undefined> {
  const [row] = await db('webhooks')
    .where({ id, enabled: true })
    .update({ enabled: false, disabled_reason: reason, updated_at: db.fn.now() })
    .returning<WebhookRow[]>('*');
  return row && mapWebhook(row);
}

/** A hook's deliveries by status. */
export interface DeliveryCounts {
  delivered: number;
  failed: number;
  pending: number;
}

export async function countDeliveries(db: Knex, webhookId: string): Promise<DeliveryCounts> {
  const rows = await db('webhook_deliveries').where({ webhook_id: webhookId }).groupBy('status').select<Array<{ status: keyof DeliveryCounts; n: string }>>('status', db.raw('count(*) as n'));
  const counts: DeliveryCounts = { delivered: 0, failed: 0, pending: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One attempt at a delivery, as the log shows it. */
export interface WebhookAttempt {
  attempt: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  at: Date;
}

/** A delivery with its event and attempts, as the log shows it. */
export interface LoggedDelivery {
  id: string;
  webhookId: string;
  webhookName: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
  attemptLog: WebhookAttempt[];
}

interface LoggedDeliveryRow {
  id: string;
  webhook_id: string;
  webhook_name: string;
  event_public_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
  created_at: Date;
}

/** The newest deliveries the scope sees, optionally of one hook or status, each with its attempts. */
export async function listDeliveries(
  db: Knex,
  scope: Scope,
  filter: { limit: number; webhookId?: string; status?: DeliveryStatus; ids?: string[] },
): Promise<LoggedDelivery[]> {
  const query = ownedBy(db('webhook_deliveries as d'), scope, 'd.user_id')
    .join('webhooks as w', 'w.id', 'd.webhook_id')
    .join('events as e', 'e.id', 'd.event_id')
    .orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.id', order: 'desc' }])
    .limit(filter.limit);
  if (filter.webhookId) query.where('d.webhook_id', filter.webhookId);
  if (filter.status) query.where('d.status', filter.status);
  if (filter.ids) query.whereIn('d.id', filter.ids);
  const rows = await query.select<LoggedDeliveryRow[]>(
    'd.id',
    'd.webhook_id',
    'w.name as webhook_name',
    'e.event_id as event_public_id',
    'e.type as event_type',
    'd.status',
    'd.attempts',
    'd.last_status_code',
    'd.last_error',
    'd.created_at',
    'd.updated_at',
    'd.delivered_at',
  );
  if (rows.length === 0) return [];
  const attempts = await db('webhook_attempts')
    .whereIn('delivery_id', rows.map((r) => r.id))
    .orderBy('id')
    .select<AttemptRow[]>('delivery_id', 'attempt', 'status_code', 'duration_ms', 'error', 'response_body', 'created_at');
  const byDelivery = new Map<string, WebhookAttempt[]>();
  for (const a of attempts) {
    const list = byDelivery.get(a.delivery_id) ?? [];
    list.push({ attempt: a.attempt, statusCode: a.status_code, durationMs: a.duration_ms, error: a.error, responseBody: a.response_body, at: a.created_at });
    byDelivery.set(a.delivery_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    webhookId: r.webhook_id,
    webhookName: r.webhook_name,
    eventId: r.event_public_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deliveredAt: r.delivered_at,
    attemptLog: byDelivery.get(r.id) ?? [],
  }));
}

/** The delivery `id` the scope sees, for replay. */
export async function findDelivery(db: Knex, scope: Scope, id: string): Promise<{ id: string; webhookId: string; status: DeliveryStatus; dispatchAt: Date | null } | undefined> {
  const row = await ownedBy(db('webhook_deliveries').where({ id }), scope).first<
    { id: string; webhook_id: string; status: DeliveryStatus; dispatch_at: Date | null } | undefined
  >('id', 'webhook_id', 'status', 'dispatch_at');
  return row && { id: row.id, webhookId: row.webhook_id, status: row.status, dispatchAt: row.dispatch_at };
}

/** The delivery of hook `webhookId` queued for the event of public id `eventId`. */
export async function deliveryOfEvent(db: Knex, webhookId: string, eventId: string): Promise<string | undefined> {
  const row = await db('webhook_deliveries as d')
    .join('events as e', 'e.id', 'd.event_id')
    .where({ 'd.webhook_id': webhookId, 'e.event_id': eventId })
    .first<{ id: string } | undefined>('d.id');
  return row?.id;
}

/**
 * Starts a new attempt series for the deliveries matched by `where` (replay, recover): the next
 * series, pending, due now; dispatchers are told when the transaction commits. Answers how many.
 */
export async function requeueDeliveries(db: Knex, where: (q: Knex.QueryBuilder) => void): Promise<number> {
  const count = await db('webhook_deliveries')
    .modify(where)
    .update({ series: db.raw('series + 1'), status: 'pending', dispatch_at: db.fn.now(), updated_at: db.fn.now(), delivered_at: null });
  if (count > 0) await notify(db, Channels.webhookDeliveries, '');
  return count;
}

/** What an attempt needs of a delivery, its event and its hook. */
export interface DeliveryWork {
  id: string;
  series: number;
  status: DeliveryStatus;
  /** Attempts made so far, over every series. */
  attempts: number;
  webhook: Pick<Webhook, 'id' | 'userId' | 'url' | 'enabled' | 'sealedSecret' | 'sealedPreviousSecret' | 'previousSecretExpiresAt'>;
  event: { id: string; type: string; userId: string; accountId: string | null; chatKey: string | null; data: Record<string, unknown>; createdAt: Date };
}

interface DeliveryWorkRow {
  id: string;
  series: number;
  status: DeliveryStatus;
  attempts: number;
  webhook_id: string;
  user_id: string;
  url: string;
  enabled: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  event_public_id: string;
  event_type: string;
  event_account_id: string | null;
  event_chat_key: string | null;
  event_data: Record<string, unknown>;
  event_created_at: Date;
}

const WORK_COLUMNS = `d.id, d.series, d.status, d.attempts, d.webhook_id, d.user_id, w.url, w.enabled, w.secret, w.previous_secret,
  w.previous_secret_expires_at, e.event_id as event_public_id, e.type as event_type, e.account_id as event_account_id,
  e.chat_key as event_chat_key, e.data as event_data, e.created_at as event_created_at`;

const mapWork = (r: DeliveryWorkRow): DeliveryWork => ({
  id: r.id,
  series: r.series,
  status: r.status,
  attempts: r.attempts,
  webhook: {
    id: r.webhook_id,
    userId: r.user_id,
    url: r.url,
    enabled: r.enabled,
    sealedSecret: r.secret,
    sealedPreviousSecret: r.previous_secret,
    previousSecretExpiresAt: r.previous_secret_expires_at,
  },
  event: { id: r.event_public_id, type: r.event_type, userId: r.user_id, accountId: r.event_account_id, chatKey: r.event_chat_key, data: r.event_data, createdAt: r.event_created_at },
});

/**
 * Claims up to `limit` due deliveries, oldest due first, skipping those another dispatcher is
 * claiming: each is not due again for `leaseMs`.
 */
export async function claimDueDeliveries(db: Knex, limit: number, leaseMs: number): Promise<DeliveryWork[]> {
  const { rows } = await db.raw<{ rows: DeliveryWorkRow[] }>(
    `update webhook_deliveries d set dispatch_at = now() + ?::interval
     from (select id from webhook_deliveries where dispatch_at <= now() order by dispatch_at limit ? for update skip locked) due,
          webhooks w, events e
     where d.id = due.id and w.id = d.webhook_id and e.id = d.event_id
     returning ${WORK_COLUMNS}`,
    [`${leaseMs} milliseconds`, limit],
  );
  return rows.map(mapWork);
}

/** Delivery `id` as an attempt needs it; undefined when it is gone (its hook deleted). */
export async function loadDeliveryWork(db: Knex, id: string): Promise<DeliveryWork | undefined> {
  const { rows } = await db.raw<{ rows: DeliveryWorkRow[] }>(
    `select ${WORK_COLUMNS} from webhook_deliveries d join webhooks w on w.id = d.webhook_id join events e on e.id = d.event_id where d.id = ?`,
    [id],
  );
  return rows[0] && mapWork(rows[0]);
}

/** Hands deliveries of these series over to their workflows: no dispatcher takes them up again. */
export async function releaseToWorkflows(db: Knex, deliveries: Array<{ id: string; series: number }>): Promise<void> {
  if (deliveries.length === 0) return;
  await db.raw(
    `update webhook_deliveries d set dispatch_at = null
     from jsonb_to_recordset(?::jsonb) as r(id uuid, series int)
     where d.id = r.id and d.series = r.series and d.status = 'pending'`,
    [JSON.stringify(deliveries)],
  );
}

/** Makes a pending delivery due for a dispatcher after `delayMs` (its series lost its workflow). */
export async function redispatchDelivery(db: Knex, id: string, delayMs: number): Promise<void> {
  await db('webhook_deliveries')
    .where({ id, status: 'pending' })
    .whereNull('dispatch_at')
    .update({ dispatch_at: db.raw(`now() + ?::interval`, [`${delayMs} milliseconds`]) });
}

/** One attempt made, and what it leaves the delivery at. */
export interface RecordedAttempt {
  deliveryId: string;
  series: number;
  attempt: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  /** `pending`: to be retried. */
  settle: DeliveryStatus;
}

/**
 * Records attempts and settles their deliveries (only those still pending in the same series: a
 * replay started meanwhile is not overwritten). Every attempt is logged either way.
 */
export async function recordAttempts(db: Knex, attempts: readonly RecordedAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  const rows = attempts.map((a) => ({
    delivery_id: a.deliveryId,
    series: a.series,
    attempt: a.attempt,
    status_code: a.statusCode,
    duration_ms: a.durationMs,
    error: a.error,
    response_body: a.responseBody,
    settle: a.settle,
  }));
  await db.raw(
    `with r as (
       select * from jsonb_to_recordset(?::jsonb)
         as r(delivery_id uuid, series int, attempt int, status_code int, duration_ms int, error text, response_body text, settle text)
     ), logged as (
       insert into webhook_attempts (delivery_id, attempt, status_code, duration_ms, error, response_body)
       select r.delivery_id, r.attempt, r.status_code, r.duration_ms, r.error, r.response_body
       from r join webhook_deliveries d on d.id = r.delivery_id
     )
     update webhook_deliveries d set
       attempts = d.attempts + 1, status = r.settle, last_status_code = r.status_code, last_error = r.error, updated_at = now(),
       delivered_at = case when r.settle = 'delivered' then now() else d.delivered_at end,
       dispatch_at = case when r.settle = 'pending' then d.dispatch_at else null end
     from r where d.id = r.delivery_id and d.series = r.series and d.status = 'pending'`,
    [JSON.stringify(rows)],
  );
}

/** Fails deliveries without an attempt (their hook was disabled), in these series only. */
export async function failDeliveries(db: Knex, deliveries: Array<{ id: string; series: number }>, error: string): Promise<void> {
  if (deliveries.length === 0) return;
  await db.raw(
    `update webhook_deliveries d set status = 'failed', last_error = ?, dispatch_at = null, updated_at = now()
     from jsonb_to_recordset(?::jsonb) as r(id uuid, series int)
     where d.id = r.id and d.series = r.series and d.status = 'pending'`,
    [error, JSON.stringify(deliveries)],
  );
}

/** What a batch of attempts did to one hook's health, in the order they were made. */
export interface HookHealthChange {
  webhookId: string;
  anySuccess: boolean;
  lastAttemptSucceeded: boolean;
  /** Deliveries failed for good since the last success of the batch (or in all of it, without one). */
  finalFailures: number;
  anyFailedAttempt: boolean;
  lastFailure?: { deliveryId: string; statusCode: number | null; error: string };
}

/** A hook's failure record after a change, to decide whether it is disabled. */
export interface HookHealth {
  id: string;
  enabled: boolean;
  consecutiveFailures: number;
  failingSince: Date | null;
}

/** Applies `change` to its hook's failure counters; undefined when the hook is gone. */
export async function updateHookHealth(db: Knex, change: HookHealthChange): Promise<HookHealth | undefined> {
  const failure = change.lastFailure;
  const [row] = await db('webhooks')
    .where({ id: change.webhookId })
    .update({
      consecutive_failures: change.anySuccess ? change.finalFailures : db.raw('consecutive_failures + ?', [change.finalFailures]),
      failing_since: change.lastAttemptSucceeded
        ? null
        : change.anySuccess
          ? db.fn.now()
          : change.anyFailedAttempt
            ? db.raw('coalesce(failing_since, now())')
            : db.ref('failing_since'),
      ...(change.anySuccess && { last_success_at: db.fn.now() }),
      ...(failure && {
        last_failure_at: db.fn.now(),
        last_failure: failure.error,
        last_failure_delivery_id: failure.deliveryId,
        last_failure_status_code: failure.statusCode,
      }),
    })
    .returning<Array<{ id: string; enabled: boolean; consecutive_failures: number; failing_since: Date | null }>>(['id', 'enabled', 'consecutive_failures', 'failing_since']);
  return row && { id: row.id, enabled: row.enabled, consecutiveFailures: row.consecutive_failures, failingSince: row.failing_since };
}
