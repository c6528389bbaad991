import assert from 'node:assert/strict';
import { clampMuteSeconds, clampMuteUntil, MUTE_SAFETY_SECONDS, TELEGRAM_MUTE_LIMITS } from '../../../src/domain/mute-duration';

const DAY = 86_400;
const now = new Date('2026-03-01T12:00:00.000Z');
const after = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('clampMuteSeconds', () => {
  it('keeps a length inside Telegram\'s range, rounded up to a whole second', () => {
    assert.equal(clampMuteSeconds(3600, TELEGRAM_MUTE_LIMITS), 3600);
    assert.equal(clampMuteSeconds(600.2, TELEGRAM_MUTE_LIMITS), 601);
  });

  it('lengthens a mute shorter than 30 s past the minimum, which Telegram would make permanent', () => {
    assert.equal(clampMuteSeconds(10, TELEGRAM_MUTE_LIMITS), 30 + MUTE_SAFETY_SECONDS);
    assert.equal(clampMuteSeconds(30, TELEGRAM_MUTE_LIMITS), 30 + MUTE_SAFETY_SECONDS);
    assert.equal(clampMuteSeconds(0, TELEGRAM_MUTE_LIMITS), 30 + MUTE_SAFETY_SECONDS);
  });

  it('shortens a mute longer than 366 days to just under the maximum', () => {
    assert.equal(clampMuteSeconds(2 * 365 * DAY, TELEGRAM_MUTE_LIMITS), 366 * DAY - MUTE_SAFETY_SECONDS);
    assert.equal(clampMuteSeconds(366 * DAY, TELEGRAM_MUTE_LIMITS), 366 * DAY - MUTE_SAFETY_SECONDS);
    assert.equal(clampMuteSeconds(Infinity, TELEGRAM_MUTE_LIMITS), 366 * DAY - MUTE_SAFETY_SECONDS);
  });
});

describe('clampMuteUntil', () => {
  it('keeps an end inside the range', () => {
    assert.deepEqual(clampMuteUntil(after(3600), now, TELEGRAM_MUTE_LIMITS), after(3600));
  });

  it('rounds an end up to the next whole second, never ending a mute early', () => {
    const until = new Date(after(3600).getTime() + 300);
    assert.deepEqual(clampMuteUntil(until, now, TELEGRAM_MUTE_LIMITS), after(3601));
  });

  it('moves an end in the past or within 30 s to the minimum from now', () => {
    assert.deepEqual(clampMuteUntil(after(5), now, TELEGRAM_MUTE_LIMITS), after(30 + MUTE_SAFETY_SECONDS));
    assert.deepEqual(clampMuteUntil(after(-60), now, TELEGRAM_MUTE_LIMITS), after(30 + MUTE_SAFETY_SECONDS));
  });

  it('moves an end beyond 366 days to just under the maximum', () => {
    assert.deepEqual(clampMuteUntil(after(400 * DAY), now, TELEGRAM_MUTE_LIMITS), after(366 * DAY - MUTE_SAFETY_SECONDS));
  });

  it('counts from a now that is not on a whole second without leaving the range', () => {
    const late = new Date(now.getTime() + 700);
    const clamped = clampMuteUntil(after(1), late, TELEGRAM_MUTE_LIMITS)!;
    assert.equal(clamped.getTime() % 1000, 0);
    assert.ok((clamped.getTime() - late.getTime()) / 1000 >= 30 + MUTE_SAFETY_SECONDS);
  });

  it('keeps "until lifted" as null', () => {
    assert.equal(clampMuteUntil(null, now, TELEGRAM_MUTE_LIMITS), null);
  });
});
