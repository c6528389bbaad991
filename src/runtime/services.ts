import path from 'node:path';
import type { Config } from '../config';
import { startEmbeddedPostgres } from '../db/embedded-postgres';
import { locateTemporalCli, startDevServer } from '../temporal/dev-server';

/** Where the database and Temporal are, and how to stop the ones this process started. */
export interface Services {
  databaseUrl: string;
  temporalAddress: string;
  /** Named stop steps of the embedded services, in the order they must run. */
  stops: Array<[string, () => Promise<void>]>;
}

/** The embedded PostgreSQL's URL, for roles that attach to a running `autohub start`. */
export function embeddedDatabaseUrl(config: Config): string {
  return `postgres://postgres:postgres@127.0.0.1:${config.embeddedPgPort}/autohub`;
}

/** Addresses of external services, or of the embedded ones of a running `autohub start`. */
export function serviceAddresses(config: Config): { databaseUrl: string; temporalAddress: string } {
  return {
    databaseUrl: config.databaseUrl ?? embeddedDatabaseUrl(config),
    temporalAddress: config.temporal.address ?? `127.0.0.1:${config.temporal.port}`,
  };
}

/**
 * Uses `DATABASE_URL` and `TEMPORAL_ADDRESS` when set; otherwise starts an embedded PostgreSQL and
 * a local Temporal dev server, both persisted under `AUTOHUB_HOME`.
 */
export async function startServices(config: Config, log: (line: string) => void): Promise<Services> {
  const stops: Services['stops'] = [];
  let { databaseUrl, temporalAddress } = serviceAddresses(config);
  try {
    if (!config.databaseUrl) {
      log(`starting embedded PostgreSQL (data in ${path.join(config.home, 'pgdata')})`);
      const pg = await startEmbeddedPostgres({ dataDir: path.join(config.home, 'pgdata'), port: config.embeddedPgPort });
      databaseUrl = pg.url;
      stops.unshift(['embedded PostgreSQL', pg.stop]);
    }
    if (!config.temporal.address) {
      log(`starting Temporal dev server (history in ${path.join(config.home, 'temporal.sqlite')})`);
      const temporal = await startDevServer({
        cliPath: locateTemporalCli(config.temporal.cliPath),
        dbFile: path.join(config.home, 'temporal.sqlite'),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
      });
      temporalAddress = temporal.address;
      stops.unshift(['Temporal dev server', temporal.stop]);
    }
  } catch (err) {
    for (const [, stop] of stops) await stop().catch(() => undefined);
    throw err;
  }
  return { databaseUrl, temporalAddress, stops };
}
