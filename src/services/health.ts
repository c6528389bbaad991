/**
 * Readiness: whether a role's dependencies are usable now, for `/readyz` of the API and of the
 * worker's HTTP port. Liveness (`/healthz`) needs none of this: a process that answers is alive.
 */
import type { ConnectionLike } from '@temporalio/client';
import type { Knex } from 'knex';
import { pendingMigrations } from '../db/knex';

/** One dependency's check: resolves when it is usable, rejects saying why not. */
export type ReadinessCheck = () => Promise<void>;

/** What the checks found: `ok`, or each failing check's reason. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

/** How long one check may take before it counts as failed: well inside a probe's own timeout. */
export const CHECK_TIMEOUT_MS = 2_000;

/** Runs `checks` at once, each within `timeoutMs`. */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = CHECK_TIMEOUT_MS): Promise<Readiness> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check(), timeout]);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message : String(err)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every(([, result]) => result === 'ok'), checks: Object.fromEntries(results) };
}

/** The readiness problem, naming each failing check: `not ready: temporal: no answer within 2000 ms`. */
export function notReadyMessage(readiness: Readiness): string {
  const failing = Object.entries(readiness.checks).filter(([, result]) => result !== 'ok');
  return `not ready: ${failing.map(([name, reason]) => `${name}: ${reason}`).join('; ')}`;
}

/** PostgreSQL answers a query. */
export const databaseCheck =
  (db: Knex): ReadinessCheck =>
  async () => {
    await db.raw('select 1');
  };

/**
 * Every migration this version ships has been applied (`autohub migrate`). Once they all have,
 * the check stops reading the migrations directory and the table: migrations are only ever added.
 */
export const migrationsCheck = (db: Knex): ReadinessCheck => {
  let applied = false;
  return async () => {
    if (applied) return;
    const pending = await pendingMigrations(db);
    if (pending.length > 0) throw new Error(`${pending.length} migrations pending, the first ${pending[0]}; run autohub migrate`);
    applied = true;
  };
};

/** The Temporal frontend answers on the API's connection. */
export const temporalCheck =
  (connection: ConnectionLike): ReadinessCheck =>
  async () => {
    await connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => connection.workflowService.getSystemInfo({}));
  };
