import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE_MS, parseRetrySchedule } from './domain/webhook-retry';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

/** Every environment setting AutoHub reads. Nothing else reads `process.env`. */
const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Public base URL printed at start-up and used in docs; defaults to http://localhost:PORT. */
  AUTOHUB_PUBLIC_URL: z.string().url().optional(),
  AUTOHUB_HOME: z.string().default('./.autohub'),
  DATABASE_URL: z.string().url().optional(),
  /** Port of the embedded PostgreSQL; not 5432, so it never clashes with a system PostgreSQL. */
  EMBEDDED_PG_PORT: port.default(54329),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_CLI_PATH: z.string().optional(),
  /** TLS to an external Temporal server; on by itself when a CA, client certificate or API key is given. */
  TEMPORAL_TLS: boolean.optional(),
  /** PEM file of the CA that signed the server's certificate (the system's CAs otherwise). */
  TEMPORAL_TLS_CA_PATH: z.string().optional(),
  /** PEM files of the client certificate and its key, for mTLS. */
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  /** The name the server's certificate is checked against, when it is not the address's host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** API key for Temporal Cloud (or a server that authorizes by bearer token). */
  TEMPORAL_API_KEY: z.string().optional(),
  /** gRPC port of the embedded Temporal dev server. */
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Where operators open the Temporal UI; defaults to the embedded server's UI. */
  TEMPORAL_UI_URL: z.string().url().optional(),
  AUTOHUB_ADMIN_KEY: z.string().min(16).optional(),
  /** 32 bytes as 64 hex characters; embedded mode generates one under AUTOHUB_HOME. */
  AUTOHUB_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
    .optional(),
  AUTOHUB_SANDBOX: boolean.default(true),
  /** Check every answer against its route's declared schema (the test suite turns it on). */
  AUTOHUB_VALIDATE_RESPONSES: boolean.default(false),
  SESSION_SHARDS: z.coerce.number().int().min(1).max(1024).default(1),
  /** Comma-separated shard numbers this worker serves; all shards when unset. */
  WORKER_SHARDS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated shard numbers')
    .optional(),
  /** This worker's name among the namespace's workers (its shard leases' owner); unique per process. */
  WORKER_ID: z.string().regex(/^[\w.:@/-]{1,200}$/, 'letters, digits and . : @ / - _ only (at most 200)').optional(),
  /** Send and session activities one worker runs at once on each session shard it serves. */
  WORKER_SESSION_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Port of the worker role's probes (/healthz, /readyz) on HOST; none when unset. */
  WORKER_HTTP_PORT: port.optional(),
  /** Bearer token `/metrics` requires (API and worker ports); open without it. */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** Requests per minute one API key may make (admins may set a key's own); 0 turns the limit off. */
  AUTOHUB_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(1200),
  /** Requests per minute one client address may make to the routes that take no key (inbound webhooks); 0: off. */
  AUTOHUB_RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(600),
  /**
   * Whether X-Forwarded-For/-Proto/-Host are believed: `false` (default) for a server clients reach
   * directly, `true` behind a proxy that sets them, or the number of proxies in front.
   */
  AUTOHUB_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|[1-9]\d{0,1})$/, 'must be true, false or the number of proxies in front (1-99)')
    .default('false'),
  /** Origins browsers may call the API from (comma-separated, or `*`); unset: no CORS headers at all. */
  AUTOHUB_CORS_ORIGINS: z
    .string()
    .regex(/^(\*|https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*)$/, 'must be * or comma-separated origins such as https://app.example.com')
    .optional(),
  /** Seconds a stopping worker lets in-flight activities finish before cancelling them. */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Longest wait for a send's pacing slot spent inside an activity; longer ones are durable timers. */
  PACING_INLINE_WAIT_SECONDS: z.coerce.number().min(0.1).max(300).default(10),
  AUTOHUB_UPLOAD_DIR: z.string().optional(),
  /** Time limit of fetching a broadcast's image_url (or an image's url), connecting and reading. */
  IMAGE_FETCH_TIMEOUT_SECONDS: z.coerce.number().min(1).max(120).default(15),
  /** Lets image URLs lead to loopback, private and link-local addresses; off, only public addresses are fetched. */
  IMAGE_URL_ALLOW_PRIVATE: boolean.default(false),
  /** Lets webhook URLs lead to loopback, private and link-local addresses; off, deliveries go to public addresses only. */
  AUTOHUB_WEBHOOK_ALLOW_PRIVATE: boolean.default(false),
  /** Waits before each retry of a failed webhook delivery, in seconds, comma-separated (±10 % jitter each). */
  AUTOHUB_WEBHOOK_RETRY_SCHEDULE: z.string().optional(),
  /** Time limit of one delivery attempt: connecting, sending and reading the answer. */
  AUTOHUB_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(1).max(60).default(15),
  /** Consecutive deliveries that failed for good after which a hook is disabled. */
  AUTOHUB_WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Days a hook may keep failing every attempt before it is disabled. */
  AUTOHUB_WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().min(0.0001).max(365).default(5),
  /**
   * The worker makes each delivery's first attempt itself and starts its workflow only for the
   * retries (fast); false: every delivery is a workflow from its first attempt.
   */
  AUTOHUB_WEBHOOK_INLINE_FIRST_ATTEMPT: boolean.default(true),
  /** Webhook deliveries a worker has in flight at once. */
  AUTOHUB_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TELEGRAM_API_ID: z.coerce.number().int().positive().optional(),
  TELEGRAM_API_HASH: z.string().optional(),
  /** Days received WhatsApp messages are kept for search; the worker prunes older ones hourly. */
  INBOUND_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /**
   * Seconds an inbound event's workflow start is held back while the worker that received the
   * event acts on it itself; 0 leaves every event to its workflow (slower, shown in Temporal).
   */
  INBOUND_HANDOVER_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Inbound events a worker acts on at the same time (the rest wait, or past 1,000 go to their workflows). */
  INBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** How long a scan request waits for its result before answering 202 with a job id. */
  SCAN_WAIT_SECONDS: z.coerce.number().min(0).max(300).default(20),
  /** search-reply never answers the same user for the same keywords twice within this many days. */
  SEARCH_REPLY_WINDOW_DAYS: z.coerce.number().positive().max(3650).default(30),
  /** Time limit of each optional discovery source (TGStat, web search, SearcheeBot). */
  DISCOVER_SOURCE_TIMEOUT_SECONDS: z.coerce.number().min(1).max(60).default(5),
  /** TGStat search API token; without it the TGStat discovery source reports itself unconfigured. */
  TGSTAT_TOKEN: z.string().optional(),
});

/** The name of an environment setting AutoHub reads. */
export type SettingName = keyof z.input<typeof EnvSchema>;

/**
 * The name of every environment variable AutoHub reads, so that what sets them (the Kubernetes
 * manifests under deploy/) can be checked against it.
 */
export const SETTING_NAMES: readonly SettingName[] = Object.freeze(Object.keys(EnvSchema.shape) as SettingName[]);

/**
 * The settings every API and worker process of a deployment on its own PostgreSQL and Temporal
 * is given, and given alike: without DATABASE_URL or TEMPORAL_ADDRESS a role looks for the
 * embedded services on localhost; AUTOHUB_SECRET_KEY is required with DATABASE_URL and another
 * key could not open the other processes' sessions; a different TEMPORAL_NAMESPACE or
 * SESSION_SHARDS would put accounts on task queues nobody serves.
 */
export const SHARED_ROLE_SETTINGS = [
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'AUTOHUB_SECRET_KEY',
  'SESSION_SHARDS',
] as const satisfies readonly SettingName[];

/**
 * What the API is given besides, in such a deployment: the first admin's key (otherwise one is
 * generated into the AUTOHUB_HOME of whichever process creates the database first).
 */
export const API_ROLE_SETTINGS = ['AUTOHUB_ADMIN_KEY'] as const satisfies readonly SettingName[];

/**
 * What each worker is given besides: the shards it serves (all of them when unset, which leaves
 * the others standing by) and the port of its /healthz and /readyz, which nothing else exposes.
 */
export const WORKER_ROLE_SETTINGS = ['WORKER_SHARDS', 'WORKER_HTTP_PORT'] as const satisfies readonly SettingName[];

/** AutoHub's settings, parsed and validated once. */
export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  home: string;
  databaseUrl: string | undefined;
  embeddedPgPort: number;
  temporal: {
    address: string | undefined;
    namespace: string;
    /** How to reach an external Temporal server securely; undefined for plain connections. */
    tls: TemporalTls | undefined;
    apiKey: string | undefined;
    cliPath: string | undefined;
    port: number;
    uiPort: number;
    uiUrl: string;
  };
  adminKey: string | undefined;
  secretKey: string | undefined;
  sandbox: boolean;
  /** Answers that do not match their route's declared schema fail with 500 (and a log line naming the drift). */
  validateResponses: boolean;
  sessionShards: number;
  workerShards: number[];
  /** The worker's name as its shard leases' owner; a fresh `host-pid-random` when unset. */
  workerId: string | undefined;
  /** Activities a worker runs at once per session shard. @default 500 */
  workerSessionActivities: number;
  /** Seconds a stopping worker drains in-flight activities. @default 30 */
  workerShutdownGraceSeconds: number;
  /** Port of the worker's probes; undefined runs none (0 picks a free port). */
  workerHttpPort: number | undefined;
  /** The bearer token `/metrics` requires; undefined leaves it open. */
  metricsToken: string | undefined;
  /** How the API meets clients: proxies, browsers, rate limits. */
  http: HttpConfig;
  /** Longest wait for a pacing slot inside an activity, in ms. @default 10_000 */
  pacingInlineWaitMs: number;
  uploadDir: string;
  /** How image URLs are fetched. */
  imageFetch: {
    /** @default 15 */
    timeoutSeconds: number;
    /** @default false */
    allowPrivate: boolean;
  };
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  telegram: { apiId: number | undefined; apiHash: string | undefined };
  /** Days received WhatsApp messages are kept for search. @default 30 */
  inboundRetentionDays: number;
  /** How the worker acts on inbound events itself before their workflows (see worker/inbound-actor). */
  inbound: {
    /** 0: every event goes to its workflow at once. @default 30_000 */
    handoverDelayMs: number;
    /** @default 8 */
    concurrency: number;
  };
  scan: ScanConfig;
  webhooks: WebhookConfig;
}

/** How the API meets its clients. */
export interface HttpConfig {
  /** Proxies in front whose X-Forwarded-* headers are believed; 0 believes none. @default 0 */
  trustedProxies: number;
  /** Origins allowed by CORS, `*` for any; undefined sends no CORS headers. */
  corsOrigins: string[] | '*' | undefined;
  /** Requests per minute per API key; 0: unlimited. @default 1200 */
  rateLimitPerKey: number;
  /** Requests per minute per client address on routes without a key; 0: unlimited. @default 600 */
  rateLimitPerIp: number;
}

/** How outbound webhooks are delivered. */
export interface WebhookConfig {
  /** @default false */
  allowPrivate: boolean;
  /** Waits before retries 1, 2, … in ms. @default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h */
  retryScheduleMs: number[];
  /** @default 15_000 */
  timeoutMs: number;
  /** @default 100 */
  disableAfterFailures: number;
  /** @default 5 days */
  disableAfterMs: number;
  /** @default true */
  inlineFirstAttempt: boolean;
  /** @default 200 */
  concurrency: number;
}

/** TLS to Temporal, as the SDK's connections take it (file contents, read at start-up). */
export interface TemporalTls {
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
  serverNameOverride?: string;
}

/** Settings of scans, search-reply and discovery. */
export interface ScanConfig {
  /** @default 20 */
  waitSeconds: number;
  /** @default 30 */
  replyWindowDays: number;
  /** @default 5 */
  sourceTimeoutSeconds: number;
  tgstatToken: string | undefined;
}

/** Thrown when the environment holds invalid settings; lists every problem at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses settings from `env` (the process environment by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`FOO=` in a .env or compose file) means "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const home = path.resolve(e.AUTOHUB_HOME);
  const shards = e.WORKER_SHARDS
    ? [...new Set(e.WORKER_SHARDS.split(',').map(Number))]
    : Array.from({ length: e.SESSION_SHARDS }, (_, i) => i);
  const problems: string[] = [];
  const outOfRange = shards.filter((s) => s >= e.SESSION_SHARDS);
  if (outOfRange.length > 0) problems.push(`WORKER_SHARDS: shards ${outOfRange.join(',')} are >= SESSION_SHARDS (${e.SESSION_SHARDS})`);
  if (e.DATABASE_URL && !e.AUTOHUB_SECRET_KEY) {
    problems.push(
      'AUTOHUB_SECRET_KEY: required with DATABASE_URL: every API and worker on that database must seal and open session ' +
        'secrets with the same key (64 hex characters, e.g. from `openssl rand -hex 32`)',
    );
  }
  const retrySchedule = e.AUTOHUB_WEBHOOK_RETRY_SCHEDULE === undefined ? [...DEFAULT_RETRY_SCHEDULE_MS] : parseRetrySchedule(e.AUTOHUB_WEBHOOK_RETRY_SCHEDULE);
  if (typeof retrySchedule === 'string') problems.push(`AUTOHUB_WEBHOOK_RETRY_SCHEDULE: ${retrySchedule}`);
  const tls = temporalTls(e, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.AUTOHUB_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    home,
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      tls,
      apiKey: e.TEMPORAL_API_KEY,
      cliPath: e.TEMPORAL_CLI_PATH,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
    },
    adminKey: e.AUTOHUB_ADMIN_KEY,
    secretKey: e.AUTOHUB_SECRET_KEY,
    sandbox: e.AUTOHUB_SANDBOX,
    validateResponses: e.AUTOHUB_VALIDATE_RESPONSES,
    sessionShards: e.SESSION_SHARDS,
    workerShards: shards,
    workerId: e.WORKER_ID,
    workerSessionActivities: e.WORKER_SESSION_ACTIVITIES,
    workerShutdownGraceSeconds: e.WORKER_SHUTDOWN_GRACE_SECONDS,
    workerHttpPort: e.WORKER_HTTP_PORT,
    metricsToken: e.METRICS_TOKEN,
    http: {
      // `true` believes the nearest proxy's headers, as Koa's `proxy` alone does.
      trustedProxies: e.AUTOHUB_TRUST_PROXY === 'false' ? 0 : e.AUTOHUB_TRUST_PROXY === 'true' ? 1 : Number(e.AUTOHUB_TRUST_PROXY),
      corsOrigins: e.AUTOHUB_CORS_ORIGINS === undefined ? undefined : e.AUTOHUB_CORS_ORIGINS === '*' ? '*' : e.AUTOHUB_CORS_ORIGINS.split(','),
      rateLimitPerKey: e.AUTOHUB_RATE_LIMIT_PER_MINUTE,
      rateLimitPerIp: e.AUTOHUB_RATE_LIMIT_IP_PER_MINUTE,
    },
    pacingInlineWaitMs: e.PACING_INLINE_WAIT_SECONDS * 1000,
    uploadDir: path.resolve(e.AUTOHUB_UPLOAD_DIR ?? path.join(home, 'uploads')),
    imageFetch: { timeoutSeconds: e.IMAGE_FETCH_TIMEOUT_SECONDS, allowPrivate: e.IMAGE_URL_ALLOW_PRIVATE },
    logLevel: e.LOG_LEVEL,
    telegram: { apiId: e.TELEGRAM_API_ID, apiHash: e.TELEGRAM_API_HASH },
    inboundRetentionDays: e.INBOUND_RETENTION_DAYS,
    inbound: { handoverDelayMs: e.INBOUND_HANDOVER_SECONDS * 1000, concurrency: e.INBOUND_CONCURRENCY },
    scan: {
      waitSeconds: e.SCAN_WAIT_SECONDS,
      replyWindowDays: e.SEARCH_REPLY_WINDOW_DAYS,
      sourceTimeoutSeconds: e.DISCOVER_SOURCE_TIMEOUT_SECONDS,
      tgstatToken: e.TGSTAT_TOKEN,
    },
    webhooks: {
      allowPrivate: e.AUTOHUB_WEBHOOK_ALLOW_PRIVATE,
      retryScheduleMs: retrySchedule as number[],
      timeoutMs: e.AUTOHUB_WEBHOOK_TIMEOUT_SECONDS * 1000,
      disableAfterFailures: e.AUTOHUB_WEBHOOK_DISABLE_AFTER_FAILURES,
      disableAfterMs: e.AUTOHUB_WEBHOOK_DISABLE_AFTER_DAYS * 86_400_000,
      inlineFirstAttempt: e.AUTOHUB_WEBHOOK_INLINE_FIRST_ATTEMPT,
      concurrency: e.AUTOHUB_WEBHOOK_CONCURRENCY,
    },
  };
}

/** The TLS settings of an external Temporal server, their files read; problems are added to `problems`. */
function temporalTls(e: z.infer<typeof EnvSchema>, problems: string[]): TemporalTls | undefined {
  const secure = [e.TEMPORAL_TLS_CA_PATH, e.TEMPORAL_TLS_CERT_PATH, e.TEMPORAL_TLS_KEY_PATH, e.TEMPORAL_TLS_SERVER_NAME];
  const given = e.TEMPORAL_TLS !== undefined || e.TEMPORAL_API_KEY !== undefined || secure.some((v) => v !== undefined);
  if (given && !e.TEMPORAL_ADDRESS) {
    problems.push('TEMPORAL_TLS*, TEMPORAL_API_KEY: apply to an external Temporal server only; set TEMPORAL_ADDRESS');
    return undefined;
  }
  if (e.TEMPORAL_TLS === false) {
    if (secure.some((v) => v !== undefined)) problems.push('TEMPORAL_TLS: false, but TLS files or a server name are given');
    return undefined;
  }
  if (!e.TEMPORAL_TLS && e.TEMPORAL_API_KEY === undefined && secure.every((v) => v === undefined)) return undefined;
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    problems.push('TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH: give both (the client certificate and its key) or neither');
  }
  const read = (name: string, file: string | undefined): Buffer | undefined => {
    if (file === undefined) return undefined;
    try {
      const pem = readFileSync(file);
      if (!pem.toString('utf8').includes('-----BEGIN ')) problems.push(`${name}: ${file} is not a PEM file`);
      return pem;
    } catch (err) {
      problems.push(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return undefined;
    }
  };
  const ca = read('TEMPORAL_TLS_CA_PATH', e.TEMPORAL_TLS_CA_PATH);
  const crt = read('TEMPORAL_TLS_CERT_PATH', e.TEMPORAL_TLS_CERT_PATH);
  const key = read('TEMPORAL_TLS_KEY_PATH', e.TEMPORAL_TLS_KEY_PATH);
  return {
    ...(ca && { serverRootCACertificate: ca }),
    ...(crt && key && { clientCertPair: { crt, key } }),
    ...(e.TEMPORAL_TLS_SERVER_NAME && { serverNameOverride: e.TEMPORAL_TLS_SERVER_NAME }),
  };
}
