import knexFactory, { type Knex } from 'knex';
import path from 'node:path';
import pg from 'pg';
import { isConflictVictim } from './pg-errors';

// Counts and bigserial ids arrive as strings by default; ours fit comfortably in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// A calendar date is a day, not an instant: keep it as `YYYY-MM-DD` instead of a local-midnight Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Db = Knex;

/** Opens a connection pool to `databaseUrl`. */
export function createDb(databaseUrl: string, pool: { min?: number; max?: number } = {}): Db {
  return knexFactory({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
  });
}

const migrationsDirectory = path.resolve(__dirname, '../../migrations');
// Run from source (tsx) the migrations are .ts; from a build they are .js.
const migrationExtensions = __filename.endsWith('.ts') ? ['.ts'] : ['.js'];

/** Applies every pending migration; returns the names applied. */
export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({
    directory: migrationsDirectory,
    loadExtensions: migrationExtensions,
  })) as [number, string[]];
  return applied;
}

/** The migrations not applied yet, by name, in order: none once `autohub migrate` has run this version's. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const [, pending] = (await db.migrate.list({ directory: migrationsDirectory, loadExtensions: migrationExtensions })) as [unknown[], Array<{ file: string }>];
  return pending.map((m) => m.file);
}

/**
 * Runs `work` in a transaction of `db`, again when PostgreSQL gave it up as a deadlock's victim
 * (see isConflictVictim), at most `attempts` times in all: for writers that touch rows other
 * transactions lock in another order (deleting a broadcast while its run settles sends).
 */
export async function transactionRetryingConflicts<T>(db: Db, work: (trx: Knex.Transaction) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (err) {
      if (attempt >= attempts || !isConflictVictim(err)) throw err;
    }
  }
}
