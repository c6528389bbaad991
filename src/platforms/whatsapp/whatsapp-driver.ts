/**
 * The WhatsApp {@link PlatformDriver} on Baileys: logs accounts in (QR or pairing code) and opens
 * sessions, keeping one connection (so one socket) per account in this process.
 */
import { PlatformError, type PlatformDriver, type SessionAccount } from '../../domain/platform-port';
import type { AuthStateStore } from './auth-state';
import { loadBaileys, type BaileysModule } from './baileys';
import { toPlatformError } from './errors';
import type { InboundMessageStore } from './message-store';
import { silentLogger, type WhatsAppLogger, type WhatsAppSocketFactory } from './socket';
import type { BackoffOptions, ConnectionTimers } from './backoff';
import {
  WhatsAppConnection,
  type WhatsAppConnectionState,
  type WhatsAppConnectionStatus,
} from './whatsapp-connection';
import { WhatsAppSession } from './whatsapp-session';

/** What the driver is built from. */
export interface WhatsAppDriverOptions {
  /** The auth state store of an account (creds and signal keys, encrypted at rest by the caller). */
  authStore: (accountId: string) => AuthStateStore;
  /** @default the real Baileys socket */
  socketFactory?: WhatsAppSocketFactory;
  logger?: WhatsAppLogger;
  /** How long {@link WhatsAppDriver.connect} waits for the connection to open. @default 60000 */
  connectTimeoutMs?: number;
  /** How long {@link WhatsAppDriver.startLogin} waits for a QR code or pairing code. @default 30000 */
  loginTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  timers?: ConnectionTimers;
  /** Keeps received messages so sessions can search them; without one, search is not available. */
  messageStore?: InboundMessageStore;
  /**
   * Told when an account's connection changes what its account status should be: connected when
   * it opens, and when an open (or resumed) connection ends for good. A login that fails before it
   * ever opened is not reported here; its caller sees it in {@link WhatsAppDriver.loginState}.
   */
  onStatus?: (accountId: string, change: WhatsAppStatusChange) => void;
}

/** A change of an account's status caused by its WhatsApp connection. */
export interface WhatsAppStatusChange {
  /**
   * `connected`: the connection opened. `disconnected`: logged out (the saved login is wiped).
   * `replaced`: another client took the session over. `restricted`: WhatsApp refuses the account.
   */
  status: 'connected' | 'disconnected' | 'replaced' | 'restricted';
  /** Why it is no longer connected, for the other statuses. */
  reason: string | null;
  /** The account's session, the one `connect` hands out. */
  session: WhatsAppSession;
}

/** How to log in: scan a QR code, or type a pairing code into the phone with this number. */
export type WhatsAppLoginMethod =
  | { method: 'qr' }
  /** `phone` defaults to the account's phone. */
  | { method: 'pairing_code'; phone?: string };

interface Entry {
  connection: WhatsAppConnection;
  session: WhatsAppSession;
  /** Made by {@link WhatsAppDriver.startLogin} rather than to resume a saved login. */
  login: boolean;
  /** Whether the connection has been open at least once. */
  opened: boolean;
}

const SETTLED_FOR_CONNECT: readonly WhatsAppConnectionStatus[] = [
  'open',
  'qr',
  'pairing_code',
  'disconnected',
  'replaced',
  'closed',
];

/** The WhatsApp driver (`name: 'whatsapp'`). */
export class WhatsAppDriver implements PlatformDriver {
  readonly name = 'whatsapp' as const;
  private readonly options: WhatsAppDriverOptions;
  private readonly logger: WhatsAppLogger;
  private readonly entries = new Map<string, Entry>();

  constructor(options: WhatsAppDriverOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Opens (or returns the already open) session of a logged-in account. `sessionSecret` is not
   * used: WhatsApp's login lives in the account's {@link AuthStateStore}.
   *
   * @throws PlatformError `auth_revoked` when the account is not logged in (or a login is still
   *   waiting for its code), `transient` when it does not connect in time.
   */
  async connect(account: SessionAccount): Promise<WhatsAppSession> {
    if (account.platform !== 'whatsapp') {
      throw new PlatformError('invalid', `account ${account.id} is a ${account.platform} account, not whatsapp`);
    }
    const baileys = await this.baileys();
    let entry = this.entries.get(account.id);
    if (!entry || !entry.connection.active) {
      entry = this.createEntry(account.id, baileys, false);
      await entry.connection.start({ mode: 'resume' });
    }
    const state = await entry.connection.waitFor(
      (s) => SETTLED_FOR_CONNECT.includes(s.status),
      this.options.connectTimeoutMs ?? 60_000,
    );
    if (state.status === 'open') return entry.session;
    if (state.status === 'qr' || state.status === 'pairing_code') {
      throw new PlatformError('auth_revoked', 'whatsapp account is not logged in yet: its login is waiting for the code');
    }
    throw state.error ?? new PlatformError('transient', `whatsapp connection ended (${state.status})`);
  }

  /**
   * Starts logging an account in and resolves once there is something to show: status `qr`
   * (with `qr` and `qrPng`), `pairing_code` (with `pairingCode`), `open` (already logged in), or
   * `disconnected` with the `error`. Poll {@link loginState} afterwards: QR codes rotate about
   * every 20 s, and the status turns `open` when the phone confirmed.
   *
   * A login already waiting for its code is abandoned for the new one; an open connection is
   * left alone.
   *
   * @throws PlatformError `invalid` for a pairing-code login without a usable phone number.
   */
  async startLogin(account: SessionAccount, login: WhatsAppLoginMethod): Promise<WhatsAppConnectionState> {
    const pairingPhone = login.method === 'pairing_code' ? (login.phone ?? account.phone ?? undefined) : undefined;
    if (login.method === 'pairing_code' && pairingPhone === undefined) {
      throw new PlatformError('invalid', 'a pairing-code login needs the phone number of the account');
    }
    const baileys = await this.baileys();
    const existing = this.entries.get(account.id);
    if (existing?.connection.state.status === 'open') return existing.connection.state;
    if (existing?.connection.active) await existing.connection.close();

    const entry = this.createEntry(account.id, baileys, true);
    await entry.connection.start({ mode: 'login', pairingPhone });
    return entry.connection.waitFor(
      (s) => s.status !== 'connecting' && s.status !== 'reconnecting',
      this.options.loginTimeoutMs ?? 30_000,
    );
  }

  /** The current connection state of an account in this process, or null when it has none. */
  loginState(accountId: string): WhatsAppConnectionState | null {
    return this.entries.get(accountId)?.connection.state ?? null;
  }

  /**
   * Calls `listener` with every new state of the account's current connection (QR codes rotating,
   * the login completing or failing); returns the unsubscribe function, or null when the account
   * has no connection in this process. A later {@link startLogin} makes a new connection, whose
   * states this subscription does not see.
   */
  onLoginStateChange(accountId: string, listener: (state: WhatsAppConnectionState) => void): (() => void) | null {
    const entry = this.entries.get(accountId);
    return entry ? entry.connection.onStateChange(listener) : null;
  }

  /**
   * Abandons the account's login in progress: a connection that is not open is closed and
   * forgotten. An open connection is left alone, as is the saved login.
   */
  async cancelLogin(accountId: string): Promise<void> {
    const entry = this.entries.get(accountId);
    if (!entry || entry.connection.state.status === 'open') return;
    this.entries.delete(accountId);
    await entry.connection.close();
  }

  /** Unlinks the account's device (when connected) and wipes its saved login. */
  async logout(accountId: string): Promise<void> {
    const entry = this.entries.get(accountId);
    if (entry) {
      await entry.connection.logout();
      return;
    }
    try {
      await this.options.authStore(accountId).clear();
    } catch (err) {
      throw toPlatformError(err, 'wiping saved login');
    }
  }

  /** Closes every connection, for worker shutdown. Saved logins stay. */
  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map(({ connection }) => connection.close()));
  }

  private async baileys(): Promise<BaileysModule> {
    try {
      return await loadBaileys();
    } catch (err) {
      throw toPlatformError(err, 'loading baileys');
    }
  }

  private createEntry(accountId: string, baileys: BaileysModule, login: boolean): Entry {
    const logger = this.logger.child({ module: 'whatsapp', accountId });
    const connection = new WhatsAppConnection({
      accountId,
      store: this.options.authStore(accountId),
      baileys,
      socketFactory: this.options.socketFactory,
      logger,
      backoff: this.options.backoff,
      timers: this.options.timers,
    });
    const session: WhatsAppSession = new WhatsAppSession({
      accountId,
      connection,
      baileys,
      logger,
      messageStore: this.options.messageStore,
      onDisconnect: () => {
        if (this.entries.get(accountId)?.session === session) this.entries.delete(accountId);
      },
    });
    const entry: Entry = { connection, session, login, opened: false };
    this.entries.set(accountId, entry);
    const onStatus = this.options.onStatus;
    if (onStatus) {
      let previous = connection.state.status;
      connection.onStateChange((state) => {
        const before = previous;
        previous = state.status;
        if (state.status === before) return;
        const change = this.statusChange(entry, state);
        if (change) onStatus(accountId, change);
      });
    }
    return entry;
  }

  private statusChange(entry: Entry, state: WhatsAppConnectionState): WhatsAppStatusChange | null {
    const { session } = entry;
    if (state.status === 'open') {
      entry.opened = true;
      return { status: 'connected', reason: null, session };
    }
    // Until a login has opened, its failures belong to the login, not to the account.
    if (entry.login && !entry.opened) return null;
    const reason = state.error?.message ?? null;
    if (state.status === 'replaced') return { status: 'replaced', reason, session };
    if (state.status !== 'disconnected') return null;
    if (state.error?.kind === 'auth_revoked') return { status: 'disconnected', reason, session };
    if (state.error?.kind === 'restricted') return { status: 'restricted', reason, session };
    return null;
  }
}
