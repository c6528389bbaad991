/**
 * Logging real Telegram and WhatsApp accounts in and out. The API never talks to a platform: it
 * starts the account's login workflow and sends it updates, whose results answer the request,
 * then shows the login's state (QR code, pairing code, hint) as the worker recorded it.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import type { Config } from '../../config';
import { Channels, notify } from '../../db/notifications';
import { deleteAccount, findAccount, insertAccount, type Account } from '../../db/repos/accounts.repo';
import { findAccountLogin } from '../../db/repos/sessions.repo';
import { accountTaskQueue } from '../../domain/sharding';
import { BadRequestError, NotFoundError, TooManyRequestsError } from '../../errors';
import type { Platform } from '../../platforms/types';
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
} from '../../workflows/account-login.shared';
import { MAIN_TASK_QUEUE } from '../../workflows/shared';
import { visibleAccount } from '../account-access';
import type { ApiDeps, Caller } from '../context';
import { present } from '../presenters';
import { ok, route } from '../route';
import { AccountLoginBody, loginMethodOf, loginProblem } from './account-login.schemas';
import { searchAttributesFor } from '../../temporal/search-attributes';
import { AccountResponses } from './accounts.responses';

/** How long deleting an account waits for its session to be logged out before deleting anyway. */
export const LOGOUT_WAIT_MS = 15_000;

const NO_LOGIN_IN_PROGRESS =
  'no login is in progress for this account; start one with {"login": "phone" | "qr"} (telegram) or {"login": "qr" | "pairing_code"} (whatsapp)';

/** `POST /api/v1/accounts/:id/login`: the next step of a login, or a new login. */
export function accountLoginRoutes(deps: ApiDeps) {
  const { db } = deps;
  // The 2FA password reaches the worker sealed, so the workflow history never holds it in clear.
  const seal = (password: string) => deps.secrets.seal(password);

  return [
    route({
      method: 'post',
      path: '/api/v1/accounts/:id/login',
      summary: 'Log a real account in: {code}, then {password} with 2FA; or {login, phone?} to start again',
      tag: 'Accounts',
      operationId: 'stepAccountLogin',
      responses: { 200: AccountResponses.loginStep },
      errors: [429],
      body: AccountLoginBody,
      handler: async ({ params, body, caller }) => {
        const account = await visibleAccount(db, params, caller);
        if (account.sandbox) throw new BadRequestError('a sandbox account is connected from the start and has no login');
        if (body.login !== undefined) {
          const step = await beginLogin(deps, account, body.login, body.phone ?? account.phone);
          return ok({ status: step.status, account: await presentAccount(db, account.id) });
        }
        const handle = deps.temporal.workflow.getHandle(loginWorkflowId(account.id));
        const step = await loginStep(() =>
          body.code !== undefined
            ? handle.executeUpdate(submitLoginCodeUpdate, { args: [body.code] })
            : handle.executeUpdate(submitLoginPasswordUpdate, { args: [seal(body.password ?? '')] }),
        );
        return ok({ status: step.status, ...(step.hint ? { hint: step.hint } : {}), account: await presentAccount(db, account.id) });
      },
    }),
  ];
}

/**
 * Creates a real account and begins its login (`POST /api/v1/accounts` without `sandbox`): the
 * account answers with its login state. When the first step fails, the account is removed again.
 */
export async function createRealAccount(
  deps: ApiDeps,
  body: { platform: Platform; name?: string; phone?: string; login?: LoginMethod },
  caller: Caller,
): Promise<{ status: number; body: unknown }> {
  const method = loginMethodOf(body.platform, body.login);
  requireConfigured(deps.config, body.platform);
  const account = await insertAccount(deps.db, {
    userId: caller.user.id,
    platform: body.platform,
    name: body.name ?? `${body.platform === 'telegram' ? 'Telegram' : 'WhatsApp'} ${body.phone ?? 'account'}`,
    phone: body.phone ?? null,
    sandbox: false,
    status: 'disconnected',
  });
  deps.accountsCache.clear();
  try {
    await beginLogin(deps, account, method, account.phone);
  } catch (err) {
    await deps.db.transaction(async (trx) => {
      await deleteAccount(trx, account.id);
      await notify(trx, Channels.accounts, account.id);
    });
    deps.accountsCache.clear();
    throw err;
  }
  return ok({ account: await presentAccount(deps.db, account.id) }, 201);
}

/**
 * Logs a real account's session out through Temporal before it is deleted, ending any login in
 * progress. Best effort: it waits {@link LOGOUT_WAIT_MS} at most, and failures are only logged.
 */
export async function logOutAccount(deps: ApiDeps, account: Account): Promise<void> {
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

/** Starts the account's login workflow (replacing one in progress) and runs its first step. */
async function beginLogin(deps: ApiDeps, account: Account, method: LoginMethod, phone: string | null): Promise<LoginStep> {
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
function requireConfigured(config: Config, platform: Platform): void {
  const { apiId, apiHash } = config.telegram;
  if (platform === 'telegram' && (apiId === undefined || !apiHash?.trim())) {
    throw new BadRequestError(
      'logging in Telegram accounts needs TELEGRAM_API_ID and TELEGRAM_API_HASH (from https://my.telegram.org/apps), which this server does not set; a sandbox account ("sandbox": true) needs neither',
    );
  }
}

async function presentAccount(db: Knex, accountId: string): Promise<ReturnType<typeof present.accountWithLogin>> {
  const account = await findAccount(db, accountId);
  if (!account) throw new NotFoundError();
  return present.accountWithLogin(account, await findAccountLogin(db, accountId));
}
