import path from 'node:path';
import type { Logger } from 'pino';
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
 * a local Temporal dev server, both persisted under `AUTOHUB_HOME`, each in its own process group.
 * Their stop steps run after the roles' (which still need them to drain): Temporal, then PostgreSQL.
 */
export async function startServices(config: Config, logger: Logger): Promise<Services> {
  const stops: Services['stops'] = [];
  let { databaseUrl, temporalAddress } = serviceAddresses(config);
  try {
    if (!config.databaseUrl) {
      logger.info(`starting embedded PostgreSQL (data in ${path.join(config.home, 'pgdata')})`);
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(config.home, 'pgdata'),
        port: config.embeddedPgPort,
        logger: logger.child({ module: 'postgres' }),
      });
      databaseUrl = pg.url;
      stops.unshift(['embedded PostgreSQL', pg.stop]);
    }
    if (!config.temporal.address) {
      logger.info(`starting Temporal dev server (history in ${path.join(config.home, 'temporal.sqlite')})`);
      const temporal = await startDevServer({
        cliPath: locateTemporalCli(config.temporal.cliPath),
        // Beside the data rather than in a temporary directory, so a download made once stays.
        downloadDir: path.join(config.home, 'temporal-cli'),
        dbFile: path.join(config.home, 'temporal.sqlite'),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        logger: logger.child({ module: 'temporal-server' }),
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
