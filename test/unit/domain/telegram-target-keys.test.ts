import assert from 'node:assert/strict';
import { isPlatformError } from '../../../src/domain/platform-port';
import { markedId, parseTelegramTarget } from '../../../src/domain/telegram-target-keys';

describe('parseTelegramTarget', () => {
  it('reads @username, bare usernames and t.me links as the same lower-cased username key', () => {
    for (const raw of ['@DurovChat', 'DurovChat', 't.me/DurovChat', 'https://t.me/DurovChat/', 'https://telegram.me/durovchat?start=1', 't.me/s/DurovChat', ' @durovchat ']) {
      assert.deepEqual(parseTelegramTarget(raw), { kind: 'username', username: raw.includes('durovchat') ? 'durovchat' : 'DurovChat', key: '@durovchat' }, raw);
    }
  });

  it('reads -100 ids as channels, other negative ids as basic groups and positive ids as users', () => {
    assert.deepEqual(parseTelegramTarget('-1001234567890'), { kind: 'id', type: 'channel', id: '1234567890', key: '-1001234567890' });
    assert.deepEqual(parseTelegramTarget('-123456'), { kind: 'id', type: 'chat', id: '123456', key: '-123456' });
    assert.deepEqual(parseTelegramTarget('777000'), { kind: 'id', type: 'user', id: '777000', key: '777000' });
  });

  it('keeps a basic group whose id starts with zeros after -100 a basic group, as GramJS does', () => {
    assert.deepEqual(parseTelegramTarget('-1000123'), { kind: 'id', type: 'chat', id: '1000123', key: '-1000123' });
  });

  it('reads t.me/c/<id>/<message> links as the private channel they point into', () => {
    assert.deepEqual(parseTelegramTarget('https://t.me/c/1234567890/42'), { kind: 'id', type: 'channel', id: '1234567890', key: '-1001234567890' });
  });

  it('rejects invite links, garbage, zero and out-of-range ids as invalid', () => {
    for (const raw of ['https://t.me/+AbCdEf123', 't.me/joinchat/AbCdEf', '', '   ', 'hello world', '@ab', '0', '99999999999999999999', '@1abc', 't.me/']) {
      assert.throws(() => parseTelegramTarget(raw), (err) => isPlatformError(err, 'invalid'), raw);
    }
  });

  it('gives canonical keys that match what markedId builds', () => {
    assert.equal(parseTelegramTarget('-1001234567890').key, markedId('channel', '1234567890'));
    assert.equal(parseTelegramTarget('-55').key, markedId('chat', '55'));
    assert.equal(parseTelegramTarget('@Some_Group').key, '@some_group');
  });
});
