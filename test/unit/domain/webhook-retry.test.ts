import assert from 'node:assert/strict';
import { isEventPattern } from '../../../src/domain/event-types';
import { DEFAULT_RETRY_SCHEDULE_MS, nextRetryDelayMs, parseRetryAfter, parseRetrySchedule, verdictOf } from '../../../src/domain/webhook-retry';

describe('webhook retries', () => {
  it('publishes the schedule 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    assert.deepEqual(DEFAULT_RETRY_SCHEDULE_MS, [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  });

  it('jitters each wait by at most 10 % and ends after the schedule', () => {
    assert.equal(nextRetryDelayMs([1000, 2000], 0, 0), 900);
    assert.equal(nextRetryDelayMs([1000, 2000], 0, 0.5), 1000);
    assert.equal(nextRetryDelayMs([1000, 2000], 1, 0.999999), 2200);
    assert.equal(nextRetryDelayMs([1000, 2000], 2, 0.5), null);
  });

  it('honours a longer Retry-After, up to a day', () => {
    assert.equal(nextRetryDelayMs([1000], 0, 0.5, 30_000), 30_000);
    assert.equal(nextRetryDelayMs([1000], 0, 0.5, 10), 1000);
    assert.equal(nextRetryDelayMs([1000], 0, 0.5, 10 * 86_400_000), 86_400_000);
    assert.equal(parseRetryAfter('120', 0), 120_000);
    assert.equal(parseRetryAfter(new Date(60_000).toUTCString(), 0), 60_000);
    assert.equal(parseRetryAfter('soon', 0), undefined);
    assert.equal(parseRetryAfter(null, 0), undefined);
  });

  it('delivers on 2xx, retries 5xx, 408 and 429, disables on 410 and fails other answers at once', () => {
    assert.equal(verdictOf(200), 'delivered');
    assert.equal(verdictOf(204), 'delivered');
    for (const s of [500, 502, 503, 408, 429]) assert.equal(verdictOf(s), 'retry', String(s));
    assert.equal(verdictOf(410), 'gone');
    for (const s of [301, 302, 307, 400, 401, 403, 404, 422]) assert.equal(verdictOf(s), 'final', String(s));
  });

  it('reads a schedule setting in seconds and refuses a malformed one', () => {
    assert.deepEqual(parseRetrySchedule('0.5, 1,2'), [500, 1000, 2000]);
    assert.equal(typeof parseRetrySchedule('1,,2'), 'string');
    assert.equal(typeof parseRetrySchedule('-1'), 'string');
    assert.equal(typeof parseRetrySchedule('soon'), 'string');
  });
});

describe('event patterns', () => {
  it('takes *, known types and prefixes of known types', () => {
    for (const p of ['*', 'message.sent', 'message.*', 'broadcast.run.*', 'broadcast.*', 'webhook.disabled']) assert.ok(isEventPattern(p), p);
    for (const p of ['message', 'message.', '.*', 'nothing.*', 'message.sent.*', 'MESSAGE.SENT', '**']) assert.ok(!isEventPattern(p), p);
  });
});
