/**
 * Logging real Telegram and WhatsApp accounts in and out. Nothing here talks to a platform: it
 * starts the account's login workflow and sends it updates, whose results are the answer, and
 * reads the login's state (QR code, pairing code, hint) as the worker recorded it.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Channels, notify } from '../db/notifications';
import { deleteAccount, findAccount, insertAccount, type Account } from '../db/repos/accounts.repo';
import type { Scope } from '../db/repos/scope';
import { findAccountLogin, type AccountLogin } from '../db/repos/sessions.repo';
import type { SecretBox } from '../db/secret-box';
import { loginMethodOf, loginProblem } from '../domain/login-methods';
import { accountTaskQueue } from '../domain/sharding';
import { BadRequestError, NotFoundError, TooManyRequestsError } from '../errors';
import type { Platform } from '../domain/platform-port';
import { searchAttributesFor } from '../temporal/search-attributes';
import {
  ACCOUNT_LOGIN_WORKFLOW,
  ACCOUNT_LOGOUT_WORKFLOW,
  beginLoginUpdate,
  loginWorkflowId,
  logoutWorkflowId,
  submitLoginCodeUpdate,
  submitLoginPasswordUpdate,
  type AccountLoginInput,
  type AccountLogoutResult,
  type LoginFailureDetails,
  type LoginMethod,
  type LoginStep,
} from '../workflows/account-login.shared';
import { MAIN_TASK_QUEUE } from '../workflows/shared';

/** How long deleting an account waits for its session to be logged out before deleting anyway. */
export const LOGOUT_WAIT_MS = 15_000;

const NO_LOGIN_IN_PROGRESS =
  'no login is in progress for this account; start one with {"login": "phone" | "qr"} (telegram) or {"login": "qr" | "pairing_code"} (whatsapp)';

/** What logging accounts in and out needs. */
export interface AccountLoginDeps {
  db: Knex;
  temporal: Client;
  logger: Logger;
  config: Pick<Config, 'sessionShards' | 'telegram'>;
  /** Seals the 2FA password, so the workflow history never holds it in clear. */
  secrets: Pick<SecretBox, 'seal'>;
  /** Told whenever an account is added or removed (the API's account lists). */
  accountsCache: { clear(): void };
}

/** An account with its login in progress, or the reason its last one failed. */
export interface AccountWithLogin {
  account: Account;
  login: AccountLogin | undefined;
}

/** What a caller asks of a login: exactly one of a new login (with its phone), a code or a 2FA password. */
export type LoginRequest = { login?: LoginMethod; phone?: string; code?: string; password?: string };

/**
 * Creates a real account for `scope`'s user and begins its login; the account is answered with
 * its login state. When the first step fails, the account is removed again.
 */
export async function createRealAccount(
  deps: AccountLoginDeps,
  scope: Scope,
  input: { platform: Platform; name?: string; phone?: string; login?: LoginMethod },
): Promise<AccountWithLogin> {
  const method = loginMethodOf(input.platform, input.login);
  requireConfigured(deps.config, input.platform);
  const account = await insertAccount(deps.db, {
    userId: scope.userId,
    platform: input.platform,
    name: input.name ?? `${input.platform === 'telegram' ? 'Telegram' : 'WhatsApp'} ${input.phone ?? 'account'}`,
    phone: input.phone ?? null,
    sandbox: false,
    status: 'disconnected',
  });
  deps.accountsCache.clear();
  try {
    await beginLogin(deps, account, method, account.phone);
  } catch (err) {
    await deps.db.transaction(async (trx) => {
      await deleteAccount(trx, scope, account.id);
      await notify(trx, Channels.accounts, account.id);
    });
    deps.accountsCache.clear();
    throw err;
  }
  return accountWithLogin(deps.db, scope, account.id);
}

/**
 * Carries out the next step of account `accountId`'s login (a code, a 2FA password) or starts a
 * new one; answers the step's status (with the password hint of a step that asks for one) and
 * the account as it now is.
 * @throws NotFoundError when `scope` sees no such account; BadRequestError for a sandbox
 *   account, a refused step or no login in progress; TooManyRequestsError when the platform asks to wait.
 */
export async function stepLogin(
  deps: AccountLoginDeps,
  scope: Scope,
  accountId: string,
  request: LoginRequest,
): Promise<AccountWithLogin & { step: { status: LoginStep['status']; hint?: string } }> {
  const account = await findAccount(deps.db, accountId, scope);
  if (!account) throw new NotFoundError();
  if (account.sandbox) throw new BadRequestError('a sandbox account is connected from the start and has no login');
  if (request.login !== undefined) {
    const step = await beginLogin(deps, account, request.login, request.phone ?? account.phone);
    return { step: { status: step.status }, ...(await accountWithLogin(deps.db, scope, account.id)) };
  }
  const handle = deps.temporal.workflow.getHandle(loginWorkflowId(account.id));
  const step = await loginStep(() =>
    request.code !== undefined
      ? handle.executeUpdate(submitLoginCodeUpdate, { args: [request.code] })
      : handle.executeUpdate(submitLoginPasswordUpdate, { args: [deps.secrets.seal(request.password ?? '')] }),
  );
  const shown = { status: step.status, ...(step.hint ? { hint: step.hint } : {}) };
  return { step: shown, ...(await accountWithLogin(deps.db, scope, account.id)) };
}

/**
 * Logs a real account's session out through Temporal before it is deleted, ending any login in
 * progress. Best effort: it waits {@link LOGOUT_WAIT_MS} at most, and failures are only logged.
 */
export async function logOutAccount(deps: Pick<AccountLoginDeps, 'temporal' | 'logger' | 'config'>, account: Account): Promise<void> {
  if (account.sandbox) return;
  const log = deps.logger.child({ module: 'accounts', accountId: account.id });
  await deps.temporal.workflow
    .getHandle(loginWorkflowId(account.id))
    .terminate('account deleted')
    .catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) log.warn({ err }, 'ending the login in progress failed');
    });
  let timer: NodeJS.Timeout | undefined;
  try {
    const handle = await deps.temporal.workflow.start(ACCOUNT_LOGOUT_WORKFLOW, {
      taskQueue: MAIN_TASK_QUEUE,
      workflowId: logoutWorkflowId(account.id),
      args: [{ accountId: account.id, sessionTaskQueue: accountTaskQueue(account.id, deps.config.sessionShards) }],
      memo: { userId: account.userId, accountId: account.id },
      typedSearchAttributes: searchAttributesFor('logout', { userId: account.userId, accountId: account.id }),
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), LOGOUT_WAIT_MS);
    });
    const outcome = await Promise.race([handle.result() as Promise<AccountLogoutResult>, timeout]);
    if (outcome === 'timeout') log.warn({}, 'the session was not logged out in time; deleting the account anyway');
    else if (!outcome.loggedOut) log.warn({ reason: outcome.error }, 'the session could not be logged out; deleting the account anyway');
  } catch (err) {
    log.warn({ err }, 'logging the session out failed; deleting the account anyway');
  } finally {
    clearTimeout(timer);
  }
}

/** Account `accountId` as `scope` sees it, with its login. */
export async function accountWithLogin(db: Knex, scope: Scope, accountId: string): Promise<AccountWithLogin> {
  const account = await findAccount(db, accountId, scope);
  if (!account) throw new NotFoundError();
  return { account, login: await findAccountLogin(db, accountId) };
}

/** Starts the account's login workflow (replacing one in progress) and runs its first step. */
async function beginLogin(deps: AccountLoginDeps, account: Account, method: LoginMethod, phone: string | null): Promise<LoginStep> {
  const problem = loginProblem(account.platform, method, phone);
  if (problem) throw new BadRequestError(`${problem.field}: ${problem.message}`);
  requireConfigured(deps.config, account.platform);
  const input: AccountLoginInput = { accountId: account.id, method, phone, sessionTaskQueue: accountTaskQueue(account.id, deps.config.sessionShards) };
  const handle: WorkflowHandle = await deps.temporal.workflow.start(ACCOUNT_LOGIN_WORKFLOW, {
    taskQueue: MAIN_TASK_QUEUE,
    workflowId: loginWorkflowId(account.id),
    args: [input],
    memo: { userId: account.userId, accountId: account.id },
    typedSearchAttributes: searchAttributesFor('login', { userId: account.userId, accountId: account.id }),
    workflowIdConflictPolicy: 'TERMINATE_EXISTING',
  });
  return loginStep(() => handle.executeUpdate(beginLoginUpdate));
}

/** Runs a login update, answering its failures as 400 (429 when the platform asks to wait). */
async function loginStep(update: () => Promise<LoginStep>): Promise<LoginStep> {
  try {
    return await update();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const details = err.cause.details?.[0] as LoginFailureDetails | undefined;
      if (details?.kind === 'rate_limited') throw new TooManyRequestsError(err.cause.message);
      throw new BadRequestError(err.cause.message);
    }
    if (err instanceof WorkflowNotFoundError) throw new BadRequestError(NO_LOGIN_IN_PROGRESS);
    throw err;
  }
}

/** @throws BadRequestError when the server cannot log `platform` accounts in. */
function requireConfigured(config: Pick<Config, 'telegram'>, platform: Platform): void {
  const { apiId, apiHash } = config.telegram;
  if (platform === 'telegram' && (apiId === undefined || !apiHash?.trim())) {
    throw new BadRequestError(
      'logging in Telegram accounts needs TELEGRAM_API_ID and TELEGRAM_API_HASH (from https://my.telegram.org/apps), which this server does not set; a sandbox account ("sandbox": true) needs neither',
    );
  }
}
