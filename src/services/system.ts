/** What `GET /api/status` reports of a user: their accounts and their automations. */
import type { Knex } from 'knex';
import { listAccounts } from '../db/repos/accounts.repo';
import { countOwnBroadcasts, countOwnRunningRuns } from '../db/repos/broadcasts.repo';
import type { Scope } from '../db/repos/scope';
import { PLATFORMS, type Platform } from '../domain/platform-port';

/** The scope's user's own accounts and automations, counted (an admin's too: a status is one's own). */
export interface UserStatus {
  accounts: { total: number; connected: number; byPlatform: Record<Platform, number> };
  automations: { broadcasts: number; activeSchedules: number; runningBroadcasts: number };
}

/** Counts the scope's user's own accounts (connected, by platform) and broadcasts (scheduled, running). */
export async function userStatus(db: Knex, scope: Scope): Promise<UserStatus> {
  const [accounts, totals, running] = await Promise.all([
    listAccounts(db, scope, { ownOnly: true }),
    countOwnBroadcasts(db, scope),
    countOwnRunningRuns(db, scope),
  ]);
  return {
    accounts: {
      total: accounts.length,
      connected: accounts.filter((a) => a.status === 'connected').length,
      byPlatform: Object.fromEntries(PLATFORMS.map((p) => [p, accounts.filter((a) => a.platform === p).length])) as Record<Platform, number>,
    },
    automations: { broadcasts: totals.total, activeSchedules: totals.scheduled, runningBroadcasts: running },
  };
}
