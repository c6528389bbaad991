import type { Knex } from 'knex';
import { findAccount, type Account } from '../db/repos/accounts.repo';
import { ConflictError, NotFoundError } from '../errors';
import type { Caller } from './context';
import { idParam, isId } from './route';

/** The account of path parameter `:id` as the caller may see it (admins see all); else 404. */
export async function visibleAccount(db: Knex, params: Record<string, string>, caller: Caller): Promise<Account> {
  const account = await findAccount(db, idParam(params), caller.scope);
  if (!account) throw new NotFoundError();
  return account;
}

/**
 * The caller's own account `id` — acting as an account is for its owner, admins included —
 * that is connected. Another user's account, or no account, answers 404 with `notFound`; an
 * account that is not connected answers 409.
 */
export async function ownConnectedAccount(db: Knex, id: string, caller: Caller, notFound = 'account not found'): Promise<Account> {
  const account = isId(id) ? await findAccount(db, id.toLowerCase(), { ...caller.scope, admin: false }) : undefined;
  if (!account) throw new NotFoundError(notFound);
  if (account.status !== 'connected') {
    throw new ConflictError(`account ${account.id} is ${account.status}; it must be connected`);
  }
  return account;
}
