/**
 * How a webhook delivery goes on after an attempt: pure rules shared by the worker's first
 * attempt and the delivery workflow (which must stay deterministic, so jitter comes in as a
 * number the workflow draws from its seeded random).
 */

/** The published retry schedule: the waits before retries 1 to 7 after the first attempt. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000].map((s) => s * 1000);

/** Each wait is stretched or shrunk by up to this fraction, so hooks failing together do not retry together. */
export const RETRY_JITTER = 0.1;

/** The longest `Retry-After` honoured: a receiver cannot park a delivery for longer. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;

/** What an answer (or its absence) means for the delivery. */
export type AttemptVerdict =
  /** 2xx: delivered. */
  | 'delivered'
  /** Worth trying again later: 5xx, 408, 429, a timeout, a network error. */
  | 'retry'
  /** Trying again cannot help: a redirect (never followed), a 4xx other than 408/429/410, a refused URL. */
  | 'final'
  /** 410 Gone: the receiver says the endpoint is no more; the hook is disabled. */
  | 'gone';

/** The verdict of an HTTP answer with `status`. */
export function verdictOf(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'final';
}

/**
 * The wait before the next retry after `retriesDone` retries (0 after the first attempt), or
 * null once the schedule is exhausted. `jitter` in [0, 1) picks a point in ±{@link RETRY_JITTER};
 * a `Retry-After` longer than the scheduled wait is honoured, up to {@link MAX_RETRY_AFTER_MS}.
 */
export function nextRetryDelayMs(schedule: readonly number[], retriesDone: number, jitter: number, retryAfterMs?: number | null): number | null {
  const base = schedule[retriesDone];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 + RETRY_JITTER * (2 * jitter - 1)));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/**
 * A `Retry-After` header in ms from `now`: delay-seconds or an HTTP date; undefined when absent
 * or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A retry schedule as the setting writes it: waits in seconds (fractions allowed), comma-separated. */
export function parseRetrySchedule(text: string): number[] | string {
  const parts = text.split(',').map((p) => p.trim());
  const waits = parts.map(Number);
  if (parts.length > 20) return 'at most 20 retries';
  if (waits.some((w, i) => parts[i] === '' || !Number.isFinite(w) || w < 0 || w > 7 * 86_400)) {
    return 'must be comma-separated waits in seconds, each between 0 and 604800';
  }
  return waits.map((w) => Math.round(w * 1000));
}
