import { TestWorkflowEnvironment } from '@temporalio/testing';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';

/** A running local Temporal dev server. */
export interface DevServer {
  address: string;
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

/**
 * Starts `temporal server start-dev` persisted to `dbFile` (in memory when undefined), with the
 * web UI on `uiPort` unless headless.
 */
export async function startDevServer(options: {
  cliPath: string | undefined;
  dbFile?: string;
  port?: number;
  uiPort?: number;
  namespace: string;
}): Promise<DevServer> {
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const executable = options.cliPath
    ? { type: 'existing-path' as const, path: options.cliPath }
    : { type: 'cached-download' as const };
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        dbFilename: options.dbFile,
        port: options.port,
        ui: options.uiPort !== undefined,
        uiPort: options.uiPort,
        namespace: options.namespace,
        log: { format: 'pretty', level: 'warn' },
      },
    });
  } catch (err) {
    if (!options.cliPath) throw new TemporalCliNotFoundError(err);
    throw err;
  }
  return { address: env.address, stop: () => env.teardown() };
}
