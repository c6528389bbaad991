import type { Platform } from './platform-port';

/** An account's send budget; 0 means "no limit" for the caps and "none" for gap and jitter. */
export interface PacingLimits {
  minGapMs: number;
  jitterMs: number;
  perMinute: number;
  perDay: number;
}

/** Where an account's budget stands. Days are UTC calendar days (`YYYY-MM-DD`). */
export interface PacingState {
  nextSendAt: Date | null;
  pausedUntil: Date | null;
  day: string | null;
  sentToday: number;
  minuteStartedAt: Date | null;
  sentThisMinute: number;
}

export const EMPTY_PACING_STATE: PacingState = {
  nextSendAt: null,
  pausedUntil: null,
  day: null,
  sentToday: 0,
  minuteStartedAt: null,
  sentThisMinute: 0,
};

/**
 * Defaults: conservative for real accounts (well under the rates at which Telegram answers
 * PEER_FLOOD and WhatsApp bans numbers for bulk messaging), none for sandbox accounts.
 */
export function defaultPacingLimits(platform: Platform, sandbox: boolean): PacingLimits {
  if (sandbox) return { minGapMs: 0, jitterMs: 0, perMinute: 0, perDay: 0 };
  return platform === 'telegram'
    ? { minGapMs: 5_000, jitterMs: 5_000, perMinute: 10, perDay: 300 }
    : { minGapMs: 8_000, jitterMs: 7_000, perMinute: 6, perDay: 200 };
}

const MINUTE_MS = 60_000;

function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function startOfNextUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

function latest(...dates: Array<Date | null>): Date {
  return new Date(Math.max(...dates.filter((d): d is Date => d !== null).map((d) => d.getTime())));
}

/**
 * Reserves the next send of an account: the earliest moment at or after `now` that keeps the
 * minimum gap (plus jitter) since the previous reservation, any pause (FloodWait), and the
 * per-minute and per-day caps. Returns that moment and the state after the reservation.
 * `random` in [0, 1) draws the jitter.
 */
export function reserveSend(
  limits: PacingLimits,
  state: PacingState,
  now: Date,
  random: number,
): { at: Date; state: PacingState } {
  let at = latest(now, state.nextSendAt, state.pausedUntil);
  let { minuteStartedAt, sentThisMinute, day, sentToday } = state;

  if (limits.perMinute > 0) {
    const windowOpen = minuteStartedAt !== null && at.getTime() < minuteStartedAt.getTime() + MINUTE_MS;
    if (windowOpen && sentThisMinute >= limits.perMinute) at = new Date(minuteStartedAt!.getTime() + MINUTE_MS);
    if (!windowOpen || sentThisMinute >= limits.perMinute) {
      minuteStartedAt = at;
      sentThisMinute = 0;
    }
  }
  if (day !== utcDay(at)) {
    day = utcDay(at);
    sentToday = 0;
  }
  if (limits.perDay > 0 && sentToday >= limits.perDay) {
    at = startOfNextUtcDay(at);
    day = utcDay(at);
    sentToday = 0;
    minuteStartedAt = at;
    sentThisMinute = 0;
  }
  return {
    at,
    state: {
      nextSendAt: new Date(at.getTime() + limits.minGapMs + Math.floor(random * limits.jitterMs)),
      pausedUntil: state.pausedUntil,
      day,
      sentToday: sentToday + 1,
      minuteStartedAt,
      sentThisMinute: sentThisMinute + 1,
    },
  };
}

/**
 * How long `sends` more sends take under `limits` from `now`, reserving each in turn with the
 * average jitter: what a dry run reports.
 */
export function estimateDurationMs(limits: PacingLimits, state: PacingState, now: Date, sends: number): number {
  let current = state;
  let last = now;
  for (let i = 0; i < sends; i++) {
    const reserved = reserveSend(limits, current, now, 0.5);
    current = reserved.state;
    last = reserved.at;
  }
  return last.getTime() - now.getTime();
}
