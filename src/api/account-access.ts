import type { Knex } from 'knex';
import type { Account } from '../db/repos/accounts.repo';
import { ownConnectedAccount as ownConnected, visibleAccount as visible } from '../services/accounts';
import type { Caller } from './context';
import { idParam } from './route';

/** The account of path parameter `:id` as the caller may see it (admins see all); else 404. */
export async function visibleAccount(db: Knex, params: Record<string, string>, caller: Caller): Promise<Account> {
  return visible(db, caller.scope, idParam(params));
}

/**
 * The caller's own account `id` that is connected (see services/accounts ownConnectedAccount):
 * another user's account, or no account, answers 404 with `notFound`; one not connected 409.
 */
export async function ownConnectedAccount(db: Knex, id: string, caller: Caller, notFound = 'account not found'): Promise<Account> {
  return ownConnected(db, caller.scope, id, notFound);
}
