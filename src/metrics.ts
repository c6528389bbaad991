/**
 * AutoHub's Prometheus metrics (prom-client), one registry per process, shared by its roles: the
 * API and the worker of `autohub start` answer `/metrics` with the same numbers. Counters and
 * histograms move where the work happens; gauges of shared state (accounts, the outbox, pending
 * webhook deliveries) are read from PostgreSQL when scraped, so every process reports the same
 * value (aggregate them with `max`, not `sum`); gauges of a worker's own state (its sessions and
 * leases) come from the sources its worker registers.
 */
import type { Knex } from 'knex';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Seconds: from a fast API answer to a slow scan page. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequests = new Counter({
  name: 'autohub_http_requests_total',
  help: 'API requests answered, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: 'autohub_http_request_duration_seconds',
  help: 'Time from a request to its answer, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const sends = new Counter({
  name: 'autohub_sends_total',
  help: 'Messages settled by the send path, by platform, origin (broadcast, auto_reply, drip …) and result (sent, failed)',
  labelNames: ['platform', 'origin', 'result'] as const,
  registers: [registry],
});

export const sendPauses = new Counter({
  name: 'autohub_send_pauses_total',
  help: "Sends that found their account's budget spent or paused and handed the rest of their run back to wait (reason budget), and FloodWait answers that paused an account (reason flood_wait)",
  labelNames: ['platform', 'reason'] as const,
  registers: [registry],
});

export const inboundEvents = new Counter({
  name: 'autohub_inbound_events_total',
  help: 'Inbound events stored for the pipeline, by type (message, join, leave …)',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const inboundActions = new Counter({
  name: 'autohub_inbound_actions_total',
  help: 'What the inbound pipeline decided for events, by feature (auto_reply, welcome, antispam …), action (send, warn, delete, ban …) and mode (live, dry_run)',
  labelNames: ['feature', 'action', 'mode'] as const,
  registers: [registry],
});

export const webhookAttempts = new Counter({
  name: 'autohub_webhook_attempts_total',
  help: 'Outbound webhook attempts, by result: delivered, retry (to be retried), failed (final), gone (410: hook disabled)',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const webhookDeliveryLag = new Histogram({
  name: 'autohub_webhook_delivery_lag_seconds',
  help: 'Time from an event to its delivery to a webhook, over every attempt it took',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36000],
  registers: [registry],
});

/** A worker's own state, summed over the workers of the process (a test may run several). */
export interface WorkerGaugeSource {
  sessions(): number;
  shardsHeld(): number;
}

const workerSources = new Set<WorkerGaugeSource>();

new Gauge({
  name: 'autohub_session_pool_sessions',
  help: "Live platform sessions in this process's session pool",
  registers: [registry],
  collect() {
    this.set(sum(workerSources, (s) => s.sessions()));
  },
});

new Gauge({
  name: 'autohub_shard_leases_held',
  help: 'Session shards whose lease this process holds and serves',
  registers: [registry],
  collect() {
    this.set(sum(workerSources, (s) => s.shardsHeld()));
  },
});

/** Counts `source` in the worker gauges until the returned function is called. */
export function addWorkerGauges(source: WorkerGaugeSource): () => void {
  workerSources.add(source);
  return () => workerSources.delete(source);
}

function sum<T>(items: Iterable<T>, value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}

/** Where the shared gauges are read from; the first role of the process to start sets it. */
let database: { db: Knex; namespace: string; logger: Logger } | undefined;

/**
 * Reads the shared gauges from `db` at each scrape (the outbox's of Temporal namespace
 * `namespace`), until the returned function is called. A second call while one is active keeps the
 * first: both roles of one process read the same database.
 */
export function readSharedGaugesFrom(db: Knex, namespace: string, logger: Logger): () => void {
  if (database) return () => {};
  const source = { db, namespace, logger };
  database = source;
  return () => {
    if (database === source) database = undefined;
  };
}

/**
 * One query for every shared gauge, so a scrape costs one round trip. A failing read leaves these
 * gauges out of that scrape (logged), rather than failing the scrape: Prometheus then still gets
 * the process's own metrics, and `/readyz` is what reports the database.
 */
async function readShared(): Promise<SharedRow | undefined> {
  if (!database) return undefined;
  const { db, namespace, logger } = database;
  try {
    const { rows } = await db.raw<{ rows: SharedRow[] }>(SHARED_QUERY, [namespace, namespace]);
    return rows[0];
  } catch (err) {
    logger.warn({ err }, 'metrics: reading the shared gauges failed');
    return undefined;
  }
}

interface SharedRow {
  accounts: Array<{ platform: string; status: string; count: number }> | null;
  paused: Array<{ platform: string; count: number }> | null;
  outbox_due: number;
  outbox_oldest_seconds: number | null;
  webhooks_pending: number;
  webhooks_oldest_seconds: number | null;
}

const SHARED_QUERY = `
  select
    (select json_agg(a) from (select platform, status, count(*)::int as count from accounts group by platform, status) a) as accounts,
    (select json_agg(p) from (
       select a.platform, count(*)::int as count from account_pacing ap join accounts a on a.id = ap.account_id
       where ap.paused_until > now() group by a.platform) p) as paused,
    (select count(*)::int from temporal_outbox where namespace = ? and next_attempt_at <= now()) as outbox_due,
    (select extract(epoch from now() - min(created_at))::float8 from temporal_outbox where namespace = ?) as outbox_oldest_seconds,
    (select count(*)::int from webhook_deliveries where status = 'pending') as webhooks_pending,
    (select extract(epoch from now() - min(created_at))::float8 from webhook_deliveries where status = 'pending') as webhooks_oldest_seconds`;

/** The shared row of the scrape in progress: the gauges below are collected one by one, from one read. */
let sharedRead: Promise<SharedRow | undefined> | undefined;
function shared(): Promise<SharedRow | undefined> {
  sharedRead ??= readShared().finally(() => setImmediate(() => (sharedRead = undefined)));
  return sharedRead;
}

function sharedGauge(name: string, help: string, labelNames: string[], fill: (gauge: Gauge, row: SharedRow) => void): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      const row = await shared();
      if (row) fill(this, row);
    },
  });
}

sharedGauge('autohub_accounts', 'Accounts by platform and status (connected, disconnected, restricted …)', ['platform', 'status'], (g, row) => {
  for (const a of row.accounts ?? []) g.set({ platform: a.platform, status: a.status }, a.count);
});
sharedGauge('autohub_accounts_send_paused', 'Accounts whose sends are paused now (a FloodWait), by platform', ['platform'], (g, row) => {
  for (const p of row.paused ?? []) g.set({ platform: p.platform }, p.count);
});
sharedGauge('autohub_temporal_outbox_due', 'Workflow starts and schedule syncs due in the outbox and not yet carried out', [], (g, row) => {
  g.set(row.outbox_due);
});
sharedGauge('autohub_temporal_outbox_oldest_age_seconds', 'Age of the oldest operation waiting in the outbox (0 when it is empty)', [], (g, row) => {
  g.set(row.outbox_oldest_seconds ?? 0);
});
sharedGauge('autohub_webhook_deliveries_pending', 'Webhook deliveries not yet delivered or given up', [], (g, row) => {
  g.set(row.webhooks_pending);
});
sharedGauge('autohub_webhook_deliveries_oldest_pending_age_seconds', 'Age of the oldest pending webhook delivery (0 when none is)', [], (g, row) => {
  g.set(row.webhooks_oldest_seconds ?? 0);
});
