import assert from 'node:assert/strict';
import { DateTime, IANAZone } from 'luxon';
import { SeededRandom } from '../../../src/domain/random';
import { InvalidSendWindowError, nextSendTime, SendWindowSchema, type SendWindow } from '../../../src/domain/send-window';

const WORKDAYS = [1, 2, 3, 4, 5];
const OFFICE = { from: '09:00', to: '17:00' };

/** The next send time for an instant written as ISO text, as ISO text. */
const next = (at: string, window: SendWindow | null | undefined) => nextSendTime(new Date(at), window).toISOString();

/** Asserts that `at` lies inside `window`: the very Date comes back. */
function assertInside(at: string, window: SendWindow): void {
  const date = new Date(at);
  assert.equal(nextSendTime(date, window), date, `${at} is inside ${JSON.stringify(window)}`);
}

const issues = (input: unknown) => {
  const result = SendWindowSchema.safeParse(input);
  assert.equal(result.success, false, `${JSON.stringify(input)} is refused`);
  return result.error!.issues.map((i) => [i.path.join('.'), i.message]);
};

describe('send window', () => {
  describe('SendWindowSchema', () => {
    it('accepts a whole window, each part alone, and none', () => {
      const whole = { hours: { from: '22:00', to: '06:00' }, weekdays: [5, 6], timezone: 'America/New_York' };
      assert.deepEqual(SendWindowSchema.parse(whole), whole);
      for (const part of [{ hours: { from: '00:00', to: '23:59' } }, { weekdays: [7] }, { timezone: 'Asia/Kathmandu' }, {}]) {
        assert.deepEqual(SendWindowSchema.parse(part), part);
      }
    });

    it('refuses times that are not HH:MM from 00:00 to 23:59', () => {
      for (const time of ['24:00', '9:00', '09:60', '0900', '09:00:00', '']) {
        assert.deepEqual(issues({ hours: { from: time, to: '10:00' } }), [['hours.from', 'must be a time HH:MM from 00:00 to 23:59']], time);
      }
    });

    it('refuses hours that open and close at the same time', () => {
      assert.deepEqual(issues({ hours: { from: '09:00', to: '09:00' } }), [['hours.to', 'must not equal from (leave hours out for all day)']]);
    });

    it('refuses no weekdays, a weekday twice, and numbers that are not ISO weekdays', () => {
      assert.deepEqual(issues({ weekdays: [] }), [['weekdays', 'must name at least one day (leave weekdays out for every day)']]);
      assert.deepEqual(issues({ weekdays: [1, 2, 1] }), [['weekdays', 'must not name a day twice']]);
      for (const day of [0, 8, 1.5]) {
        assert.deepEqual(issues({ weekdays: [1, day] }), [['weekdays.1', 'must be ISO weekday numbers, 1 (Monday) to 7 (Sunday)']], String(day));
      }
    });

    it('refuses a time zone that is not an IANA zone', () => {
      for (const timezone of ['Mars/Base', '', '+01:00']) {
        assert.deepEqual(issues({ timezone }), [['timezone', 'must be an IANA time zone, such as Europe/Berlin']], timezone);
      }
    });

    it('refuses unknown keys, which would silently widen the window', () => {
      assert.equal(issues({ weekday: [1] })[0]![0], '');
      assert.equal(issues({ hours: { ...OFFICE, tz: 'UTC' } })[0]![0], 'hours');
    });
  });

  describe('nextSendTime', () => {
    it('sends at once without a window, or with an empty one', () => {
      const at = new Date('2026-01-17T03:00:00.123Z');
      for (const window of [null, undefined, {}]) assert.equal(nextSendTime(at, window), at);
    });

    it('sends at once inside the window, its opening included', () => {
      assertInside('2026-01-15T12:34:56.789Z', { hours: OFFICE });
      assertInside('2026-01-15T09:00:00.000Z', { hours: OFFICE });
      assertInside('2026-01-15T16:59:59.999Z', { hours: OFFICE });
    });

    it("waits for today's opening before it", () => {
      assert.equal(next('2026-01-15T07:30:00Z', { hours: OFFICE }), '2026-01-15T09:00:00.000Z');
    });

    it("waits for the next day's opening after the closing, which is exclusive", () => {
      assert.equal(next('2026-01-15T17:00:00Z', { hours: OFFICE }), '2026-01-16T09:00:00.000Z');
      assert.equal(next('2026-01-15T23:59:00Z', { hours: OFFICE }), '2026-01-16T09:00:00.000Z');
    });

    it("waits for the next allowed weekday's opening", () => {
      // Friday after closing, then Saturday, then Sunday night: Monday 09:00.
      for (const at of ['2026-01-16T18:00:00Z', '2026-01-17T10:00:00Z', '2026-01-18T23:59:00Z']) {
        assert.equal(next(at, { hours: OFFICE, weekdays: WORKDAYS }), '2026-01-19T09:00:00.000Z', at);
      }
      assert.equal(next('2026-01-15T10:00:00Z', { hours: OFFICE, weekdays: [4] }), '2026-01-15T10:00:00.000Z');
      assert.equal(next('2026-01-15T17:00:00Z', { hours: OFFICE, weekdays: [4] }), '2026-01-22T09:00:00.000Z');
    });

    it('opens all day on allowed weekdays when the window names no hours', () => {
      assertInside('2026-01-16T23:59:59.999Z', { weekdays: WORKDAYS });
      assert.equal(next('2026-01-17T10:00:00Z', { weekdays: WORKDAYS }), '2026-01-19T00:00:00.000Z');
    });

    it('runs a window whose closing is earlier than its opening past midnight', () => {
      const night = { hours: { from: '22:00', to: '06:00' } };
      assertInside('2026-01-15T23:00:00Z', night);
      assertInside('2026-01-16T03:00:00Z', night);
      assert.equal(next('2026-01-16T06:00:00Z', night), '2026-01-16T22:00:00.000Z');
      assert.equal(next('2026-01-16T21:59:00Z', night), '2026-01-16T22:00:00.000Z');
      const toMidnight = { hours: { from: '22:00', to: '00:00' } };
      assertInside('2026-01-15T23:59:00Z', toMidnight);
      assert.equal(next('2026-01-16T00:00:00Z', toMidnight), '2026-01-16T22:00:00.000Z');
    });

    it('gives a window past midnight to the weekday it opens on', () => {
      const fridayNight = { hours: { from: '22:00', to: '06:00' }, weekdays: [5] };
      // Saturday 03:00 is in Friday's window; Friday 03:00 would be in Thursday's.
      assertInside('2026-01-17T03:00:00Z', fridayNight);
      assert.equal(next('2026-01-16T03:00:00Z', fridayNight), '2026-01-16T22:00:00.000Z');
      assert.equal(next('2026-01-17T07:00:00Z', fridayNight), '2026-01-23T22:00:00.000Z');
    });

    it("reads hours and weekdays on the clocks of the window's time zone", () => {
      const utc = { hours: OFFICE };
      const newYork = { hours: OFFICE, timezone: 'America/New_York' };
      // 13:00 UTC is 08:00 in New York (EST, UTC−5); 20:00 UTC is 15:00 there.
      assertInside('2026-01-15T13:00:00Z', utc);
      assert.equal(next('2026-01-15T13:00:00Z', newYork), '2026-01-15T14:00:00.000Z');
      assert.equal(next('2026-01-15T20:00:00Z', utc), '2026-01-16T09:00:00.000Z');
      assertInside('2026-01-15T20:00:00Z', newYork);
      // In July New York is on EDT, UTC−4.
      assert.equal(next('2026-07-15T12:30:00Z', newYork), '2026-07-15T13:00:00.000Z');
    });

    it("waits from Saturday 10:00 local to Monday 09:00 local with weekdays 1–5", () => {
      const window = { hours: OFFICE, weekdays: WORKDAYS, timezone: 'America/New_York' };
      assert.equal(next('2026-01-17T15:00:00Z', window), '2026-01-19T14:00:00.000Z');
    });

    it("takes the weekday from the time zone's calendar, not UTC's", () => {
      // Sunday 23:30 UTC is Monday 08:30 in Tokyo; Friday 20:00 in New York is Saturday 01:00 UTC.
      assert.equal(next('2026-01-18T23:30:00Z', { hours: OFFICE, weekdays: WORKDAYS, timezone: 'Asia/Tokyo' }), '2026-01-19T00:00:00.000Z');
      assert.equal(next('2026-01-18T23:30:00Z', { hours: OFFICE, weekdays: WORKDAYS }), '2026-01-19T09:00:00.000Z');
      assertInside('2026-01-17T01:00:00Z', { hours: { from: '18:00', to: '22:00' }, weekdays: WORKDAYS, timezone: 'America/New_York' });
    });

    describe('daylight saving time (Europe/Berlin, clocks 02:00 → 03:00 on 29 March 2026 and 03:00 → 02:00 on 25 October 2026)', () => {
      const berlin = (hours: { from: string; to: string }): SendWindow => ({ hours, timezone: 'Europe/Berlin' });

      it('moves an opening in the skipped hour to the first instant after the jump', () => {
        // 01:00 CET; 02:30 does not exist that night, so the window opens at 03:00 CEST.
        assert.equal(next('2026-03-29T00:00:00Z', berlin({ from: '02:30', to: '05:00' })), '2026-03-29T01:00:00.000Z');
        // The night before, 02:30 CET.
        assert.equal(next('2026-03-28T00:00:00Z', berlin({ from: '02:30', to: '05:00' })), '2026-03-28T01:30:00.000Z');
      });

      it('opens at the same local time on either side of the change', () => {
        // Saturday 18:00 CET to Sunday 09:00 CEST: 14 hours, not 15.
        assert.equal(next('2026-03-28T17:00:00Z', berlin(OFFICE)), '2026-03-29T07:00:00.000Z');
        assert.equal(next('2026-03-29T15:00:00Z', berlin(OFFICE)), '2026-03-30T07:00:00.000Z');
        assert.equal(next('2026-10-24T17:00:00Z', berlin(OFFICE)), '2026-10-25T08:00:00.000Z');
      });

      it('closes a window at the jump when its closing is skipped', () => {
        const early = berlin({ from: '01:30', to: '02:30' });
        assertInside('2026-03-29T00:59:59.999Z', early);
        assert.equal(next('2026-03-29T01:00:00Z', early), '2026-03-29T23:30:00.000Z');
        const overnight = berlin({ from: '22:00', to: '02:30' });
        assertInside('2026-03-29T00:30:00Z', overnight);
        assert.equal(next('2026-03-29T01:00:00Z', overnight), '2026-03-29T20:00:00.000Z');
      });

      it('skips a window lying wholly in the skipped hour', () => {
        assert.equal(next('2026-03-29T00:00:00Z', berlin({ from: '02:00', to: '02:30' })), '2026-03-30T00:00:00.000Z');
      });

      it('opens and closes at the first of two occurrences when clocks go back', () => {
        const window = berlin({ from: '02:30', to: '04:00' });
        // 02:00 CEST: the window opens at the first 02:30 (CEST), and 02:15 CET is still inside it.
        assert.equal(next('2026-10-25T00:00:00Z', window), '2026-10-25T00:30:00.000Z');
        assertInside('2026-10-25T01:15:00Z', window);
        assert.equal(next('2026-10-25T03:00:00Z', window), '2026-10-26T01:30:00.000Z');
        // A window closing at 02:30 closes at its first occurrence: 02:10 CET is after it.
        assert.equal(next('2026-10-25T01:10:00Z', berlin({ from: '01:00', to: '02:30' })), '2026-10-26T00:00:00.000Z');
      });

      it('follows America/New_York across its own change', () => {
        // Saturday 18:00 EST to Sunday 09:00 EDT on 8 March 2026.
        assert.equal(next('2026-03-07T23:00:00Z', { hours: OFFICE, timezone: 'America/New_York' }), '2026-03-08T13:00:00.000Z');
      });
    });

    it('agrees with a quarter-hour scan of the local clock for random windows, zones and instants', () => {
      const random = new SeededRandom('send-window');
      const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'];
      const quarter = () => `${String(random.int(0, 23)).padStart(2, '0')}:${String(random.int(0, 3) * 15).padStart(2, '0')}`;
      const QUARTER_MS = 15 * 60_000;
      let compared = 0;
      for (let round = 0; round < 150; round++) {
        const from = quarter();
        const to = quarter();
        if (from === to) continue;
        const timezone = random.pick(zones);
        const weekdays = random.sample([1, 2, 3, 4, 5, 6, 7], random.int(1, 7));
        const window: SendWindow = { hours: { from, to }, weekdays, timezone };
        const at = new Date(Date.UTC(2026, 0, 1) + Math.floor(random.next() * 365 * 86_400_000));
        const result = nextSendTime(at, window);

        // Where clocks go back, this module closes a window at the first occurrence of its closing
        // time and a wall-clock scan at the second: compare only away from such changes.
        const zone = IANAZone.create(timezone);
        if (zone.offset(result.getTime() + 86_400_000) < zone.offset(at.getTime() - 86_400_000)) continue;

        // Every zone here moves its clocks by whole quarter-hours, so inside or not changes only at
        // UTC quarter-hours: the first inside quarter-hour after `at` (or `at`) is the answer.
        const [fh, fm] = from.split(':').map(Number) as [number, number];
        const [th, tm] = to.split(':').map(Number) as [number, number];
        const inside = (ms: number) => {
          const local = DateTime.fromMillis(ms, { zone: timezone });
          const minute = local.hour * 60 + local.minute;
          const yesterday = local.minus({ days: 1 }).weekday;
          const [open, close] = [fh * 60 + fm, th * 60 + tm];
          if (open < close) return weekdays.includes(local.weekday) && minute >= open && minute < close;
          return (weekdays.includes(local.weekday) && minute >= open) || (weekdays.includes(yesterday) && minute < close);
        };
        let expected = at.getTime();
        if (!inside(expected)) {
          expected = Math.floor(expected / QUARTER_MS) * QUARTER_MS + QUARTER_MS;
          while (!inside(expected)) expected += QUARTER_MS;
        }
        assert.equal(result.toISOString(), new Date(expected).toISOString(), JSON.stringify({ at, window }));
        compared++;
      }
      assert.ok(compared > 100, `${compared} cases compared`);
    });

    it('refuses a window the schema refuses, and an invalid Date', () => {
      assert.throws(
        () => nextSendTime(new Date(), { hours: { from: '25:00', to: '09:00' }, weekdays: [] }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidSendWindowError);
          assert.equal(
            error.message,
            'invalid send window: hours.from must be a time HH:MM from 00:00 to 23:59; weekdays must name at least one day (leave weekdays out for every day)',
          );
          return true;
        },
      );
      assert.throws(() => nextSendTime(new Date(), { timezone: 'Mars/Base' }), InvalidSendWindowError);
      assert.throws(() => nextSendTime(new Date(Number.NaN), { hours: OFFICE }), /at is an invalid Date/);
    });
  });
});
