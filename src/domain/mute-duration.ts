/**
 * Mute lengths a platform honours. Telegram treats a restriction shorter than 30 seconds or longer
 * than 366 days as one that never ends, so a mute meant to last 10 seconds (or two years) must be
 * moved into that range before it is sent, or it silently becomes permanent.
 */

/** The shortest and longest mute a platform keeps as given, in seconds. */
export interface MuteLimits {
  minSeconds: number;
  maxSeconds: number;
}

/** Telegram's `ChatBannedRights.until_date` range. */
export const TELEGRAM_MUTE_LIMITS: MuteLimits = { minSeconds: 30, maxSeconds: 366 * 86_400 };

/**
 * Seconds kept clear of each end of the range: the request reaches the platform a little after
 * `now`, and the platform's clock differs a little from ours, either of which would push a mute of
 * exactly 30 seconds or 366 days out of range (and so make it permanent).
 */
export const MUTE_SAFETY_SECONDS = 10;

/** A mute length in whole seconds, moved into `limits` (less {@link MUTE_SAFETY_SECONDS} at each end). */
export function clampMuteSeconds(seconds: number, limits: MuteLimits): number {
  const min = limits.minSeconds + MUTE_SAFETY_SECONDS;
  const max = limits.maxSeconds - MUTE_SAFETY_SECONDS;
  if (!Number.isFinite(seconds)) return max;
  return Math.min(max, Math.max(min, Math.ceil(seconds)));
}

/**
 * The end of a mute as the platform will honour it, on a whole second: `until` rounded up, moved
 * into `limits` counted from `now`; null ("until lifted") stays null.
 */
export function clampMuteUntil(until: Date | null, now: Date, limits: MuteLimits): Date | null {
  if (until === null) return null;
  const nowSeconds = now.getTime() / 1000;
  const earliest = Math.ceil(nowSeconds + limits.minSeconds + MUTE_SAFETY_SECONDS);
  const latest = Math.floor(nowSeconds + limits.maxSeconds - MUTE_SAFETY_SECONDS);
  const wanted = Number.isNaN(until.getTime()) ? latest : Math.ceil(until.getTime() / 1000);
  return new Date(Math.min(latest, Math.max(earliest, wanted)) * 1000);
}
