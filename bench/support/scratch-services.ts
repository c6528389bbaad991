/**
 * PostgreSQL and Temporal for a benchmark that runs AutoHub's roles itself (rather than through
 * the test stack, which always runs a worker in its own process): a scratch database on
 * `DATABASE_URL`'s server (dropped afterwards) or an embedded PostgreSQL, and a Temporal dev
 * server unless `TEMPORAL_ADDRESS` is set, as the test stack chooses them. The database is
 * migrated and holds the bootstrap admin.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import type { Config } from '../../src/config';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { createDb, migrateLatest } from '../../src/db/knex';
import { bootstrapAdmin } from '../../src/runtime/bootstrap';
import { locateTemporalCli, startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../test/support/stack';

/** Where the services are, and the steps that stop them (in order). */
export interface ScratchServices {
  /** A temporary directory for AUTOHUB_HOME, removed by the last stop step. */
  home: string;
  databaseUrl: string;
  temporalAddress: string;
  stops: Array<[string, () => Promise<void>]>;
}

/** Starts (or attaches to) the services; on failure, stops what it had started. */
export async function startScratchServices(tag: string): Promise<ScratchServices> {
  const home = mkdtempSync(path.join(tmpdir(), `autohub-${tag}-`));
  // Run as root, the embedded PostgreSQL runs as `postgres`, which must be able to enter the home.
  chmodSync(home, 0o755);
  const stops: ScratchServices['stops'] = [['temporary home', async () => rmSync(home, { recursive: true, force: true })]];
  try {
    let databaseUrl: string;
    if (process.env.DATABASE_URL) {
      databaseUrl = await scratchDatabase(process.env.DATABASE_URL, tag, stops);
    } else {
      const pg = await startEmbeddedPostgres({ dataDir: path.join(home, 'pgdata'), port: await freePort() });
      stops.unshift(['embedded PostgreSQL', pg.stop]);
      databaseUrl = pg.url;
    }
    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const server = await startDevServer({ cliPath: locateTemporalCli(process.env.TEMPORAL_CLI_PATH), port: await freePort(), namespace: 'default' });
      stops.unshift(['Temporal dev server', server.stop]);
      temporalAddress = server.address;
    }
    return { home, databaseUrl, temporalAddress, stops };
  } catch (err) {
    await runQuietly(stops);
    throw err;
  }
}

/** Migrates the services' database and creates its bootstrap admin (`config.adminKey`). */
export async function prepareDatabase(services: ScratchServices, config: Config): Promise<void> {
  const db = createDb(services.databaseUrl, { max: 1 });
  try {
    await migrateLatest(db);
    await bootstrapAdmin(db, config);
  } finally {
    await db.destroy();
  }
}

/** Runs stop steps in order, each whatever the others did. */
export async function runQuietly(stops: Array<[string, () => Promise<void>]>): Promise<void> {
  for (const [name, stop] of stops) {
    await stop().catch((err: unknown) => console.error(`stopping ${name} failed:`, err));
  }
}

/** A new, empty database on the server of `serverUrl`; its drop is added to `stops`. */
async function scratchDatabase(serverUrl: string, tag: string, stops: ScratchServices['stops']): Promise<string> {
  const name = `autohub_bench_${tag.replace(/\W/g, '_')}_${process.pid}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`create database ${name}`);
  } finally {
    await admin.destroy();
  }
  stops.unshift([
    'scratch database',
    async () => {
      const dropper = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
      try {
        await dropper.raw(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.destroy();
      }
    },
  ]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
