/**
 * The Telegram {@link PlatformDriver}: opens GramJS sessions from stored StringSessions.
 */
import { Api } from 'telegram';
import { StringSession } from 'telegram/sessions';
import { PlatformError, type PlatformDriver, type PlatformSession, type SessionAccount } from '../../domain/platform-port';
import { createGramClient, requireCredentials, type GramClientFactory, type TelegramLogger } from './client';
import { toPlatformError } from './errors';
import type { PeerCache } from './peer-cache';
import { DEFAULT_RECONNECT, type ReconnectOptions } from './reconnect';
import { TelegramSession, type TelegramSessionOptions } from './telegram-session';
import { withTimeout } from './timeout';

/** How to build a {@link TelegramDriver}. */
export interface TelegramDriverOptions {
  /** From https://my.telegram.org/apps; checked when a session is opened, not at construction. */
  apiId: number | undefined;
  apiHash: string | undefined;
  peerCache: PeerCache;
  logger?: TelegramLogger;
  /** Builds the GramJS client; tests pass stubs. @default createGramClient */
  clientFactory?: GramClientFactory;
  /**
   * Flood waits up to this many seconds are slept through inside GramJS; longer ones surface as
   * `rate_limited`, so AutoHub's own pacing (not a hidden sleep) handles them.
   * @default 3
   */
  floodSleepThreshold?: number;
  /** @default 30_000 */
  connectTimeoutMs?: number;
  /** @default 60_000 */
  requestTimeoutMs?: number;
  /** @default 500 */
  dialogLimit?: number;
  /** @default 20 */
  catchUpChats?: number;
  /** @default 50 */
  catchUpMessages?: number;
  reconnect?: Partial<ReconnectOptions>;
}

/**
 * Opens Telegram sessions on GramJS: one client per account, built from the account's stored
 * StringSession, with peers shared through the injected {@link PeerCache}.
 */
export class TelegramDriver implements PlatformDriver {
  readonly name = 'telegram' as const;
  private readonly createClient: GramClientFactory;
  private readonly sessionOptions: TelegramSessionOptions;

  constructor(private readonly options: TelegramDriverOptions) {
    this.createClient = options.clientFactory ?? createGramClient;
    this.sessionOptions = {
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      dialogLimit: options.dialogLimit ?? 500,
      catchUpChats: options.catchUpChats ?? 20,
      catchUpMessages: options.catchUpMessages ?? 50,
      reconnect: { ...DEFAULT_RECONNECT, ...options.reconnect },
    };
  }

  /**
   * Connects the account's StringSession and checks it is still logged in.
   *
   * @throws PlatformError `auth_revoked` when there is no usable session, `invalid` when apiId or
   *   apiHash is missing, `transient` when Telegram cannot be reached.
   */
  async connect(account: SessionAccount): Promise<PlatformSession> {
    const { apiId, apiHash } = requireCredentials(this.options);
    const session = readSession(account);
    const logger = this.options.logger;
    const client = this.createClient({ session, apiId, apiHash, floodSleepThreshold: this.options.floodSleepThreshold ?? 3, logger });
    const connectTimeoutMs = this.options.connectTimeoutMs ?? 30_000;
    try {
      if (!(await withTimeout(client.connect(), connectTimeoutMs, 'connect'))) {
        throw new PlatformError('transient', 'network: could not reach Telegram');
      }
      const [self] = await withTimeout(
        client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] })),
        connectTimeoutMs,
        'users.getUsers',
      );
      if (!(self instanceof Api.User)) throw new PlatformError('auth_revoked', 'AUTH_KEY_UNREGISTERED: the session has no user');
      logger?.info({ accountId: account.id, userId: self.id.toString() }, 'Telegram session connected');
      return new TelegramSession({
        accountId: account.id,
        client,
        self,
        phone: account.phone,
        peerCache: this.options.peerCache,
        logger,
        options: this.sessionOptions,
      });
    } catch (err) {
      await client.destroy().catch(() => undefined);
      throw toPlatformError(err);
    }
  }
}

function readSession(account: SessionAccount): StringSession {
  if (!account.sessionSecret) {
    throw new PlatformError('auth_revoked', `account ${account.id} has no Telegram session; log in first`);
  }
  try {
    return new StringSession(account.sessionSecret);
  } catch (err) {
    throw new PlatformError('auth_revoked', `the stored Telegram session of account ${account.id} is unreadable; log in again`, undefined, {
      cause: err,
    });
  }
}
