import { mkdirSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config';
import { createDb, migrateLatest } from './db/knex';
import { NotFoundError } from './errors';
import { createLogger, type Logger } from './logger';
import { bootstrapAdmin, ensureSecretKey, type AdminKey } from './runtime/bootstrap';
import { runStops, startRoles } from './runtime/roles';
import { serviceAddresses, startServices } from './runtime/services';
import { version } from './runtime/version';
import { ensureWebBuild } from './runtime/web-build';
import { TemporalCliNotFoundError } from './temporal/dev-server';
import { SearchAttributesMissingError } from './temporal/search-attributes';
import { installTemporalRuntime } from './temporal/runtime';
import { createUser, issueApiKey, revokeKey } from './services/users';

const USAGE = `autohub ${version}

Usage:
  autohub start                          everything on embedded defaults (or DATABASE_URL / TEMPORAL_ADDRESS)
  autohub api                            the HTTP API only (runs pending migrations first)
  autohub worker                         the Temporal worker and session pool only
  autohub migrate                        apply pending database migrations
  autohub users create --name N [--admin]  create a user; prints its API key
  autohub keys issue --user USER_ID      issue another API key; prints it
  autohub keys revoke KEY_ID             revoke an API key
`;

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (command) {
    case 'start':
      return runStart(config, logger);
    case 'api':
      return runRoles(config, logger, { api: true, worker: false });
    case 'worker':
      return runRoles(config, logger, { api: false, worker: true });
    case 'migrate':
      return withDb(config, async (db) => {
        const applied = await migrateLatest(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      });
    case 'users':
      if (sub !== 'create') break;
      return withDb(config, async (db) => {
        const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, admin: { type: 'boolean' } } });
        if (!values.name) throw new UsageError('users create needs --name');
        const { user, token } = await createUser(db, { name: values.name, role: values.admin ? 'admin' : 'user' });
        console.log(`user ${user.id} (${user.role}) created\napi key: ${token}`);
      });
    case 'keys':
      if (sub === 'issue') {
        return withDb(config, async (db) => {
          const { values } = parseArgs({ args: rest, options: { user: { type: 'string' } } });
          if (!values.user) throw new UsageError('keys issue needs --user USER_ID');
          const issued = await issueApiKey(db, values.user).catch(notFoundAs(`no user ${values.user}`));
          console.log(`key ${issued.keyId} issued for ${issued.user.name}\napi key: ${issued.token}`);
        });
      }
      if (sub === 'revoke' && rest[0]) {
        const keyId = rest[0];
        return withDb(config, async (db) => {
          await revokeKey(db, keyId).catch(notFoundAs(`no key ${keyId}`));
          console.log(`key ${keyId} revoked`);
        });
      }
      break;
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return;
  }
  throw new UsageError(`unknown command: ${argv.join(' ')}`);
}

/** Embedded services, migrations, the bootstrap admin, the worker and the API, in one process tree. */
async function runStart(config: Config, logger: Logger): Promise<void> {
  mkdirSync(config.home, { recursive: true });
  // The one directory `photo_path` may name: made here so users know where to put files.
  mkdirSync(config.uploadDir, { recursive: true });
  ensureSecretKey(config);
  // Before anything starts, so a failed build stops here rather than leaving services behind.
  await ensureWebBuild(logger);
  await installTemporalRuntime(logger);
  // Installed before anything starts: the embedded services are in their own process groups, so
  // a Ctrl-C must reach them through us, also while we are still starting.
  const stops: Array<[string, () => Promise<void>]> = [];
  const shutdown = installShutdown(logger, config.workerShutdownGraceSeconds, () => runStops(stops, logger));
  const services = await startServices(config, logger);
  stops.push(...services.stops);
  const db = createDb(services.databaseUrl, { max: 2 });
  await migrateLatest(db);
  const admin = await bootstrapAdmin(db, config);
  await db.destroy();
  const roles = await startRoles({ ...services, config, logger, api: true, worker: true });
  // The API stops accepting, then the worker drains, then the services they used stop.
  stops.unshift(...roles.stops);
  shutdown.running();
  printBanner(config, admin);
}

async function runRoles(config: Config, logger: Logger, which: { api: boolean; worker: boolean }): Promise<void> {
  const addresses = serviceAddresses(config);
  let admin: AdminKey | undefined;
  if (which.api) {
    await withDb(config, async (db) => {
      await migrateLatest(db);
      admin = await bootstrapAdmin(db, config);
    });
  }
  const roles = await startRoles({ ...addresses, config, logger, ...which });
  installShutdown(logger, config.workerShutdownGraceSeconds, () => runStops(roles.stops, logger)).running();
  if (admin?.created) console.log(`bootstrap admin API key: ${admin.token}`);
  logger.info({ api: roles.apiUrl, worker: which.worker }, 'autohub running');
}

function printBanner(config: Config, admin: AdminKey): void {
  const key = admin.token
    ? `${admin.token}${admin.created && !config.adminKey ? `   (saved in ${admin.file})` : ''}`
    : `(set when the database was created; see ${admin.file} or AUTOHUB_ADMIN_KEY)`;
  console.log(
    [
      '',
      `  AutoHub ${version} is running`,
      `  Dashboard    ${config.publicUrl}/`,
      `  API          ${config.publicUrl}/api`,
      `  API docs     ${config.publicUrl}/docs`,
      `  Metrics      ${config.publicUrl}/metrics${config.metricsToken ? '   (Authorization: Bearer $METRICS_TOKEN)' : ''}`,
      `  Temporal UI  ${config.temporal.uiUrl}`,
      `  Admin key    ${key}`,
      `  Sandbox      ${config.sandbox ? 'on' : 'off'}`,
      '',
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/** Time a shutdown may take beyond the worker's drain: closing connections, stopping the embedded services. */
const SHUTDOWN_MARGIN_SECONDS = 30;

/**
 * The answer to SIGINT and SIGTERM. The first one while running stops everything in order;
 * one while starting, or a second one while stopping, exits at once (the embedded services'
 * exit hooks stop them). A watchdog exits a shutdown that outlasts the worker's drain time.
 * Call `running()` once everything has started.
 */
function installShutdown(logger: Logger, drainSeconds: number, shutdown: () => Promise<void>): { running(): void } {
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  const exitAtOnce = (signal: NodeJS.Signals, message: string) => {
    logger.warn({ signal }, message);
    process.exit(128 + (osConstants.signals[signal] ?? 0));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (phase === 'starting') return exitAtOnce(signal, 'interrupted while starting: stopping now');
    if (phase === 'stopping') return exitAtOnce(signal, 'stopping now, without waiting for work in flight');
    phase = 'stopping';
    logger.info({ signal }, 'shutting down (press Ctrl-C again to stop at once)');
    const limit = drainSeconds + SHUTDOWN_MARGIN_SECONDS;
    setTimeout(() => {
      logger.error({ seconds: limit }, 'shutdown took too long: stopping now');
      process.exit(1);
    }, limit * 1000).unref();
    void shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    running: () => {
      if (phase === 'starting') phase = 'running';
    },
  };
}

async function withDb(config: Config, work: (db: ReturnType<typeof createDb>) => Promise<void>): Promise<void> {
  const db = createDb(serviceAddresses(config).databaseUrl, { max: 2 });
  try {
    await work(db);
  } finally {
    await db.destroy();
  }
}

/** A command line that cannot be carried out; printed without a stack. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Turns a service's NotFoundError into a UsageError saying `message`; other errors pass. */
function notFoundAs(message: string): (err: unknown) => never {
  return (err) => {
    throw err instanceof NotFoundError ? new UsageError(message) : err;
  };
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const explained = [ConfigError, UsageError, TemporalCliNotFoundError, SearchAttributesMissingError];
  if (err instanceof Error && explained.some((type) => err instanceof type)) {
    console.error(err.message);
    if (err instanceof UsageError) console.error(`\n${USAGE}`);
  } else {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  }
  process.exit(1);
});
