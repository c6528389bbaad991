/**
 * The live Telegram logins of one process, by an id the caller chooses (the account id, say).
 *
 * A login spans several HTTP calls yet must keep its one GramJS client throughout, so the
 * process that started it holds it here until it ends or sits idle too long.
 */
import { TelegramLogin, type TelegramLoginOptions } from './telegram-login';

/** How to build a {@link TelegramLogins}. */
export interface TelegramLoginsOptions extends TelegramLoginOptions {
  /** A login untouched this long is cancelled and forgotten. @default 600_000 */
  idleTimeoutMs?: number;
}

/** See the module comment. */
export class TelegramLogins {
  private readonly logins = new Map<string, { login: TelegramLogin; timer: NodeJS.Timeout }>();

  constructor(private readonly options: TelegramLoginsOptions) {}

  /**
   * A new login for `id`, cancelling any earlier one: starting over must not leave a client
   * holding an abandoned code or QR token.
   */
  async begin(id: string): Promise<TelegramLogin> {
    await this.end(id);
    const login = new TelegramLogin(this.options);
    this.logins.set(id, { login, timer: this.idleTimer(id) });
    return login;
  }

  /** The live login for `id`, if any; using it postpones its idle expiry. */
  get(id: string): TelegramLogin | undefined {
    const entry = this.logins.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    entry.timer = this.idleTimer(id);
    return entry.login;
  }

  /**
   * Cancels and forgets the login for `id`; with `login`, only if that is still the login held
   * for `id`, so finishing an old login cannot end the one that replaced it.
   */
  async end(id: string, login?: TelegramLogin): Promise<void> {
    const entry = this.logins.get(id);
    if (!entry || (login !== undefined && entry.login !== login)) return;
    this.logins.delete(id);
    clearTimeout(entry.timer);
    await entry.login.cancel();
  }

  /** Cancels every login, for shutdown. */
  async endAll(): Promise<void> {
    await Promise.all([...this.logins.keys()].map((id) => this.end(id)));
  }

  private idleTimer(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => void this.end(id), this.options.idleTimeoutMs ?? 600_000);
    timer.unref();
    return timer;
  }
}
