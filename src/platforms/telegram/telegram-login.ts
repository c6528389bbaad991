/**
 * Logging a Telegram account in, as a state machine independent of HTTP.
 *
 * Phone login: {@link TelegramLogin.startPhoneLogin} → {@link TelegramLogin.submitCode} →
 * (accounts with 2FA) {@link TelegramLogin.submitPassword}. QR login:
 * {@link TelegramLogin.startQrLogin}, then the phone scans the current {@link LoginState} `qrUrl`
 * (refreshed as tokens expire) and the state moves on by itself. Either way the end state is
 * `connected` with a StringSession to store, encrypted, as the account's session secret.
 *
 * One login keeps one GramJS client from start to finish: Telegram ties the code it sends to the
 * connection that asked for it, and a new client signing in gets PHONE_CODE_EXPIRED.
 */
import { Api } from 'telegram';
import { Raw } from 'telegram/events';
import { computeCheck } from 'telegram/Password';
import { StringSession } from 'telegram/sessions';
import { PlatformError } from '../../domain/platform-port';
import {
  createGramClient,
  requireCredentials,
  type GramClient,
  type GramClientFactory,
  type TelegramCredentials,
  type TelegramLogger,
} from './client';
import { personName } from './entities';
import { telegramErrorCode, toPlatformError } from './errors';
import { publicUsername } from './peer-cache';
import { withTimeout } from './timeout';

/** The account a login signed in to. */
export interface LoginUser {
  id: string;
  username: string | null;
  name: string | null;
  phone: string | null;
}

/** Where a login stands. */
export type LoginState =
  | { status: 'idle' }
  | { status: 'code_sent'; phoneCodeHash: string; via: 'app' | 'sms' }
  | { status: 'qr_pending'; qrUrl: string; expiresAt: Date }
  | { status: 'password_required'; hint: string | null }
  | { status: 'connected'; session: string; user: LoginUser }
  | { status: 'failed'; error: PlatformError };

/** How to build a {@link TelegramLogin}. */
export interface TelegramLoginOptions extends TelegramCredentials {
  /** @default createGramClient */
  clientFactory?: GramClientFactory;
  logger?: TelegramLogger;
  /** @default 30_000 */
  requestTimeoutMs?: number;
  /** Shortest wait before a QR token is refreshed, whatever its stated expiry. @default 1_000 */
  qrMinRefreshMs?: number;
}

/** Telegram errors after which the same code or password step may simply be tried again. */
const RETRYABLE_CODE_ERRORS = new Set(['PHONE_CODE_INVALID', 'PHONE_CODE_EMPTY']);
const RETRYABLE_PASSWORD_ERRORS = new Set(['PASSWORD_HASH_INVALID', 'SRP_ID_INVALID']);

/** See the module comment. One instance per login attempt of one account. */
export class TelegramLogin {
  private current: LoginState = { status: 'idle' };
  private client: GramClient | undefined;
  private session: StringSession | undefined;
  private phone = '';
  private readonly listeners = new Set<(state: LoginState) => void>();
  private qrTimer: NodeJS.Timeout | undefined;
  private readonly qrUpdates = new Raw({ types: [Api.UpdateLoginToken] });
  private qrChecks: Promise<void> = Promise.resolve();

  constructor(private readonly options: TelegramLoginOptions) {}

  /** The current state. */
  get state(): LoginState {
    return this.current;
  }

  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onChange(listener: (state: LoginState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves with the state after its next change, or the unchanged state after `timeoutMs`. */
  waitForChange(timeoutMs: number): Promise<LoginState> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop();
        resolve(this.current);
      }, timeoutMs);
      const stop = this.onChange((state) => {
        clearTimeout(timer);
        stop();
        resolve(state);
      });
    });
  }

  /**
   * Asks Telegram to send a login code to `phone` (in the Telegram app, or by SMS).
   *
   * @throws PlatformError `invalid` for a malformed or banned number or missing credentials,
   *   `rate_limited` when Telegram refuses more codes for now.
   */
  async startPhoneLogin(phone: string): Promise<LoginState & { status: 'code_sent' }> {
    const credentials = requireCredentials(this.options);
    const number = normalizePhone(phone);
    const client = await this.open();
    try {
      const sent = await this.bounded(client.sendCode(credentials, number), 'auth.sendCode');
      this.phone = number;
      return this.enter({ status: 'code_sent', phoneCodeHash: sent.phoneCodeHash, via: sent.isCodeViaApp ? 'app' : 'sms' });
    } catch (err) {
      throw await this.fail(err);
    }
  }

  /**
   * Signs in with the code Telegram sent. A wrong code leaves the login waiting for another try;
   * an expired one ends it (start again).
   */
  async submitCode(code: string): Promise<LoginState & { status: 'connected' | 'password_required' }> {
    const state = this.current;
    const client = this.client;
    if (state.status !== 'code_sent' || !client) {
      throw new PlatformError('invalid', 'no login code is awaited; start the phone login first');
    }
    try {
      const authorization = await this.bounded(
        client.invoke(
          new Api.auth.SignIn({ phoneNumber: this.phone, phoneCodeHash: state.phoneCodeHash, phoneCode: code.replace(/[\s-]/g, '') }),
        ),
        'auth.signIn',
      );
      return await this.finish(authorization);
    } catch (err) {
      const reason = telegramErrorCode(err);
      if (reason === 'SESSION_PASSWORD_NEEDED') return this.askPassword();
      if (reason !== undefined && RETRYABLE_CODE_ERRORS.has(reason)) throw toPlatformError(err);
      throw await this.fail(err);
    }
  }

  /** Completes a 2FA login: SRP check of `password` against the account's current parameters. */
  async submitPassword(password: string): Promise<LoginState & { status: 'connected' }> {
    const client = this.client;
    if (this.current.status !== 'password_required' || !client) {
      throw new PlatformError('invalid', 'no 2FA password is awaited');
    }
    try {
      // The SRP parameters are single-use, so every attempt fetches fresh ones.
      const params = await this.bounded(client.invoke(new Api.account.GetPassword()), 'account.getPassword');
      const check = await computeCheck(params, password);
      const authorization = await this.bounded(client.invoke(new Api.auth.CheckPassword({ password: check })), 'auth.checkPassword');
      return await this.finish(authorization);
    } catch (err) {
      const reason = telegramErrorCode(err);
      if (reason !== undefined && RETRYABLE_PASSWORD_ERRORS.has(reason)) throw toPlatformError(err);
      throw await this.fail(err);
    }
  }

  /**
   * Starts a QR login and resolves with the first `tg://login?token=…` url. The token is
   * refreshed when it expires; once the phone accepts it the state becomes `connected` (or
   * `password_required`) without further calls.
   */
  async startQrLogin(): Promise<LoginState & { status: 'qr_pending' }> {
    requireCredentials(this.options);
    const client = await this.open();
    client.addEventHandler(this.onLoginToken, this.qrUpdates);
    await this.checkQr();
    const state = this.current;
    if (state.status === 'qr_pending') return state;
    if (state.status === 'failed') throw state.error;
    throw new PlatformError('invalid', `QR login ended at once in state ${state.status}`);
  }

  /** Abandons the login and closes its client. */
  async cancel(): Promise<void> {
    await this.close();
    if (this.current.status !== 'connected') this.enter({ status: 'idle' });
  }

  private readonly onLoginToken = (): void => {
    void this.checkQr();
  };

  /** Asks Telegram where the QR login stands; serialised, as both timers and updates trigger it. */
  private checkQr(): Promise<void> {
    this.qrChecks = this.qrChecks.then(() => this.exportLoginToken());
    return this.qrChecks;
  }

  private async exportLoginToken(): Promise<void> {
    const client = this.client;
    if (!client || !(this.current.status === 'idle' || this.current.status === 'qr_pending')) return;
    const { apiId, apiHash } = requireCredentials(this.options);
    try {
      let result = await this.bounded(client.invoke(new Api.auth.ExportLoginToken({ apiId, apiHash, exceptIds: [] })), 'auth.exportLoginToken');
      if (result instanceof Api.auth.LoginTokenMigrateTo) {
        // The account lives in another data centre: move there and import the token.
        await this.bounded(client._switchDC(result.dcId), 'switch DC');
        result = await this.bounded(client.invoke(new Api.auth.ImportLoginToken({ token: result.token })), 'auth.importLoginToken');
      }
      // A login cancelled or restarted meanwhile must not be revived by this late answer.
      if (this.client !== client) return;
      if (result instanceof Api.auth.LoginToken) {
        const expiresAt = new Date(result.expires * 1000);
        this.enter({ status: 'qr_pending', qrUrl: `tg://login?token=${Buffer.from(result.token).toString('base64url')}`, expiresAt });
        this.scheduleQrRefresh(expiresAt);
        return;
      }
      if (result instanceof Api.auth.LoginTokenSuccess) {
        await this.finish(result.authorization);
        return;
      }
      await this.fail(new PlatformError('transient', `unexpected QR login answer ${result.className}`));
    } catch (err) {
      if (this.client !== client) return;
      if (telegramErrorCode(err) === 'SESSION_PASSWORD_NEEDED') {
        await this.askPassword().catch(() => undefined);
        return;
      }
      // finish() and askPassword() record their own failures before throwing.
      if (!this.hasFailed()) await this.fail(err);
    }
  }

  private scheduleQrRefresh(expiresAt: Date): void {
    this.clearQrTimer();
    const delay = Math.max(this.options.qrMinRefreshMs ?? 1_000, expiresAt.getTime() - Date.now());
    this.qrTimer = setTimeout(() => void this.checkQr(), delay);
    this.qrTimer.unref();
  }

  private async askPassword(): Promise<LoginState & { status: 'password_required' }> {
    const client = this.client;
    if (!client) throw new PlatformError('invalid', 'the login was closed');
    this.clearQrTimer();
    try {
      const params = await this.bounded(client.invoke(new Api.account.GetPassword()), 'account.getPassword');
      return this.enter({ status: 'password_required', hint: params.hint ?? null });
    } catch (err) {
      throw await this.fail(err);
    }
  }

  /** Turns a successful authorization into the `connected` state and releases the client. */
  private async finish(authorization: Api.auth.TypeAuthorization): Promise<LoginState & { status: 'connected' }> {
    if (authorization instanceof Api.auth.AuthorizationSignUpRequired) {
      throw await this.fail(
        new PlatformError('invalid', 'PHONE_NUMBER_UNOCCUPIED: no Telegram account uses this number; sign up in a Telegram app first'),
      );
    }
    const session = this.session?.save() ?? '';
    if (session === '') throw await this.fail(new PlatformError('transient', 'the signed-in session has no auth key to save'));
    const user = authorization.user;
    const state = this.enter({
      status: 'connected',
      session,
      user:
        user instanceof Api.User
          ? { id: user.id.toString(), username: publicUsername(user), name: personName(user), phone: user.phone ? `+${user.phone}` : null }
          : { id: user.id.toString(), username: null, name: null, phone: null },
    });
    // The session will be opened by the driver; the same key live on two clients risks AUTH_KEY_DUPLICATED.
    await this.close();
    return state;
  }

  /** Ends the login with `err` (as a PlatformError, returned for throwing) and closes the client. */
  private async fail(err: unknown): Promise<PlatformError> {
    const error = toPlatformError(err);
    // Steps that already failed rethrow their error through callers that fail again.
    if (this.current.status === 'failed' && this.current.error === error) return error;
    this.enter({ status: 'failed', error });
    await this.close();
    return error;
  }

  /** A fresh client on an empty session, connected; any earlier attempt's client is closed. */
  private async open(): Promise<GramClient> {
    await this.close();
    const { apiId, apiHash } = requireCredentials(this.options);
    const factory = this.options.clientFactory ?? createGramClient;
    this.session = new StringSession('');
    const client = factory({ session: this.session, apiId, apiHash, floodSleepThreshold: 3, logger: this.options.logger });
    this.client = client;
    this.enter({ status: 'idle' });
    try {
      if (!(await this.bounded(client.connect(), 'connect'))) {
        throw new PlatformError('transient', 'network: could not reach Telegram');
      }
    } catch (err) {
      throw await this.fail(err);
    }
    return client;
  }

  private async close(): Promise<void> {
    this.clearQrTimer();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeEventHandler(this.onLoginToken, this.qrUpdates);
    await client.destroy().catch((err: unknown) => this.options.logger?.warn({ err }, 'closing the login client failed'));
  }

  private hasFailed(): boolean {
    return this.current.status === 'failed';
  }

  private clearQrTimer(): void {
    if (this.qrTimer) clearTimeout(this.qrTimer);
    this.qrTimer = undefined;
  }

  private enter<S extends LoginState>(state: S): S {
    this.current = state;
    for (const listener of [...this.listeners]) listener(state);
    return state;
  }

  private bounded<T>(operation: Promise<T>, what: string): Promise<T> {
    return withTimeout(operation, this.options.requestTimeoutMs ?? 30_000, what);
  }
}

/**
 * The phone number as Telegram takes it: `+` and digits only.
 *
 * @throws PlatformError `invalid` when it cannot be an international number.
 */
export function normalizePhone(phone: string): string {
  const compact = phone.replace(/[\s().-]/g, '');
  if (!/^\+?\d{7,15}$/.test(compact)) {
    throw new PlatformError('invalid', `PHONE_NUMBER_INVALID: ${JSON.stringify(phone)} is not an international phone number`);
  }
  return compact.startsWith('+') ? compact : `+${compact}`;
}
