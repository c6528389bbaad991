/**
 * The connection lifecycle of one WhatsApp account: a small state machine around a socket factory.
 *
 * ```
 * idle ─start─> connecting ─qr──────────> qr ────────────┐ (scanned / code entered:
 *                   │      └─qr+phone──> pairing_code ──┤  server closes with 515)
 *                   │                                   v
 *                   ├─<─ restart required (515): new socket on the same auth state
 *                   ├─open──> open
 *                   └─close─> logged out (401) ──> disconnected   (creds wiped, auth_revoked)
 *                             replaced (440) ────> replaced       (no reconnect)
 *                             refused (403) ─────> disconnected   (creds kept, restricted)
 *                             anything else ─────> reconnecting ─backoff─> connecting
 * close() from any state ──> closed
 * ```
 * There is at most one socket at a time; a socket that was replaced or ended on purpose is
 * detached first, so its late events cannot move the machine.
 */
import { EventEmitter } from 'node:events';
import QRCode from 'qrcode';
import type {
  BaileysEventMap,
  ConnectionState,
  WAMessage,
  WAMessageContent,
  WAMessageKey,
} from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { PlatformError } from '../../domain/platform-port';
import { isPaired, makeAuthState, type AuthStateStore, type WhatsAppAuthState } from './auth-state';
import type { BaileysModule } from './baileys';
import { DISCONNECT_REASON, classifyDisconnect, disconnectStatusCode, toPlatformError } from './errors';
import { phoneDigits } from '../../domain/whatsapp-target-keys';
import { DEFAULT_BACKOFF, backoffDelay, realTimers, type BackoffOptions, type ConnectionTimers } from './backoff';
import {
  baileysSocketFactory,
  silentLogger,
  type WhatsAppLogger,
  type WhatsAppSocket,
  type WhatsAppSocketFactory,
} from './socket';

/** Where a connection is in its lifecycle. */
export type WhatsAppConnectionStatus =
  /** Never started. */
  | 'idle'
  /** A socket is opening (or re-opening after a restart request). */
  | 'connecting'
  /** Waiting for the QR code in `qr`/`qrPng` to be scanned. */
  | 'qr'
  /** Waiting for the code in `pairingCode` to be entered on the phone. */
  | 'pairing_code'
  /** Logged in and connected. */
  | 'open'
  /** Waiting out a backoff delay before the next socket. */
  | 'reconnecting'
  /** Down for good: logged out, refused, or a login that did not complete. `error` says why. */
  | 'disconnected'
  /** Another client took this session over; not reconnecting. */
  | 'replaced'
  /** Closed on purpose. */
  | 'closed';

/** Statuses in which the connection holds or is about to hold a socket. */
export const ACTIVE_STATUSES: readonly WhatsAppConnectionStatus[] = [
  'connecting',
  'qr',
  'pairing_code',
  'open',
  'reconnecting',
];

/** A snapshot of a connection. */
export interface WhatsAppConnectionState {
  status: WhatsAppConnectionStatus;
  /** The current QR code text, while `status` is `qr`. */
  qr: string | null;
  /** The current QR code as a `data:image/png;base64,…` URL, while `status` is `qr`. */
  qrPng: string | null;
  /** The code to enter on the phone, while `status` is `pairing_code`. */
  pairingCode: string | null;
  /** The logged-in account, once known. */
  me: { id: string; lid: string | null; name: string | null } | null;
  /** Why the connection is not open, when it failed. */
  error: PlatformError | null;
  /** Reconnects since the connection was last open. */
  reconnectAttempts: number;
}

/** What a connection is built from. */
export interface WhatsAppConnectionOptions {
  accountId: string;
  store: AuthStateStore;
  baileys: BaileysModule;
  /** @default baileysSocketFactory */
  socketFactory?: WhatsAppSocketFactory;
  logger?: WhatsAppLogger;
  backoff?: Partial<BackoffOptions>;
  timers?: ConnectionTimers;
  /** Renders a QR code text as a PNG data URL. @default QRCode.toDataURL */
  renderQr?: (text: string) => Promise<string>;
}

/** How to start a connection. */
export interface StartOptions {
  /**
   * `login` shows a QR code (or pairing code) when the account has no saved login;
   * `resume` uses the saved login only and ends `disconnected` with `auth_revoked` without one.
   */
  mode: 'login' | 'resume';
  /** In `login` mode: log in with a pairing code for this phone number instead of a QR code. */
  pairingPhone?: string;
}

type EventName = keyof BaileysEventMap;
interface Subscription {
  event: EventName;
  listener: (arg: never) => void;
}
// Subscriptions hold listeners for different events; the socket's typed `on`/`off` cannot take the union.
interface UntypedEmitter {
  on(event: EventName, listener: (arg: never) => void): void;
  off(event: EventName, listener: (arg: never) => void): void;
}

const SENT_MESSAGES_KEPT = 500;

/** One account's WhatsApp connection; see the module comment for its states. */
export class WhatsAppConnection {
  readonly accountId: string;
  private readonly store: AuthStateStore;
  private readonly baileys: BaileysModule;
  private readonly socketFactory: WhatsAppSocketFactory;
  private readonly logger: WhatsAppLogger;
  private readonly backoff: BackoffOptions;
  private readonly timers: ConnectionTimers;
  private readonly renderQr: (text: string) => Promise<string>;
  private readonly changes = new EventEmitter();
  private readonly subscriptions = new Set<Subscription>();
  private readonly sentMessages = new Map<string, WAMessageContent>();

  private current: WhatsAppConnectionState = {
    status: 'idle',
    qr: null,
    qrPng: null,
    pairingCode: null,
    me: null,
    error: null,
    reconnectAttempts: 0,
  };
  private mode: StartOptions['mode'] = 'resume';
  private pairingDigits: string | null = null;
  private auth: WhatsAppAuthState | null = null;
  private sock: WhatsAppSocket | null = null;
  private detachSocket: () => void = () => undefined;
  private reconnectTimer: unknown = null;
  /** Whether the current socket started from a completed login (so a 401 means it was revoked). */
  private openedPaired = false;
  /** Bumped by every QR code and every state that makes QR codes stale, so a late-rendered one is dropped. */
  private qrGeneration = 0;

  constructor(options: WhatsAppConnectionOptions) {
    this.accountId = options.accountId;
    this.store = options.store;
    this.baileys = options.baileys;
    this.socketFactory = options.socketFactory ?? baileysSocketFactory;
    this.logger = options.logger ?? silentLogger;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.timers = options.timers ?? realTimers;
    this.renderQr = options.renderQr ?? ((text) => QRCode.toDataURL(text));
    this.changes.setMaxListeners(0);
  }

  /** The current snapshot. */
  get state(): WhatsAppConnectionState {
    return this.current;
  }

  /** True while the connection holds or is about to hold a socket. */
  get active(): boolean {
    return ACTIVE_STATUSES.includes(this.current.status);
  }

  /** Calls `listener` with every new snapshot; returns the unsubscribe function. */
  onStateChange(listener: (state: WhatsAppConnectionState) => void): () => void {
    this.changes.on('state', listener);
    return () => this.changes.off('state', listener);
  }

  /**
   * Listens to a Baileys event on the current socket and on every socket opened after it.
   * A listener that throws is logged, never passed back into Baileys. Returns the unsubscribe function.
   */
  subscribe<E extends EventName>(event: E, listener: (arg: BaileysEventMap[E]) => void): () => void {
    const guarded = (arg: BaileysEventMap[E]): void => {
      try {
        listener(arg);
      } catch (err) {
        this.logger.error({ err, event }, 'whatsapp event listener failed');
      }
    };
    const subscription: Subscription = { event, listener: guarded as (arg: never) => void };
    this.subscriptions.add(subscription);
    if (this.sock) (this.sock.ev as UntypedEmitter).on(event, subscription.listener);
    return () => {
      this.subscriptions.delete(subscription);
      if (this.sock) (this.sock.ev as UntypedEmitter).off(event, subscription.listener);
    };
  }

  /**
   * Starts the connection: loads the auth state and opens the first socket. The outcome, failures
   * included, shows in {@link state} (use {@link waitFor}); only misuse throws.
   *
   * @throws PlatformError `invalid` when already active or when `pairingPhone` is not a phone number.
   */
  async start(options: StartOptions): Promise<void> {
    if (this.active) throw new PlatformError('invalid', `whatsapp connection is already ${this.current.status}`);
    let pairingDigits: string | null = null;
    if (options.pairingPhone !== undefined) {
      pairingDigits = phoneDigits(options.pairingPhone);
      if (pairingDigits === null) {
        throw new PlatformError('invalid', `not a phone number with country code: "${options.pairingPhone}"`);
      }
    }
    this.mode = options.mode;
    this.pairingDigits = options.mode === 'login' ? pairingDigits : null;
    this.update({ status: 'connecting', qr: null, qrPng: null, pairingCode: null, error: null, reconnectAttempts: 0 });

    try {
      this.auth = await makeAuthState(this.store, this.baileys, this.logger);
    } catch (err) {
      this.update({ status: 'disconnected', error: toPlatformError(err, 'loading auth state') });
      return;
    }
    if (this.current.status !== 'connecting') return;
    if (this.mode === 'resume' && !isPaired(this.auth.state.creds)) {
      this.update({ status: 'disconnected', error: notLoggedIn() });
      return;
    }
    this.openSocket();
  }

  /**
   * Resolves with the first snapshot (the current one included) for which `predicate` holds.
   *
   * @throws PlatformError `transient` when none does within `timeoutMs`.
   */
  waitFor(predicate: (state: WhatsAppConnectionState) => boolean, timeoutMs: number): Promise<WhatsAppConnectionState> {
    if (predicate(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new PlatformError(
            'transient',
            `whatsapp: no usable connection after ${timeoutMs} ms (status ${this.current.status})`,
          ),
        );
      }, timeoutMs);
      const off = this.onStateChange((state) => {
        if (!predicate(state)) return;
        clearTimeout(timer);
        off();
        resolve(state);
      });
    });
  }

  /**
   * The open socket.
   *
   * @throws PlatformError the reason the connection is down (`auth_revoked` after a logout,
   *   `transient` while reconnecting, …).
   */
  socket(): WhatsAppSocket {
    if (this.sock && this.current.status === 'open') return this.sock;
    const reason = this.current.error;
    if (reason) return throwCopy(reason);
    throw new PlatformError('transient', `whatsapp connection is ${this.current.status}, not open`);
  }

  /** Keeps the content of a sent message, so Baileys can resend it when a recipient asks for a retry. */
  rememberSent(message: WAMessage | undefined): void {
    const id = message?.key.id;
    if (!id || !message.message) return;
    this.sentMessages.delete(id);
    this.sentMessages.set(id, message.message);
    if (this.sentMessages.size > SENT_MESSAGES_KEPT) {
      const oldest = this.sentMessages.keys().next().value;
      if (oldest !== undefined) this.sentMessages.delete(oldest);
    }
  }

  /** Unlinks the device from the account and wipes the saved login. */
  async logout(): Promise<void> {
    this.clearReconnectTimer();
    const sock = this.sock;
    this.dropSocket();
    if (sock) {
      try {
        await sock.logout();
      } catch (err) {
        // The login is wiped below either way; an unreachable server only means the phone still lists the device.
        this.logger.warn({ err }, 'whatsapp logout request failed');
      }
    }
    await this.wipeAuth();
    this.update({
      status: 'disconnected',
      qr: null,
      qrPng: null,
      pairingCode: null,
      error: new PlatformError('auth_revoked', 'whatsapp account logged out'),
    });
  }

  /** Ends the socket and stops reconnecting. The saved login stays. */
  async close(): Promise<void> {
    this.clearReconnectTimer();
    const sock = this.sock;
    this.dropSocket();
    this.update({ status: 'closed', qr: null, qrPng: null, pairingCode: null });
    if (sock) await endQuietly(sock, this.logger);
  }

  private update(patch: Partial<WhatsAppConnectionState>): void {
    this.current = { ...this.current, ...patch };
    this.changes.emit('state', this.current);
  }

  private openSocket(): void {
    this.clearReconnectTimer();
    this.dropSocket();
    const auth = this.auth;
    if (!auth) return;
    this.openedPaired = isPaired(auth.state.creds);

    let sock: WhatsAppSocket;
    try {
      sock = this.socketFactory({
        accountId: this.accountId,
        auth: auth.state,
        logger: this.logger,
        baileys: this.baileys,
        getMessage: (key: WAMessageKey) => Promise.resolve(key.id ? this.sentMessages.get(key.id) : undefined),
      });
    } catch (err) {
      this.scheduleReconnect(toPlatformError(err, 'opening socket'));
      return;
    }

    let pairingRequested = false;
    const onConnection = (update: Partial<ConnectionState>): void => {
      if (sock !== this.sock) return;
      if (update.connection === 'close') {
        void this.onClose(update.lastDisconnect?.error);
        return;
      }
      if (update.qr) {
        if (this.pairingDigits !== null && this.mode === 'login') {
          if (pairingRequested) return;
          pairingRequested = true;
          void this.requestPairingCode(sock, this.pairingDigits);
        } else {
          void this.onQr(sock, update.qr);
        }
      }
      if (update.isNewLogin) {
        this.qrGeneration += 1;
        this.update({ status: 'connecting', qr: null, qrPng: null, pairingCode: null });
      }
      if (update.connection === 'open') {
        // Logged in now: from here on a logout or a new QR code means the device was unlinked,
        // not that the login started from stale creds, so the connection behaves as a resumed one.
        this.mode = 'resume';
        this.pairingDigits = null;
        this.qrGeneration += 1;
        this.update({
          status: 'open',
          qr: null,
          qrPng: null,
          pairingCode: null,
          error: null,
          reconnectAttempts: 0,
          me: this.describeUser(sock),
        });
      }
    };
    const onCreds = (update: Partial<typeof auth.state.creds>): void => {
      // Baileys merges the update into the creds itself; merging again keeps this independent of listener order.
      Object.assign(auth.state.creds, update);
      auth.saveCreds().catch((err: unknown) => this.logger.error({ err }, 'saving whatsapp creds failed'));
    };

    const ev = sock.ev as UntypedEmitter;
    sock.ev.on('connection.update', onConnection);
    sock.ev.on('creds.update', onCreds);
    const subscriptions = [...this.subscriptions];
    for (const { event, listener } of subscriptions) ev.on(event, listener);
    this.sock = sock;
    this.detachSocket = () => {
      sock.ev.off('connection.update', onConnection);
      sock.ev.off('creds.update', onCreds);
      for (const { event, listener } of subscriptions) ev.off(event, listener);
      for (const { event, listener } of this.subscriptions) ev.off(event, listener);
    };
  }

  /** Forgets the current socket and detaches from it, without ending it. */
  private dropSocket(): void {
    this.detachSocket();
    this.detachSocket = () => undefined;
    this.sock = null;
  }

  private async onQr(sock: WhatsAppSocket, qr: string): Promise<void> {
    if (this.mode === 'resume') {
      // The server asks for a new device link: the saved login is no longer accepted.
      this.dropSocket();
      this.update({ status: 'disconnected', error: notLoggedIn() });
      await endQuietly(sock, this.logger);
      return;
    }
    const generation = ++this.qrGeneration;
    let qrPng: string | null = null;
    try {
      qrPng = await this.renderQr(qr);
    } catch (err) {
      this.logger.warn({ err }, 'rendering whatsapp QR code failed');
    }
    if (sock !== this.sock || generation !== this.qrGeneration) return;
    this.update({ status: 'qr', qr, qrPng, pairingCode: null });
  }

  private async requestPairingCode(sock: WhatsAppSocket, digits: string): Promise<void> {
    try {
      const pairingCode = await sock.requestPairingCode(digits);
      if (sock !== this.sock) return;
      this.update({ status: 'pairing_code', pairingCode, qr: null, qrPng: null });
    } catch (err) {
      if (sock !== this.sock) return;
      this.dropSocket();
      this.update({ status: 'disconnected', error: toPlatformError(err, 'requesting pairing code') });
      await endQuietly(sock, this.logger);
    }
  }

  private async onClose(reason: Error | undefined): Promise<void> {
    const wasLoggingIn = this.current.status === 'qr' || this.current.status === 'pairing_code';
    const openedPaired = this.openedPaired;
    this.dropSocket();
    const error = toPlatformError(reason ?? new Error('connection closed'), 'connection closed');

    switch (classifyDisconnect(reason)) {
      case 'restart':
        // Expected right after a device is linked: the new socket logs in with the fresh creds.
        this.logger.info({}, 'whatsapp asked for a restart; reconnecting');
        this.update({ status: 'connecting', qr: null, qrPng: null, pairingCode: null });
        this.openSocket();
        return;
      case 'logged_out':
        await this.wipeAuth();
        if (this.current.status === 'closed') return;
        if (this.mode === 'login' && openedPaired) {
          // The login this flow started from was stale; begin a fresh device link instead of giving up.
          await this.restartLoginAfresh();
          return;
        }
        this.update({
          status: 'disconnected',
          qr: null,
          qrPng: null,
          pairingCode: null,
          error: new PlatformError('auth_revoked', 'whatsapp logged out: the device was unlinked; log in again', undefined, {
            cause: reason,
          }),
        });
        return;
      case 'replaced':
        this.update({
          status: 'replaced',
          error: new PlatformError(
            'transient',
            'whatsapp session replaced: another client opened this account; not reconnecting',
            undefined,
            { cause: reason },
          ),
        });
        return;
      case 'refused':
        this.update({ status: 'disconnected', error });
        return;
      case 'reconnect':
        if (wasLoggingIn && disconnectStatusCode(reason) === DISCONNECT_REASON.timedOut) {
          // Baileys ends the socket this way when every QR code of the login expired unused.
          this.update({
            status: 'disconnected',
            qr: null,
            qrPng: null,
            pairingCode: null,
            error: new PlatformError('transient', 'whatsapp login timed out: the code was not used in time', undefined, {
              cause: reason,
            }),
          });
          return;
        }
        this.scheduleReconnect(error);
    }
  }

  private async restartLoginAfresh(): Promise<void> {
    try {
      this.auth = await makeAuthState(this.store, this.baileys, this.logger);
    } catch (err) {
      this.update({ status: 'disconnected', error: toPlatformError(err, 'loading auth state') });
      return;
    }
    if (this.current.status === 'closed') return;
    this.update({ status: 'connecting', qr: null, qrPng: null, pairingCode: null });
    this.openSocket();
  }

  private scheduleReconnect(error: PlatformError): void {
    const attempt = this.current.reconnectAttempts + 1;
    const delay = backoffDelay(attempt, this.backoff);
    this.logger.warn({ attempt, delayMs: delay, err: error }, 'whatsapp connection lost; reconnecting');
    this.update({ status: 'reconnecting', error, reconnectAttempts: attempt, qr: null, qrPng: null, pairingCode: null });
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.current.status !== 'reconnecting') return;
      this.update({ status: 'connecting' });
      this.openSocket();
    }, delay);
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private async wipeAuth(): Promise<void> {
    const auth = this.auth;
    this.auth = null;
    try {
      await (auth ? auth.clear() : this.store.clear());
    } catch (err) {
      this.logger.error({ err }, 'wiping whatsapp creds failed');
    }
  }

  private describeUser(sock: WhatsAppSocket): WhatsAppConnectionState['me'] {
    const user = sock.user;
    if (!user) return null;
    return {
      id: this.baileys.jidNormalizedUser(user.id),
      lid: user.lid ? this.baileys.jidNormalizedUser(user.lid) : null,
      name: user.name ?? user.notify ?? null,
    };
  }
}

function notLoggedIn(): PlatformError {
  return new PlatformError('auth_revoked', 'whatsapp account is not logged in; log in with a QR code or pairing code');
}

function throwCopy(error: PlatformError): never {
  // A fresh error per call, so each failure carries its own stack; the original stays the cause.
  throw new PlatformError(error.kind, error.message, error.retryAfterSeconds, { cause: error });
}

async function endQuietly(sock: WhatsAppSocket, logger: WhatsAppLogger): Promise<void> {
  try {
    await sock.end(undefined);
  } catch (err) {
    logger.debug({ err }, 'ending whatsapp socket failed');
  }
}
