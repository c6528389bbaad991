import type { Logger } from 'pino';
import {
  PlatformError,
  type InboundListener,
  type PlatformDriver,
  type PlatformSession,
  type SessionAccount,
} from '../domain/platform-port';

/** An account as the pool needs it to pick a driver and open a session. */
export interface PoolAccount extends SessionAccount {
  sandbox: boolean;
}

export interface SessionPoolOptions {
  /** Drivers by flavour; a missing one means accounts of that flavour cannot connect here. */
  drivers: Partial<Record<'sandbox' | 'telegram' | 'whatsapp', PlatformDriver>>;
  loadAccount: (accountId: string) => Promise<PoolAccount | undefined>;
  onInbound: InboundListener;
  logger: Logger;
  /**
   * Whether this worker serves the account (holds its shard's lease): a session is opened only
   * then, so an account is never live in two workers. @default every account
   */
  isServed?: (accountId: string) => boolean;
}

/**
 * The live sessions of the accounts this worker serves. An account's session is opened on
 * demand, once even under concurrent demand, and reopened after a transient failure.
 */
export class SessionPool {
  private readonly sessions = new Map<string, Promise<PlatformSession>>();
  private closing = false;

  constructor(private readonly options: SessionPoolOptions) {}

  /** The account's live session, connecting it first if needed. */
  get(accountId: string): Promise<PlatformSession> {
    if (this.closing) return Promise.reject(new PlatformError('transient', 'session pool is shutting down'));
    if (this.options.isServed && !this.options.isServed(accountId)) {
      // Transient: the worker that holds the shard takes the retried activity.
      return Promise.reject(new PlatformError('transient', `this worker does not serve the session shard of account ${accountId}`));
    }
    let session = this.sessions.get(accountId);
    if (!session) {
      session = this.open(accountId);
      this.sessions.set(accountId, session);
      // A failed connect must not stay cached: the next caller tries again.
      session.catch(() => this.sessions.delete(accountId));
    }
    return session;
  }

  /**
   * Runs `operation` on the account's session. A transient failure closes the session so the
   * next attempt reconnects; the error still reaches the caller, whose retry policy decides.
   */
  async use<T>(accountId: string, operation: (session: PlatformSession) => Promise<T>): Promise<T> {
    const session = await this.get(accountId);
    try {
      return await operation(session);
    } catch (err) {
      if (err instanceof PlatformError && (err.kind === 'transient' || err.kind === 'auth_revoked')) {
        await this.drop(accountId);
      }
      throw err;
    }
  }

  /** Sessions live or opening. */
  get size(): number {
    return this.sessions.size;
  }

  has(accountId: string): boolean {
    return this.sessions.has(accountId);
  }

  /** Disconnects and forgets the account's session, if any. */
  async drop(accountId: string): Promise<void> {
    const session = this.sessions.get(accountId);
    if (!session) return;
    this.sessions.delete(accountId);
    await session.then((s) => s.disconnect()).catch(() => undefined);
  }

  /** Disconnects the sessions of the accounts `which` selects (those of a shard this worker stopped serving). */
  async dropWhere(which: (accountId: string) => boolean): Promise<void> {
    await Promise.all([...this.sessions.keys()].filter(which).map((id) => this.drop(id)));
  }

  async closeAll(): Promise<void> {
    this.closing = true;
    await this.dropWhere(() => true);
  }

  private async open(accountId: string): Promise<PlatformSession> {
    const account = await this.options.loadAccount(accountId);
    if (!account) throw new PlatformError('auth_revoked', `account ${accountId} does not exist`);
    const flavour = account.sandbox ? 'sandbox' : account.platform;
    const driver = this.options.drivers[flavour];
    // A worker's configuration is no reason to log the account out: the send is retried, the account stays as it is.
    if (!driver) throw new PlatformError('transient', `no ${flavour} driver is enabled on this worker`);
    const session = await driver.connect(account);
    session.onInbound(this.options.onInbound);
    this.options.logger.info({ accountId, driver: driver.name }, 'session connected');
    return session;
  }
}
