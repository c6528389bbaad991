import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createApp } from '../api/app';
import { answerClientErrors } from '../api/middleware/client-errors';
import { Authenticator } from '../api/middleware/auth';
import { TtlCache } from '../api/ttl-cache';
import { TemporalOutbox } from '../services/temporal-outbox';
import type { Account } from '../db/repos/accounts.repo';
import { Channels, listen } from '../db/notifications';
import type { Config } from '../config';
import { createDb } from '../db/knex';
import { connectTemporalClient } from '../temporal/client';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { installTemporalRuntime } from '../temporal/runtime';
import type { DriverFactories } from '../worker/drivers';
import { bundleWorkflows, startWorker, type RunningWorker } from '../worker/worker';
import { SecretBox } from '../db/secret-box';
import { ensureSecretKey } from './bootstrap';
import { version } from './version';
import { WEB_DIST } from './web-build';
import { readSharedGaugesFrom } from '../metrics';

export interface RoleOptions {
  config: Config;
  databaseUrl: string;
  temporalAddress: string;
  logger: Logger;
  api: boolean;
  worker: boolean;
  /** Tests only: stand-ins for the platforms' network clients in the worker. */
  driverFactories?: DriverFactories;
}

/** The roles this process runs, and their shutdown steps. */
export interface RunningRoles {
  db: Knex;
  worker?: RunningWorker;
  server?: Server;
  /** Where the API listens, e.g. http://127.0.0.1:3000. */
  apiUrl?: string;
  /** Named stop steps, in order: stop accepting, drain, close connections. */
  stops: Array<[string, () => Promise<void>]>;
}

/** Starts the API and/or the worker against already running PostgreSQL and Temporal. */
export async function startRoles(options: RoleOptions): Promise<RunningRoles> {
  const { config, logger } = options;
  await installTemporalRuntime(logger);
  // Each role has its own pool, so a busy worker never leaves the API waiting for a connection.
  const db = createDb(options.databaseUrl, { max: 20 });
  const workerDb = options.worker && options.api ? createDb(options.databaseUrl, { max: 20 }) : db;
  const running: RunningRoles = { db, stops: [] };
  // One key seals session secrets for both roles: the API seals 2FA passwords the worker opens.
  const secrets = new SecretBox(ensureSecretKey(config));

  if (options.worker) {
    const workflowBundle = await bundleWorkflows(logger);
    running.worker = await startWorker({
      config,
      db: workerDb,
      databaseUrl: options.databaseUrl,
      temporalAddress: options.temporalAddress,
      workflowBundle,
      secrets,
      logger,
      driverFactories: options.driverFactories,
    });
  }
  if (options.api) {
    const temporal = await connectTemporalClient(options.temporalAddress, config.temporal);
    // Every workflow and schedule the API starts carries AutoHub's search attributes.
    await ensureSearchAttributes(temporal.connection, config.temporal.namespace);
    const auth = new Authenticator(db, logger.child({ module: 'auth' }));
    const accountsCache = new TtlCache<string, Account[]>(30_000);
    const forgetAll = () => {
      auth.forget();
      accountsCache.clear();
    };
    // Other processes' writes reach this process's caches through these notifications.
    const outbox = new TemporalOutbox(db, temporal.client, logger.child({ module: 'temporal-outbox' }));
    outbox.start();
    const changes = listen(
      options.databaseUrl,
      [Channels.apiKeys, Channels.accounts, Channels.temporalOutbox],
      (channel) => {
        if (channel === Channels.apiKeys) auth.forget();
        else if (channel === Channels.accounts) accountsCache.clear();
        else outbox.kick();
      },
      { logger, onReconnect: forgetAll },
    );
    const app = createApp({ config, db, temporal: temporal.client, logger, version, auth, accountsCache, outbox, secrets, webDist: WEB_DIST });
    const server = app.listen(config.port, config.host);
    answerClientErrors(server);
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const { port } = server.address() as AddressInfo;
    running.server = server;
    running.apiUrl = `http://127.0.0.1:${port}`;
    running.stops.push([
      'HTTP server',
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    ]);
    running.stops.push(['Temporal outbox', () => outbox.stop()]);
    running.stops.push(['Temporal client', temporal.close]);
    running.stops.push(['change listener', changes.close]);
    const stopSharedGauges = readSharedGaugesFrom(db, config.temporal.namespace, logger.child({ module: 'metrics' }));
    running.stops.push(['shared gauges', async () => stopSharedGauges()]);
  }
  if (running.worker) running.stops.push(['worker', running.worker.shutdown]);
  if (workerDb !== db) running.stops.push(['worker database pool', () => workerDb.destroy()]);
  running.stops.push(['database pool', () => db.destroy()]);
  return running;
}

/** Runs named stop steps in order, logging each; a failing step does not stop the others. */
export async function runStops(stops: Array<[string, () => Promise<void>]>, logger: Logger): Promise<void> {
  for (const [name, stop] of stops) {
    try {
      await stop();
      logger.info({ step: name }, 'stopped');
    } catch (err) {
      logger.error({ err, step: name }, 'stop step failed');
    }
  }
}
