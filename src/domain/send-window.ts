import { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseDailyTime } from './schedule-spec';

const TIME_MESSAGE = 'must be a time HH:MM from 00:00 to 23:59';
const WEEKDAY_MESSAGE = 'must be ISO weekday numbers, 1 (Monday) to 7 (Sunday)';

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, TIME_MESSAGE);

/**
 * When a drip step may send: between two times of day, on some days of the week, on a time
 * zone's clocks. Every part is optional: no `hours` means all day, no `weekdays` every day, no
 * `timezone` UTC. `to` is exclusive; a window whose `to` is earlier than its `from` (22:00–06:00)
 * runs past midnight into the next day, and belongs to the day it opens on: with `weekdays: [5]`
 * it runs from Friday 22:00 to Saturday 06:00. Strict, because a misspelt key would otherwise be
 * dropped and the window silently widened to nights or weekends.
 */
export const SendWindowSchema = z.strictObject({
  hours: z
    .strictObject({
      from: TimeOfDay.meta({ description: 'Local time the window opens, HH:MM' }),
      to: TimeOfDay.meta({ description: 'Local time the window closes (exclusive), HH:MM; earlier than from to run past midnight' }),
    })
    .refine((h) => h.from !== h.to, { message: 'must not equal from (leave hours out for all day)', path: ['to'] })
    .optional()
    .meta({ description: 'Local times the window opens and closes; default all day' }),
  weekdays: z
    .array(z.number().int(WEEKDAY_MESSAGE).min(1, WEEKDAY_MESSAGE).max(7, WEEKDAY_MESSAGE))
    .min(1, 'must name at least one day (leave weekdays out for every day)')
    .refine((days) => new Set(days).size === days.length, 'must not name a day twice')
    .optional()
    .meta({ description: 'ISO weekdays the window opens on, 1 = Monday … 7 = Sunday; default every day' }),
  timezone: z
    .string()
    .refine((name) => IANAZone.isValidZone(name), 'must be an IANA time zone, such as Europe/Berlin')
    .optional()
    .meta({ description: 'IANA time zone whose clocks the window follows; default UTC' }),
});

/** When a drip step may send (see {@link SendWindowSchema}). */
export type SendWindow = z.infer<typeof SendWindowSchema>;

/** Thrown by {@link nextSendTime} for a window {@link SendWindowSchema} refuses; the message names each problem. */
export class InvalidSendWindowError extends Error {
  override readonly name = 'InvalidSendWindowError';
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

/**
 * What the clocks of `zone` show at `instant`, as milliseconds since 1970-01-01 00:00 on those
 * clocks: calendar arithmetic on the result is plain UTC arithmetic.
 */
function wallClock(zone: IANAZone, instant: number): number {
  return instant + zone.offset(instant) * MINUTE_MS;
}

/**
 * The earliest instant at which the clocks of `zone` show `wall` or later: the one instant they
 * show it, the first of two when clocks go back and show it twice, and when clocks spring forward
 * over it, the instant they jump — the first at which a window opening or closing in the gap can.
 * The offsets a day either side are those on both sides of any transition near `wall`.
 */
function firstInstantShowing(zone: IANAZone, wall: number): number {
  const before = zone.offset(wall - DAY_MS) * MINUTE_MS;
  const after = zone.offset(wall + DAY_MS) * MINUTE_MS;
  const candidates = [wall - Math.max(before, after), wall - Math.min(before, after)] as const;
  for (const instant of candidates) if (wallClock(zone, instant) === wall) return instant;
  // In a gap: the clocks show less than `wall` at the first candidate and more at the second.
  let [early, late] = candidates;
  while (late - early > 1) {
    const middle = Math.floor((early + late) / 2);
    if (wallClock(zone, middle) >= wall) late = middle;
    else early = middle;
  }
  return late;
}

/** The ISO weekday (1 = Monday) of the `day`th day since 1970-01-01, a Thursday. */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function minutesOf(time: string): number {
  const { hour, minute } = parseDailyTime(time)!;
  return hour * 60 + minute;
}

/**
 * When a drip step due at `at` may send under `window`: `at` itself when it lies inside the
 * window (or there is no window), else the earliest instant after it at which the window opens.
 * Times of day are read on the clocks of the window's time zone, so they follow its daylight
 * saving time; an opening in the hour skipped when clocks spring forward moves to the first
 * instant after the jump, an opening or closing in the hour clocks go back over is its first
 * occurrence, and a window lying wholly in a skipped hour does not open that day.
 *
 * @throws InvalidSendWindowError when {@link SendWindowSchema} refuses `window`.
 */
export function nextSendTime(at: Date, window: SendWindow | null | undefined): Date {
  if (!window) return at;
  const parsed = SendWindowSchema.safeParse(window);
  if (!parsed.success) {
    throw new InvalidSendWindowError(
      `invalid send window: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'window'} ${i.message}`).join('; ')}`,
    );
  }
  const now = at.getTime();
  if (Number.isNaN(now)) throw new RangeError('at is an invalid Date');
  const zone = IANAZone.create(window.timezone ?? 'UTC');
  const from = window.hours ? minutesOf(window.hours.from) : 0;
  const to = window.hours ? minutesOf(window.hours.to) : 24 * 60;
  const wrapsMidnight = to < from;
  const weekdays = new Set(window.weekdays ?? EVERY_DAY);

  const today = Math.floor(wallClock(zone, now) / DAY_MS);
  // From yesterday, whose window may run past midnight into today; up to two weeks ahead, as
  // the one weekday allowed may lose its window to a spring-forward gap once.
  for (let day = today - 1; day <= today + 14; day++) {
    if (!weekdays.has(isoWeekday(day))) continue;
    const opens = firstInstantShowing(zone, day * DAY_MS + from * MINUTE_MS);
    const closes = firstInstantShowing(zone, (wrapsMidnight ? day + 1 : day) * DAY_MS + to * MINUTE_MS);
    if (closes <= now || opens >= closes) continue;
    return opens <= now ? at : new Date(opens);
  }
  // A valid window opens on each allowed weekday except one lost to a gap, so within two weeks.
  throw new InvalidSendWindowError(`send window ${JSON.stringify(window)} does not open within two weeks of ${at.toISOString()}`);
}
