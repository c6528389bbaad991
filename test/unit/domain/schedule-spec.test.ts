import assert from 'node:assert/strict';
import { broadcastSchedule, isTimeZone, parseDailyTime } from '../../../src/domain/schedule-spec';

const base = { intervalMinutes: null, dailyTime: null, timezone: null };

describe('broadcastSchedule', () => {
  it('has no schedule for now broadcasts', () => {
    assert.deepEqual(broadcastSchedule({ ...base, scheduleType: 'now' }), {});
  });

  it('turns fractional interval minutes into milliseconds', () => {
    assert.deepEqual(broadcastSchedule({ ...base, scheduleType: 'interval', intervalMinutes: 0.05 }).schedule, { type: 'interval', everyMs: 3000 });
    assert.match(broadcastSchedule({ ...base, scheduleType: 'interval', intervalMinutes: 0.001 }).error!, /at least 1 second/);
  });

  it('makes a daily schedule in UTC unless a time zone is given', () => {
    assert.deepEqual(broadcastSchedule({ ...base, scheduleType: 'daily', dailyTime: '07:45' }).schedule, {
      type: 'daily',
      hour: 7,
      minute: 45,
      timezone: 'UTC',
    });
    assert.equal(broadcastSchedule({ ...base, scheduleType: 'daily', dailyTime: '07:45', timezone: 'Asia/Tokyo' }).schedule?.type, 'daily');
    assert.match(broadcastSchedule({ ...base, scheduleType: 'daily', dailyTime: '07:45', timezone: 'Nowhere/City' }).error!, /IANA/);
  });

  it('refuses settings of another schedule type', () => {
    assert.match(broadcastSchedule({ ...base, scheduleType: 'now', timezone: 'UTC' }).error!, /apply only/);
    assert.match(broadcastSchedule({ ...base, scheduleType: 'daily', dailyTime: '10:00', intervalMinutes: 5 }).error!, /applies only/);
  });
});

describe('parseDailyTime and isTimeZone', () => {
  it('accepts 24-hour HH:MM only', () => {
    assert.deepEqual(parseDailyTime('23:59'), { hour: 23, minute: 59 });
    for (const bad of ['24:00', '7:30', '07:60', '0730', '07:30:00']) assert.equal(parseDailyTime(bad), undefined, bad);
  });

  it('knows IANA zone names', () => {
    assert.equal(isTimeZone('America/New_York'), true);
    assert.equal(isTimeZone('Atlantis/Capital'), false);
  });
});
