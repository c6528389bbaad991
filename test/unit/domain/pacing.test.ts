import assert from 'node:assert/strict';
import { defaultPacingLimits, EMPTY_PACING_STATE, estimateDurationMs, reserveSend, type PacingLimits } from '../../../src/domain/pacing';

const now = new Date('2026-11-23T10:00:00.000Z');
const limits = (l: Partial<PacingLimits>): PacingLimits => ({ minGapMs: 0, jitterMs: 0, perMinute: 0, perDay: 0, ...l });

function reserveMany(l: PacingLimits, count: number, at = now): Date[] {
  let state = EMPTY_PACING_STATE;
  const slots: Date[] = [];
  for (let i = 0; i < count; i++) {
    const r = reserveSend(l, state, at, 0);
    slots.push(r.at);
    state = r.state;
  }
  return slots;
}

describe('reserveSend', () => {
  it('gives now to every send when there is no budget', () => {
    assert.deepEqual(reserveMany(limits({}), 3), [now, now, now]);
  });

  it('keeps the minimum gap, plus the jitter drawn', () => {
    const slots = reserveMany(limits({ minGapMs: 1000 }), 3).map((d) => d.getTime() - now.getTime());
    assert.deepEqual(slots, [0, 1000, 2000]);
    const jittered = reserveSend(limits({ minGapMs: 1000, jitterMs: 500 }), EMPTY_PACING_STATE, now, 0.5);
    assert.equal(jittered.state.nextSendAt!.getTime() - now.getTime(), 1250);
  });

  it('waits for a pause (FloodWait) before anything else', () => {
    const pausedUntil = new Date(now.getTime() + 30_000);
    const r = reserveSend(limits({}), { ...EMPTY_PACING_STATE, pausedUntil }, now, 0);
    assert.deepEqual(r.at, pausedUntil);
  });

  it('moves to the next minute once the per-minute cap is used', () => {
    const slots = reserveMany(limits({ perMinute: 2 }), 5).map((d) => (d.getTime() - now.getTime()) / 1000);
    assert.deepEqual(slots, [0, 0, 60, 60, 120]);
  });

  it('moves to the next UTC day once the per-day cap is used, and counts the new day afresh', () => {
    const slots = reserveMany(limits({ perDay: 2 }), 3);
    assert.deepEqual(slots[2], new Date('2026-11-24T00:00:00.000Z'));
    let state = EMPTY_PACING_STATE;
    for (let i = 0; i < 3; i++) state = reserveSend(limits({ perDay: 2 }), state, now, 0).state;
    assert.deepEqual([state.day, state.sentToday], ['2026-11-24', 1]);
  });
});

describe('estimateDurationMs', () => {
  it('is the time until the last send is due', () => {
    assert.equal(estimateDurationMs(limits({ minGapMs: 2000 }), EMPTY_PACING_STATE, now, 3), 4000);
    assert.equal(estimateDurationMs(limits({ minGapMs: 2000 }), EMPTY_PACING_STATE, now, 0), 0);
  });
});

describe('defaultPacingLimits', () => {
  it('is zero for sandbox accounts and conservative for real ones', () => {
    assert.deepEqual(defaultPacingLimits('telegram', true), limits({}));
    for (const platform of ['telegram', 'whatsapp'] as const) {
      const real = defaultPacingLimits(platform, false);
      assert.ok(real.minGapMs >= 5000 && real.perMinute > 0 && real.perMinute <= 10 && real.perDay > 0 && real.perDay <= 300);
    }
  });
});
