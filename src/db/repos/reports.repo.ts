/**
 * Reads behind the reports: the scanned chats of the viewer's accounts, and the counts of the
 * system summary (contacts, campaigns, webhooks, accounts), each for one user or everyone.
 */
import type { Knex } from 'knex';
import type { Viewer } from './analytics.repo';

/** A scanned chat with the account it was found on. */
export interface ScannedChat {
  accountId: string;
  accountName: string;
  platform: string;
  key: string;
  platformId: string;
  type: string;
  title: string;
  username: string | null;
  members: number | null;
  lastActivityAt: Date | null;
  scannedAt: Date;
}

/** The scanned chats of the viewer's accounts, by account, type and title; at most `limit`. */
export async function scannedChats(db: Knex, viewer: Viewer, limit: number): Promise<ScannedChat[]> {
  const query = db('chats as c')
    .join('accounts as a', 'a.id', 'c.account_id')
    .select('c.*', 'a.name as account_name', 'a.platform')
    .orderBy([{ column: 'a.created_at' }, { column: 'c.account_id' }, { column: 'c.type' }, { column: 'c.title' }, { column: 'c.key' }])
    .limit(limit);
  if (viewer.userId !== null) query.where('a.user_id', viewer.userId);
  const rows: Array<Record<string, unknown>> = await query;
  return rows.map((r) => ({
    accountId: r.account_id as string,
    accountName: r.account_name as string,
    platform: r.platform as string,
    key: r.key as string,
    platformId: r.platform_id as string,
    type: r.type as string,
    title: r.title as string,
    username: r.username as string | null,
    members: r.members as number | null,
    lastActivityAt: r.last_activity_at as Date | null,
    scannedAt: r.scanned_at as Date,
  }));
}

/** How many of each thing the viewer has. */
export interface SystemCounts {
  accounts: { total: number; connected: number };
  contacts: { total: number; optedOut: number };
  broadcasts: { total: number; enabled: number; byScheduleType: Record<string, number>; runs: number };
  drips: { total: number; byStatus: Record<string, number> };
  abTests: { total: number; byStatus: Record<string, number> };
  webhooks: { total: number; enabled: number };
}

/** The counts of {@link SystemCounts}, in one statement. */
export async function systemCounts(db: Knex, viewer: Viewer): Promise<SystemCounts> {
  const mine = (alias = '') => (viewer.userId === null ? 'true' : `${alias}user_id = :userId`);
  const byKey = (table: string, column: string) =>
    `(select coalesce(json_object_agg(k, n), '{}'::json) from (select ${column} as k, count(*)::int as n from ${table} where ${mine()} group by 1) t)`;
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `select
       (select count(*)::int from accounts where ${mine()}) as accounts,
       (select count(*)::int from accounts where ${mine()} and status = 'connected') as connected_accounts,
       (select count(*)::int from contacts where ${mine()}) as contacts,
       (select count(*)::int from contacts where ${mine()} and opted_out) as opted_out_contacts,
       (select count(*)::int from broadcasts where ${mine()}) as broadcasts,
       (select count(*)::int from broadcasts where ${mine()} and enabled) as enabled_broadcasts,
       ${byKey('broadcasts', 'schedule_type')} as broadcasts_by_schedule,
       (select count(*)::int from broadcast_runs r join broadcasts b on b.id = r.broadcast_id where ${mine('b.')}) as broadcast_runs,
       (select count(*)::int from drip_campaigns where ${mine()}) as drips,
       ${byKey('drip_campaigns', 'status')} as drips_by_status,
       (select count(*)::int from ab_tests where ${mine()}) as ab_tests,
       ${byKey('ab_tests', 'status')} as ab_tests_by_status,
       (select count(*)::int from webhooks where ${mine()}) as webhooks,
       (select count(*)::int from webhooks where ${mine()} and enabled) as enabled_webhooks`,
    { userId: viewer.userId },
  );
  const r = rows[0]!;
  const n = (key: string) => r[key] as number;
  const map = (key: string) => r[key] as Record<string, number>;
  return {
    accounts: { total: n('accounts'), connected: n('connected_accounts') },
    contacts: { total: n('contacts'), optedOut: n('opted_out_contacts') },
    broadcasts: { total: n('broadcasts'), enabled: n('enabled_broadcasts'), byScheduleType: map('broadcasts_by_schedule'), runs: n('broadcast_runs') },
    drips: { total: n('drips'), byStatus: map('drips_by_status') },
    abTests: { total: n('ab_tests'), byStatus: map('ab_tests_by_status') },
    webhooks: { total: n('webhooks'), enabled: n('enabled_webhooks') },
  };
}
