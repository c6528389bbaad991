/**
 * Accounts as their owners (and admins) use them: finding one the caller may see or act as,
 * connecting one (sandbox accounts at once, real ones through their login), showing where one
 * stands, and removing one with everything that would outlive it.
 */
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Channels, notify } from '../db/notifications';
import { deleteAccount as deleteAccountRow, findAccount, listAccounts, type Account } from '../db/repos/accounts.repo';
import { listBroadcasts } from '../db/repos/broadcasts.repo';
import { getPacing, type Pacing } from '../db/repos/pacing.repo';
import type { Scope } from '../db/repos/scope';
import { findAccountLogin } from '../db/repos/sessions.repo';
import type { SecretBox } from '../db/secret-box';
import { createSandboxAccount } from '../db/sandbox-accounts';
import { isId } from '../domain/ids';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import type { Platform } from '../domain/platform-port';
import type { LoginMethod } from '../workflows/account-login.shared';
import { createRealAccount, logOutAccount, type AccountWithLogin } from './account-login';
import { requestBroadcastRemoval } from './broadcast-schedules';
import type { TemporalOutbox } from './temporal-outbox';

/** What managing accounts needs. */
export interface AccountDeps {
  db: Knex;
  temporal: Client;
  logger: Logger;
  config: Pick<Config, 'sessionShards' | 'telegram' | 'sandbox'>;
  /** Seals the 2FA password of a login. */
  secrets: Pick<SecretBox, 'seal'>;
  /** Carries out the schedule removals of the account's broadcasts. */
  outbox: Pick<TemporalOutbox, 'namespace' | 'carryOut'>;
  /** Told whenever an account is added or removed (the API's account lists). */
  accountsCache: { clear(): void };
}

/** A new account: sandbox ones connect at once, real ones begin their login with `login`. */
export interface NewAccount {
  platform: Platform;
  name?: string;
  phone?: string;
  sandbox: boolean;
  login?: LoginMethod;
}

/** The account `id` as `scope` sees it (admins see all). @throws NotFoundError otherwise. */
export async function visibleAccount(db: Knex, scope: Scope, id: string): Promise<Account> {
  const account = await findAccount(db, id, scope);
  if (!account) throw new NotFoundError();
  return account;
}

/**
 * The scope's user's own account `id` — acting as an account is for its owner, admins included —
 * that is connected.
 * @throws NotFoundError (with `notFound`) for another user's account or none;
 *   ConflictError for an account that is not connected.
 */
export async function ownConnectedAccount(db: Knex, scope: Scope, id: string, notFound = 'account not found'): Promise<Account> {
  const account = isId(id) ? await findAccount(db, id.toLowerCase(), { ...scope, admin: false }) : undefined;
  if (!account) throw new NotFoundError(notFound);
  if (account.status !== 'connected') {
    throw new ConflictError(`account ${account.id} is ${account.status}; it must be connected`);
  }
  return account;
}

/**
 * Connects an account for `scope`'s user: a sandbox account with its seeded world, connected at
 * once; a real one that begins its login (see createRealAccount).
 * @throws BadRequestError for a sandbox account where the sandbox is disabled.
 */
/**
 * The account a campaign of the scope's user sends from: the one named (their own), else their
 * only one. @throws NotFoundError for an account not theirs; BadRequestError when none is named
 * and they have none, or several.
 */
export async function sendingAccount(db: Knex, scope: Scope, accountId: string | undefined): Promise<Account> {
  const accounts = await listAccounts(db, { ...scope, admin: false }, { ownOnly: true });
  if (accountId !== undefined) {
    const account = isId(accountId) ? accounts.find((a) => a.id === accountId.toLowerCase()) : undefined;
    if (!account) throw new NotFoundError('account not found');
    return account;
  }
  if (accounts.length === 1) return accounts[0]!;
  throw new BadRequestError(accounts.length === 0 ? 'account_id: you have no account to send from' : `account_id is required: you have ${accounts.length} accounts`);
}

export async function createAccount(deps: AccountDeps, scope: Scope, input: NewAccount): Promise<AccountWithLogin> {
  if (!input.sandbox) return createRealAccount(deps, scope, input);
  if (!deps.config.sandbox) throw new BadRequestError('the sandbox platform is disabled on this server (AUTOHUB_SANDBOX=false)');
  const account = await createSandboxAccount(deps.db, {
    userId: scope.userId,
    platform: input.platform,
    name: input.name ?? `Sandbox ${input.platform} account`,
    phone: input.phone ?? null,
  });
  deps.accountsCache.clear();
  return { account, login: undefined };
}

/** Where account `id` stands: the account, its login in progress, its send budget. */
export async function accountStatus(
  db: Knex,
  scope: Scope,
  id: string,
): Promise<AccountWithLogin & { pacing: Pacing | undefined }> {
  const account = await visibleAccount(db, scope, id);
  const pacing = await getPacing(db, account.id);
  const login = await findAccountLogin(db, account.id);
  return { account, login, pacing };
}

/**
 * Removes account `id`: logs its session out, then deletes it with its broadcasts — whose
 * schedules and running runs must not outlive them — and its known chats. Answers the id.
 */
export async function deleteAccount(deps: AccountDeps, scope: Scope, id: string): Promise<string> {
  const account = await visibleAccount(deps.db, scope, id);
  await logOutAccount(deps, account);
  const syncs = await deps.db.transaction(async (trx) => {
    const removals = [];
    for (const broadcast of await listBroadcasts(trx, scope, { accountId: account.id })) {
      removals.push(await requestBroadcastRemoval(trx, deps.outbox.namespace, broadcast.id));
    }
    if (!(await deleteAccountRow(trx, scope, account.id))) throw new NotFoundError();
    await notify(trx, Channels.accounts, account.id);
    return removals;
  });
  await Promise.all(syncs.map((sync) => deps.outbox.carryOut(sync)));
  deps.accountsCache.clear();
  return account.id;
}
