/**
 * Activities of account logins and logouts.
 *
 * {@link createLoginActivities} run on the session task queue of the account's shard, in the
 * worker that holds the account's live objects: the Telegram login (one GramJS client from the
 * code request to the sign-in, as Telegram demands) and the WhatsApp connection. Each step
 * records where the login stands in PostgreSQL for the API to show, under the attempt id of the
 * login workflow's run, so a superseded attempt cannot overwrite its successor.
 * {@link createLoginRecordActivities} only write the database and run on the main queue.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { findAnyAccount, type Account } from '../db/repos/accounts.repo';
import type { SecretBox } from '../db/secret-box';
import {
  clearSessionSecret,
  completeLoginAttempt,
  failLoginAttempt,
  readSessionSecret,
  startLoginAttempt,
  updateLoginAttempt,
  type LoginPatch,
} from '../db/repos/sessions.repo';
import type { SessionPool } from '../platforms/session-pool';
import type { TelegramLogin, TelegramLogins, LoginState as TelegramLoginState } from '../platforms/telegram';
import { PlatformError } from '../domain/platform-port';
import type { WhatsAppConnectionState, WhatsAppDriver } from '../platforms/whatsapp';
import {
  LoginFailureTypes,
  type AccountLogoutResult,
  type LoginFailureDetails,
  type LoginMethod,
  type LoginStep,
} from '../workflows/account-login.shared';

/** What the login activities are built from. */
export interface LoginActivityDeps {
  db: Knex;
  pool: SessionPool;
  secrets: SecretBox;
  /** Absent when this worker has no Telegram API credentials. */
  telegramLogins?: TelegramLogins;
  /** Absent on workers without the WhatsApp driver. */
  whatsapp?: WhatsAppDriver;
  logger?: Logger;
  /** Renders a QR code text as a PNG data URL. @default QRCode.toDataURL */
  renderQr?: (text: string) => Promise<string>;
  /** How often a watch heartbeats. @default 5_000 */
  heartbeatMs?: number;
}

/** A login step's failure for the workflow: a non-retryable ApplicationFailure of a {@link LoginFailureTypes} type. */
function loginFailure(type: keyof typeof LoginFailureTypes, err: unknown): ApplicationFailure {
  const error = err instanceof PlatformError ? err : new PlatformError('transient', err instanceof Error ? err.message : String(err));
  const details: LoginFailureDetails = { kind: error.kind, retryAfterSeconds: error.retryAfterSeconds ?? null };
  return ApplicationFailure.create({ type: LoginFailureTypes[type], message: error.message, nonRetryable: true, details: [details] });
}

const ended = (err: unknown) => loginFailure('LoginEnded', err);
const rejected = (err: unknown) => loginFailure('LoginRejected', err);

/** The id of the login attempt an activity works for: its workflow's run id. */
function currentAttempt(): string {
  const { info } = Context.current();
  return info.workflowExecution?.runId ?? info.activityId;
}

/** Activities on the session task queue; see the module comment. */
export function createLoginActivities(deps: LoginActivityDeps) {
  const { db, pool, secrets } = deps;
  const renderQr = deps.renderQr ?? ((text: string) => QRCode.toDataURL(text));
  const log = deps.logger?.child({ module: 'login' });

  const realAccount = async (accountId: string): Promise<Account> => {
    const account = await findAnyAccount(db, accountId);
    if (!account) throw ended(new PlatformError('not_found', `account ${accountId} does not exist`));
    if (account.sandbox) throw ended(new PlatformError('invalid', 'a sandbox account is connected from the start and has no login'));
    return account;
  };

  const telegramLogins = (): TelegramLogins => {
    if (deps.telegramLogins) return deps.telegramLogins;
    throw ended(new PlatformError('invalid', 'Telegram is not configured on the worker: set TELEGRAM_API_ID and TELEGRAM_API_HASH'));
  };

  const whatsapp = (): WhatsAppDriver => {
    if (deps.whatsapp) return deps.whatsapp;
    throw ended(new PlatformError('invalid', 'the WhatsApp driver is not enabled on the worker'));
  };

  /** The Telegram login of the account held by this worker. */
  const heldLogin = (accountId: string): TelegramLogin => {
    const login = telegramLogins().get(accountId);
    if (login) return login;
    throw ended(new PlatformError('invalid', 'this login is no longer held by the worker (it expired or the worker restarted); start a new login'));
  };

  /** Stores the new session and marks the account connected, replacing any older live session. */
  const finishTelegram = async (accountId: string, attempt: string, login: TelegramLogin, session: string): Promise<boolean> => {
    // The account's previous session (a re-login) must not stay live beside the new one.
    await pool.drop(accountId);
    const current = await completeLoginAttempt(db, { accountId, attempt, sessionSecret: session, secrets });
    await telegramLogins().end(accountId, login);
    return current;
  };

  /** A Telegram step's failure: the login is over when the login object says so. */
  const telegramStepFailure = async (accountId: string, attempt: string, login: TelegramLogin, err: unknown) => {
    if (login.state.status !== 'failed') return rejected(err);
    await failLoginAttempt(db, accountId, attempt, messageOf(err));
    await telegramLogins().end(accountId, login);
    return ended(err);
  };

  /**
   * Follows a login that completes on the phone (a QR code scanned, a pairing code typed):
   * `settle` records each new state and answers the step to return once the login connected,
   * needs the 2FA password or failed. Heartbeats meanwhile; when the activity is cancelled (its
   * workflow gave way to a newer login) it stops watching and leaves the login to its successor.
   */
  const watch = async <S>(
    subscribe: (listener: (state: S) => void) => (() => void) | null,
    initial: S,
    settle: (state: S) => Promise<LoginStep | null>,
  ): Promise<LoginStep> => {
    const context = Context.current();
    let latest = initial;
    let wake: () => void = () => undefined;
    const unsubscribe = subscribe((state) => {
      latest = state;
      wake();
    });
    if (!unsubscribe) throw ended(new PlatformError('invalid', 'this login is no longer held by the worker; start a new login'));
    const cancelled = context.cancelled.then(
      () => true,
      () => true,
    );
    try {
      for (;;) {
        // Armed before settling, so a change that lands while a state is being recorded is not missed.
        const changed = new Promise<boolean>((resolve) => {
          wake = () => resolve(false);
        });
        const outcome = await settle(latest);
        if (outcome) return outcome;
        context.heartbeat();
        const beat = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), deps.heartbeatMs ?? 5_000).unref());
        if (await Promise.race([changed, beat, cancelled])) return superseded();
      }
    } finally {
      unsubscribe();
    }
  };

  const watchTelegram = (accountId: string, attempt: string): Promise<LoginStep> => {
    const login = heldLogin(accountId);
    let shownQr: string | null = null;
    return watch<TelegramLoginState>(
      (listener) => login.onChange(listener),
      login.state,
      async (state) => {
        switch (state.status) {
          case 'qr_pending': {
            if (state.qrUrl === shownQr) return null;
            shownQr = state.qrUrl;
            const current = await updateLoginAttempt(db, accountId, attempt, { qr: state.qrUrl, qrPng: await renderQr(state.qrUrl) });
            return current ? null : superseded();
          }
          case 'password_required':
            await updateLoginAttempt(db, accountId, attempt, { status: 'password_required', hint: state.hint, qr: null, qrPng: null });
            return { status: 'password_required', hint: state.hint };
          case 'connected':
            await finishTelegram(accountId, attempt, login, state.session);
            return { status: 'connected' };
          case 'failed':
            await failLoginAttempt(db, accountId, attempt, state.error.message);
            await telegramLogins().end(accountId, login);
            return { status: 'failed', error: state.error.message };
          case 'code_sent':
          case 'idle': {
            const error = 'the QR login was cancelled or expired; start a new login';
            await failLoginAttempt(db, accountId, attempt, error);
            return { status: 'failed', error };
          }
        }
      },
    );
  };

  const watchWhatsApp = (accountId: string, attempt: string): Promise<LoginStep> => {
    const driver = whatsapp();
    let shown: string | null = null;
    return watch<WhatsAppConnectionState | null>(
      (listener) => driver.onLoginStateChange(accountId, listener),
      driver.loginState(accountId),
      async (state) => {
        if (!state) return { status: 'failed', error: 'the login is no longer held by the worker' };
        switch (state.status) {
          case 'idle':
          case 'connecting':
          case 'reconnecting':
            return null;
          case 'qr':
          case 'pairing_code': {
            const code = state.status === 'qr' ? state.qr : state.pairingCode;
            if (code === shown) return null;
            shown = code;
            const patch: LoginPatch =
              state.status === 'qr'
                ? { status: 'qr', qr: state.qr, qrPng: state.qrPng ?? (state.qr ? await renderQr(state.qr) : null) }
                : { status: 'pairing_code', pairingCode: state.pairingCode };
            return (await updateLoginAttempt(db, accountId, attempt, patch)) ? null : superseded();
          }
          case 'open':
            await completeLoginAttempt(db, { accountId, attempt, secrets });
            return { status: 'connected' };
          case 'disconnected':
          case 'replaced':
          case 'closed': {
            const error = state.error?.message ?? `the whatsapp login ended (${state.status})`;
            await failLoginAttempt(db, accountId, attempt, error);
            return { status: 'failed', error };
          }
        }
      },
    );
  };

  return {
    /**
     * The first step of a login: sends the Telegram code, shows the first QR code, or requests
     * the WhatsApp pairing code, and records it. A WhatsApp account still logged in connects at once.
     *
     * @throws ApplicationFailure `LoginEnded` when the step failed (nothing is recorded then).
     */
    async beginAccountLogin(input: { accountId: string; method: LoginMethod; phone: string | null }): Promise<LoginStep> {
      const account = await realAccount(input.accountId);
      const attempt = currentAttempt();
      const start = (state: LoginPatch & { status: 'code_sent' | 'qr' | 'pairing_code' }) =>
        startLoginAttempt(db, { accountId: account.id, attempt, method: input.method, state });

      if (account.platform === 'telegram') {
        const logins = telegramLogins();
        const login = await logins.begin(account.id);
        try {
          if (input.method === 'qr') {
            const { qrUrl } = await login.startQrLogin();
            await start({ status: 'qr', qr: qrUrl, qrPng: await renderQr(qrUrl) });
            return { status: 'qr' };
          }
          if (input.method !== 'phone') throw new PlatformError('invalid', 'telegram logs in with a phone code or a QR code');
          await login.startPhoneLogin(input.phone ?? account.phone ?? '');
          await start({ status: 'code_sent' });
          return { status: 'code_sent' };
        } catch (err) {
          await logins.end(account.id, login);
          throw ended(err);
        }
      }

      const driver = whatsapp();
      let state: WhatsAppConnectionState;
      try {
        if (input.method === 'phone') throw new PlatformError('invalid', 'whatsapp logs in with a QR code or a pairing code');
        const method = input.method === 'qr' ? { method: 'qr' as const } : { method: 'pairing_code' as const, phone: input.phone ?? undefined };
        state = await driver.startLogin({ id: account.id, platform: 'whatsapp', phone: account.phone }, method);
      } catch (err) {
        await driver.cancelLogin(account.id);
        throw ended(err);
      }
      switch (state.status) {
        case 'open':
          await completeLoginAttempt(db, { accountId: account.id, attempt, secrets, immediate: true });
          return { status: 'connected' };
        case 'qr':
          await start({ status: 'qr', qr: state.qr, qrPng: state.qrPng ?? (state.qr ? await renderQr(state.qr) : null) });
          return { status: 'qr' };
        case 'pairing_code':
          await start({ status: 'pairing_code', pairingCode: state.pairingCode });
          return { status: 'pairing_code' };
        default:
          await driver.cancelLogin(account.id);
          throw ended(state.error ?? new PlatformError('transient', `the whatsapp login ended at once (${state.status})`));
      }
    },

    /**
     * Signs a Telegram login in with its code: connected, or `password_required` with the hint.
     *
     * @throws ApplicationFailure `LoginRejected` for a wrong code (try again), `LoginEnded` when
     *   the login is over (expired code, lost login).
     */
    async submitLoginCode(input: { accountId: string; code: string }): Promise<LoginStep> {
      const attempt = currentAttempt();
      const login = heldLogin(input.accountId);
      let state: Awaited<ReturnType<TelegramLogin['submitCode']>>;
      try {
        state = await login.submitCode(input.code);
      } catch (err) {
        throw await telegramStepFailure(input.accountId, attempt, login, err);
      }
      if (state.status === 'connected') {
        await finishTelegram(input.accountId, attempt, login, state.session);
        return { status: 'connected' };
      }
      await updateLoginAttempt(db, input.accountId, attempt, { status: 'password_required', hint: state.hint });
      return { status: 'password_required', hint: state.hint };
    },

    /**
     * Completes a Telegram 2FA login with the password (sealed by the API with AUTOHUB_SECRET_KEY).
     *
     * @throws ApplicationFailure `LoginRejected` for a wrong password, `LoginEnded` when the login is over.
     */
    async submitLoginPassword(input: { accountId: string; sealedPassword: string }): Promise<LoginStep> {
      const attempt = currentAttempt();
      const login = heldLogin(input.accountId);
      let password: string;
      try {
        password = secrets.open(input.sealedPassword);
      } catch {
        throw rejected(new PlatformError('invalid', 'the password could not be decrypted: the API and the worker must share AUTOHUB_SECRET_KEY'));
      }
      let state: Awaited<ReturnType<TelegramLogin['submitPassword']>>;
      try {
        state = await login.submitPassword(password);
      } catch (err) {
        throw await telegramStepFailure(input.accountId, attempt, login, err);
      }
      await finishTelegram(input.accountId, attempt, login, state.session);
      return { status: 'connected' };
    },

    /** Follows a QR or pairing-code login until it connects, needs the 2FA password, or fails. */
    async watchAccountLogin(input: { accountId: string }): Promise<LoginStep> {
      const account = await realAccount(input.accountId);
      const attempt = currentAttempt();
      return account.platform === 'telegram' ? watchTelegram(account.id, attempt) : watchWhatsApp(account.id, attempt);
    },

    /** Abandons the account's login in this worker and records it as failed with `reason`. */
    async cancelAccountLogin(input: { accountId: string; reason: string }): Promise<void> {
      const attempt = currentAttempt();
      await deps.telegramLogins?.end(input.accountId);
      await deps.whatsapp?.cancelLogin(input.accountId);
      await failLoginAttempt(db, input.accountId, attempt, input.reason);
    },

    /**
     * Logs the account's real session out at the platform and forgets it here: Telegram
     * `auth.logOut` and the stored session; WhatsApp unlinks the device and wipes its auth state.
     * Platform failures are reported, not thrown: the account is being deleted either way.
     */
    async logOutAccount(input: { accountId: string }): Promise<AccountLogoutResult> {
      const account = await findAnyAccount(db, input.accountId);
      if (!account || account.sandbox) return { loggedOut: false, error: account ? 'sandbox accounts have no login' : 'no such account' };
      let error: string | null = null;
      try {
        if (account.platform === 'telegram') {
          await deps.telegramLogins?.end(account.id);
          if (await readSessionSecret(db, secrets, account.id)) {
            await pool.use(account.id, (session) => (session.logout ? session.logout() : session.disconnect()));
          }
        } else {
          await whatsapp().logout(account.id);
        }
      } catch (err) {
        error = messageOf(err);
        log?.warn({ err, accountId: account.id }, 'logging the session out failed');
      } finally {
        await pool.drop(account.id);
        if (account.platform === 'telegram') await clearSessionSecret(db, account.id);
      }
      return { loggedOut: error === null, error };
    },
  };
}

/** Database-only login activities (main task queue). */
export function createLoginRecordActivities({ db }: { db: Knex }) {
  return {
    /** Records the current attempt as failed, when its worker could not (it stopped, or never took it). */
    async failAccountLogin(input: { accountId: string; error: string }): Promise<void> {
      await failLoginAttempt(db, input.accountId, currentAttempt(), input.error);
    },
  };
}

function superseded(): LoginStep {
  return { status: 'failed', error: 'the login was superseded by a newer one' };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type LoginActivities = ReturnType<typeof createLoginActivities>;
export type LoginRecordActivities = ReturnType<typeof createLoginRecordActivities>;
