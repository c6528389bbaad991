import type { Knex } from 'knex';
import type { Platform } from '../../domain/platform-port';
import { Channels, notify } from '../notifications';
import { emitEvent } from './events.repo';
import { ownedBy, type Scope } from './scope';

/** Where an account's session stands. */
export type AccountStatus =
  | 'connected'
  | 'disconnected'
  | 'restricted'
  | 'code_sent'
  | 'password_required'
  | 'qr'
  | 'replaced';

export interface Account {
  id: string;
  userId: string;
  platform: Platform;
  name: string;
  phone: string | null;
  sandbox: boolean;
  status: AccountStatus;
  createdAt: Date;
  updatedAt: Date;
}

interface AccountRow {
  id: string;
  user_id: string;
  platform: Platform;
  name: string;
  phone: string | null;
  sandbox: boolean;
  status: AccountStatus;
  session_secret: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = ['id', 'user_id', 'platform', 'name', 'phone', 'sandbox', 'status', 'created_at', 'updated_at'];

const mapAccount = (r: Omit<AccountRow, 'session_secret'>): Account => ({
  id: r.id,
  userId: r.user_id,
  platform: r.platform,
  name: r.name,
  phone: r.phone,
  sandbox: r.sandbox,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function insertAccount(
  db: Knex,
  account: { userId: string; platform: Platform; name: string; phone: string | null; sandbox: boolean; status: AccountStatus },
): Promise<Account> {
  const [row]: AccountRow[] = await db('accounts')
    .insert({
      user_id: account.userId,
      platform: account.platform,
      name: account.name,
      phone: account.phone,
      sandbox: account.sandbox,
      status: account.status,
    })
    .returning(COLUMNS);
  return mapAccount(row!);
}

/** Accounts visible to `scope`, oldest first; `ownOnly` hides other users' even from admins. */
export async function listAccounts(db: Knex, scope: Scope, options: { ownOnly?: boolean } = {}): Promise<Account[]> {
  const query = db('accounts').select(COLUMNS).orderBy('created_at').orderBy('id');
  const rows: AccountRow[] = await ownedBy(query, options.ownOnly ? { ...scope, admin: false } : scope);
  return rows.map(mapAccount);
}

/** The account `id` if `scope` may see it. */
export async function findAccount(db: Knex, id: string, scope: Scope): Promise<Account | undefined> {
  const row: AccountRow | undefined = await ownedBy(db('accounts').select(COLUMNS).where({ id }).first(), scope);
  return row && mapAccount(row);
}

/** Deletes the account `id` if `scope` owns it (its broadcasts, chats and session go with it); false when it does not. */
export async function deleteAccount(db: Knex, scope: Scope, id: string): Promise<boolean> {
  return (await ownedBy(db('accounts').where({ id }), scope).delete()) > 0;
}

// ---------------------------------------------------------------------------------------------
// System side: the worker, its activities and the session pool act for whoever owns an account.
// These take no scope and must never answer a caller of the API.
// ---------------------------------------------------------------------------------------------

/** The account `id` whoever owns it, for the system's own work (never for a caller). */
export async function findAnyAccount(db: Knex, id: string): Promise<Account | undefined> {
  const row: AccountRow | undefined = await db('accounts').select(COLUMNS).where({ id }).first();
  return row && mapAccount(row);
}

export async function listAccountIds(db: Knex, filter: { status?: AccountStatus } = {}): Promise<string[]> {
  const rows: Array<{ id: string }> = await db('accounts').select('id').where(filter);
  return rows.map((r) => r.id);
}

/**
 * Changes an account's status unless it already has it; when it changes, tells every process
 * (session pools, API caches) and records `account.status_changed` with the previous status and
 * `reason`. Answers whether it changed.
 */
export async function updateAccountStatus(db: Knex, id: string, status: AccountStatus, reason: string | null = null): Promise<boolean> {
  return db.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: Array<{ previous: AccountStatus }> }>(
      `update accounts a set status = ?, updated_at = now()
       from (select id, status from accounts where id = ? for update) old
       where a.id = old.id and old.status <> ?
       returning old.status as previous`,
      [status, id, status],
    );
    const [changed] = rows;
    if (!changed) return false;
    await notify(trx, Channels.accounts, id);
    await emitEvent(trx, { accountId: id, type: 'account.status_changed', data: { status, previous: changed.previous, reason } });
    return true;
  });
}
