import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { ServiceProcess } from '../service-process';
import { ensureSearchAttributes, SEARCH_ATTRIBUTE_NAMES } from './search-attributes';

/** A running local Temporal dev server. */
export interface DevServer {
  address: string;
  /** Process id of the server, which leads its own process group. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Thrown when no Temporal CLI can be found or fetched for the embedded server. */
export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
  constructor(cause: unknown) {
    super(
      'No Temporal CLI found for the embedded Temporal server. Do one of:\n' +
        '  1. set TEMPORAL_CLI_PATH to a `temporal` binary;\n' +
        '  2. put `temporal` on PATH (offline with Go: `CGO_ENABLED=0 go install github.com/temporalio/cli/cmd/temporal@v1.5.1`);\n' +
        '  3. allow the Temporal SDK to download its cached CLI (needs internet);\n' +
        '  or set TEMPORAL_ADDRESS to use a Temporal server you run yourself.',
      { cause },
    );
  }
}

/** The `temporal` binary to run: TEMPORAL_CLI_PATH, then PATH; undefined means "let the SDK download". */
export function locateTemporalCli(cliPath: string | undefined, searchPath = process.env.PATH ?? ''): string | undefined {
  if (cliPath) return cliPath;
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'temporal');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** What the dev server is asked to be. */
export interface DevServerOptions {
  /** The `temporal` binary; undefined downloads the SDK's cached CLI into `downloadDir`. */
  cliPath: string | undefined;
  /** Where the SDK's CLI download is kept. @default the system's temporary directory */
  downloadDir?: string;
  /** The SQLite file that persists it; in memory when undefined. */
  dbFile?: string;
  port: number;
  /** The web UI's port; headless when undefined. */
  uiPort?: number;
  namespace: string;
  /** Gets the server's own log lines, at debug. */
  logger?: Logger;
}

/**
 * Starts `temporal server start-dev` in its own process group, so that a Ctrl-C on the terminal
 * leaves it to serve the worker's drain; it stops on `stop()` and never outlives this process.
 * Resolves once it serves the namespace, with AutoHub's search attributes registered.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const command = options.cliPath ?? (await downloadedCli(options.downloadDir ?? tmpdir()));
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const server = new ServiceProcess({
    name: 'Temporal dev server',
    command,
    args: devServerArgs(options),
    // A persisted server gets to close its database; one in memory has nothing to keep.
    stopSignal: options.dbFile ? 'SIGTERM' : 'SIGKILL',
    stopTimeoutMs: 10_000,
    exitSignal: 'SIGKILL',
    logger: options.logger,
  });
  const address = `127.0.0.1:${options.port}`;
  try {
    const connection = await connectWhenServing(server, address, options.namespace, 60_000);
    try {
      // --search-attribute applies only when the SQLite file is created: an older file may lack them.
      await ensureSearchAttributes(connection, options.namespace);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await server.stop();
    const exit = await server.exited;
    if (exit.error && ['ENOENT', 'EACCES'].includes((exit.error as NodeJS.ErrnoException).code ?? '')) {
      throw new TemporalCliNotFoundError(exit.error);
    }
    throw err;
  }
  return { address, pid: server.pid, stop: () => server.stop() };
}

/** The `temporal server start-dev` arguments for `options`. */
export function devServerArgs(options: Pick<DevServerOptions, 'dbFile' | 'port' | 'uiPort' | 'namespace'>): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    ...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...SEARCH_ATTRIBUTE_NAMES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
    // As the SDK's own dev server: no call home for a version check, and updates on older CLIs.
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  ];
}

/** A connection to the server once it answers for `namespace`; fails if it exits or the deadline passes. */
async function connectWhenServing(server: ServiceProcess, address: string, namespace: string, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    // The first wait is one turn of the event loop, enough to learn that the command cannot run.
    await Promise.race([server.exited, new Promise((resolve) => setTimeout(resolve, attempt === 0 ? 0 : 200))]);
    if (server.hasExited) throw server.failure(`exited before serving ${address}`);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '1s' });
      await connection.workflowService.describeNamespace({ namespace });
      return connection;
    } catch (err) {
      await connection?.close();
      if (Date.now() > deadline) {
        throw server.failure(`did not serve namespace ${namespace} on ${address} within ${timeoutMs / 1000} s (${(err as Error).message})`);
      }
    }
  }
}

/**
 * The SDK's cached CLI in `downloadDir`, downloaded there first if it is missing. The SDK can
 * only download by starting a server, so one is started and torn down at once; the file it leaves
 * is named as the SDK core names it (`temporal-<sdk-name>-<sdk-version>`).
 */
async function downloadedCli(downloadDir: string): Promise<string> {
  const file = path.join(downloadDir, `temporal-sdk-typescript-${sdkVersion()}${process.platform === 'win32' ? '.exe' : ''}`);
  if (existsSync(file)) return file;
  try {
    mkdirSync(downloadDir, { recursive: true });
    const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'cached-download', downloadDir } } });
    await env.teardown();
  } catch (err) {
    throw new TemporalCliNotFoundError(err);
  }
  if (!existsSync(file)) throw new TemporalCliNotFoundError(new Error(`the SDK's download left no ${file}`));
  return file;
}

function sdkVersion(): string {
  const manifest = JSON.parse(readFileSync(require.resolve('@temporalio/testing/package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
