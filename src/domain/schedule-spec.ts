/** When a recurring broadcast fires, in a form both the API and Temporal Schedules understand. */
export type BroadcastSchedule =
  | { type: 'interval'; everyMs: number }
  | { type: 'daily'; hour: number; minute: number; timezone: string };

/** Temporal fires schedules at whole seconds at best; anything faster is refused. */
export const MIN_INTERVAL_MS = 1_000;

const DAILY_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True for an IANA time zone name this runtime (and so Temporal's tz database) knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Parses `HH:MM` (24-hour); undefined when malformed. */
export function parseDailyTime(value: string): { hour: number; minute: number } | undefined {
  const match = DAILY_TIME.exec(value);
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : undefined;
}

/**
 * The schedule of a broadcast's settings, or the reason they do not make one.
 * `now` broadcasts have no schedule (undefined).
 */
export function broadcastSchedule(settings: {
  scheduleType: 'now' | 'interval' | 'daily';
  intervalMinutes: number | null;
  dailyTime: string | null;
  timezone: string | null;
}): { schedule?: BroadcastSchedule; error?: string } {
  const { scheduleType, intervalMinutes, dailyTime, timezone } = settings;
  if (scheduleType === 'now') {
    if (intervalMinutes !== null || dailyTime !== null || timezone !== null) {
      return { error: 'interval_minutes, daily_time and timezone apply only to interval and daily broadcasts' };
    }
    return {};
  }
  if (scheduleType === 'interval') {
    if (intervalMinutes === null) return { error: 'interval_minutes is required for schedule_type interval' };
    if (dailyTime !== null || timezone !== null) return { error: 'daily_time and timezone apply only to daily broadcasts' };
    const everyMs = Math.round(intervalMinutes * 60_000);
    if (!(everyMs >= MIN_INTERVAL_MS)) return { error: 'interval_minutes must be at least 1 second (0.0167)' };
    return { schedule: { type: 'interval', everyMs } };
  }
  if (dailyTime === null) return { error: 'daily_time is required for schedule_type daily' };
  if (intervalMinutes !== null) return { error: 'interval_minutes applies only to interval broadcasts' };
  const time = parseDailyTime(dailyTime);
  if (!time) return { error: 'daily_time must be HH:MM (24-hour), e.g. 09:30' };
  const zone = timezone ?? 'UTC';
  if (!isTimeZone(zone)) return { error: `timezone ${zone} is not an IANA time zone (e.g. Europe/Berlin)` };
  return { schedule: { type: 'daily', ...time, timezone: zone } };
}
