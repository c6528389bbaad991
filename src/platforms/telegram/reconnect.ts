/**
 * Watches a GramJS client's connection state and steps in when GramJS gives up.
 *
 * GramJS reconnects by itself a few times after a drop, then stays down for good; and it never
 * fetches the updates sent while it was down. The supervisor therefore (1) after a grace period
 * retries `connect()` with capped exponential backoff until the client is back, and (2) calls
 * `onRecovered` once per outage so the session can re-poll recent history.
 */
import { UpdateConnectionState } from 'telegram/network';
import type { TelegramLogger } from './client';

/** Backoff settings for reconnecting. */
export interface ReconnectOptions {
  /**
   * How long GramJS may try on its own before the supervisor calls `connect()`; long enough for
   * GramJS's own attempts, so the two do not race.
   * @default 45_000
   */
  graceMs: number;
  /** @default 1_000 */
  initialDelayMs: number;
  /** @default 60_000 */
  maxDelayMs: number;
}

/** Defaults for {@link ReconnectOptions}. */
export const DEFAULT_RECONNECT: ReconnectOptions = { graceMs: 45_000, initialDelayMs: 1_000, maxDelayMs: 60_000 };

/** What the supervisor acts on. */
export interface SupervisedConnection {
  isConnected(): boolean;
  /** Resolves true once connected; false or a rejection means "try again later". */
  connect(): Promise<boolean>;
  /** Runs after each outage ends, whoever restored the connection. */
  onRecovered(): Promise<void>;
}

/** See the module comment. One supervisor per live client. */
export class ConnectionSupervisor {
  private down = false;
  private stopped = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: SupervisedConnection,
    private readonly options: ReconnectOptions = DEFAULT_RECONNECT,
    private readonly logger?: TelegramLogger,
  ) {}

  /** True between a reported drop and the connection's return. */
  get isDown(): boolean {
    return this.down;
  }

  /** Feeds a state GramJS reported (`UpdateConnectionState.state`). */
  onState(state: number): void {
    if (this.stopped) return;
    if (state === UpdateConnectionState.connected) this.markUp();
    else this.markDown();
  }

  /** Stops all retries; used when the session is closed on purpose. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private markDown(): void {
    if (this.down) return;
    this.down = true;
    this.attempt = 0;
    this.logger?.warn({}, 'Telegram connection lost');
    this.schedule(this.options.graceMs);
  }

  private markUp(): void {
    if (!this.down) return;
    this.down = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.logger?.info({}, 'Telegram connection restored');
    this.connection.onRecovered().catch((err: unknown) => {
      this.logger?.warn({ err }, 'catching up after reconnect failed');
    });
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.tryReconnect(), delayMs);
    // A pending retry must not keep a shutting-down process alive.
    this.timer.unref();
  }

  private async tryReconnect(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || !this.down) return;
    if (this.connection.isConnected()) {
      this.markUp();
      return;
    }
    let connected = false;
    try {
      connected = await this.connection.connect();
    } catch (err) {
      this.logger?.warn({ err, attempt: this.attempt + 1 }, 'Telegram reconnect attempt failed');
    }
    if (this.stopped) return;
    if (connected) {
      this.markUp();
      return;
    }
    const base = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** this.attempt);
    this.attempt += 1;
    // Jitter spreads the reconnects of many accounts that dropped together.
    this.schedule(Math.round(base * (0.8 + 0.4 * Math.random())));
  }
}
