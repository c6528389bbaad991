/** Reconnect backoff: how long to wait before the next socket, and the timers that wait. */

/** Exponential backoff for reconnects. */
export interface BackoffOptions {
  /** @default 1000 */
  initialDelayMs: number;
  /** @default 60000 */
  maxDelayMs: number;
  /** @default 2 */
  factor: number;
  /** Fraction of the delay randomly added or taken away, so many accounts do not reconnect in step. @default 0.2 */
  jitter: number;
}

/** Default reconnect backoff. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 1000, maxDelayMs: 60_000, factor: 2, jitter: 0.2 };

/** The delay before reconnect number `attempt` (1-based). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** Math.max(0, attempt - 1));
  const spread = base * options.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(options.maxDelayMs, base + spread)));
}

/** Timer functions, injectable so tests decide when a backoff delay is over. */
export interface ConnectionTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's own timers. */
export const realTimers: ConnectionTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
