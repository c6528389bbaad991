import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import knexFactory from 'knex';
import { loadConfig, type Config } from '../../src/config';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { createDb, migrateLatest, type Db } from '../../src/db/knex';
import { createLogger } from '../../src/logger';
import { bootstrapAdmin, ensureSecretKey } from '../../src/runtime/bootstrap';
import { runStops, startRoles, type RunningRoles } from '../../src/runtime/roles';
import { locateTemporalCli, startDevServer } from '../../src/temporal/dev-server';
import type { DriverFactories } from '../../src/worker/drivers';
import { installTemporalRuntime } from '../../src/temporal/runtime';

/** The whole AutoHub, running for the test run: real PostgreSQL, real Temporal, real HTTP. */
export interface Stack {
  baseUrl: string;
  adminKey: string;
  db: Db;
  config: Config;
  roles: RunningRoles;
  databaseUrl: string;
  temporalAddress: string;
}

const ADMIN_KEY = 'ahk_test_admin_key_for_the_whole_suite';

let stack: Promise<Stack> | undefined;
const stops: Array<[string, () => Promise<void>]> = [];
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'error');

/**
 * The stack of this test run, started on first use: `DATABASE_URL` / `TEMPORAL_ADDRESS` when set
 * (a fresh database is created on that server), otherwise an embedded PostgreSQL and a Temporal
 * dev server on free ports. Stopped by the root `afterAll` hook.
 */
export function getStack(options: StackOptions = {}): Promise<Stack> {
  stack ??= startStack(options);
  return stack;
}

/** How the stack's worker differs from production's, for the caller that starts it. */
export interface StackOptions {
  /** Benchmarks only: stand-ins for the platforms (see DriverFactories). */
  driverFactories?: DriverFactories;
  /** Whether this process runs the worker role too; without, the caller runs one of its own. @default true */
  worker?: boolean;
}

/** Stops whatever `getStack` started. */
export async function stopStack(): Promise<void> {
  if (!stack) return;
  await stack.catch(() => undefined);
  await runStops(stops.splice(0), logger);
  stack = undefined;
  temporalClient = undefined;
}

async function startStack(options: StackOptions): Promise<Stack> {
  await installTemporalRuntime(logger);
  const home = mkdtempSync(path.join(tmpdir(), 'autohub-test-'));
  // Run as root, the embedded PostgreSQL runs as `postgres`, which must be able to enter the home.
  chmodSync(home, 0o755);
  stops.push(['temporary home', async () => rmSync(home, { recursive: true, force: true })]);

  const databaseUrl = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : await startScratchPostgres(home);
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const server = await startDevServer({
      cliPath: locateTemporalCli(process.env.TEMPORAL_CLI_PATH),
      port: await freePort(),
      namespace: 'default',
    });
    stops.unshift(['Temporal dev server', server.stop]);
    temporalAddress = server.address;
  }

  const config = loadConfig({
    AUTOHUB_HOME: home,
    PORT: '0',
    HOST: '127.0.0.1',
    AUTOHUB_ADMIN_KEY: ADMIN_KEY,
    AUTOHUB_SANDBOX: 'true',
    // The worker's probes, on a free port (stack.roles.worker.healthUrl).
    WORKER_HTTP_PORT: '0',
    // Every answer of the suite is checked against its route's declared schema (benchmarks measure without, as production runs).
    AUTOHUB_VALIDATE_RESPONSES: process.env.AUTOHUB_VALIDATE_RESPONSES ?? 'true',
    // The tests serve their image URLs from 127.0.0.1.
    IMAGE_URL_ALLOW_PRIVATE: 'true',
    // The tests' webhook receivers listen on 127.0.0.1; their retries come within seconds, and a
    // hook is disabled after a few failed deliveries, so those paths are tested in real time.
    AUTOHUB_WEBHOOK_ALLOW_PRIVATE: 'true',
    AUTOHUB_WEBHOOK_RETRY_SCHEDULE: process.env.AUTOHUB_WEBHOOK_RETRY_SCHEDULE ?? '0.5,1,1.5,1,1,1,1',
    AUTOHUB_WEBHOOK_DISABLE_AFTER_FAILURES: process.env.AUTOHUB_WEBHOOK_DISABLE_AFTER_FAILURES ?? '5',
    // bench/webhooks measures both ways of making a delivery's first attempt.
    AUTOHUB_WEBHOOK_INLINE_FIRST_ATTEMPT: process.env.AUTOHUB_WEBHOOK_INLINE_FIRST_ATTEMPT ?? 'true',
    // Pacing waits over a second become durable timers, so the suite's short gaps take that path too
    // (benchmarks measuring real pacing set the production default).
    PACING_INLINE_WAIT_SECONDS: process.env.PACING_INLINE_WAIT_SECONDS ?? '1',
    // Every request of the suite is counted, as in production, under limits the suite's own
    // pace never reaches (tests of the limits start API processes with low ones).
    AUTOHUB_RATE_LIMIT_PER_MINUTE: process.env.AUTOHUB_RATE_LIMIT_PER_MINUTE ?? '1000000',
    AUTOHUB_RATE_LIMIT_IP_PER_MINUTE: process.env.AUTOHUB_RATE_LIMIT_IP_PER_MINUTE ?? '1000000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
  });
  const migrator = createDb(databaseUrl, { max: 1 });
  await migrateLatest(migrator);
  await bootstrapAdmin(migrator, config);
  await migrator.destroy();

  const roles = await startRoles({ config, databaseUrl, temporalAddress, logger, api: true, worker: options.worker ?? true, driverFactories: options.driverFactories });
  stops.unshift(...roles.stops);
  return { baseUrl: roles.apiUrl!, adminKey: ADMIN_KEY, db: roles.db, config, roles, databaseUrl, temporalAddress };
}

async function startScratchPostgres(home: string): Promise<string> {
  const pg = await startEmbeddedPostgres({ dataDir: path.join(home, 'pgdata'), port: await freePort() });
  stops.push(['embedded PostgreSQL', pg.stop]);
  return pg.url;
}

/** A new, empty database on the server of `serverUrl`, dropped when the run ends. */
async function createScratchDatabase(serverUrl: string): Promise<string> {
  const name = `autohub_test_${process.pid}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  stops.push([
    'scratch database',
    async () => {
      const dropper = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
      await dropper.raw(`drop database if exists ${name} with (force)`);
      await dropper.destroy();
    },
  ]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The environment of an `autohub api` or `autohub worker` process of its own on the stack's
 * database and Temporal, beside the stack's own roles: the same home and the same secret key, so
 * they seal and open the same session secrets. `extra` adds or overrides settings.
 */
export function stackProcessEnv(stack: Stack, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    AUTOHUB_HOME: stack.config.home,
    AUTOHUB_SECRET_KEY: ensureSecretKey(stack.config),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let temporalClient: Promise<Client> | undefined;

/** A Temporal client on the stack's server, for asserting on workflows and schedules. */
export function getTemporalClient(): Promise<Client> {
  temporalClient ??= getStack().then(async ({ temporalAddress }) => {
    const connection = await Connection.connect({ address: temporalAddress });
    stops.unshift(['test Temporal client', () => connection.close()]);
    return new Client({ connection });
  });
  return temporalClient;
}
