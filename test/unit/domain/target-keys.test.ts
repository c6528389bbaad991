import assert from 'node:assert/strict';
import { isWellFormedTargetKey } from '../../../src/domain/target-keys';

describe('isWellFormedTargetKey', () => {
  it('accepts Telegram usernames, links and ids', () => {
    for (const key of ['@channel1', 'channel1', 't.me/channel1', 'https://t.me/some_group', '-1001234567890', '-123456789', '777000']) {
      assert.ok(isWellFormedTargetKey('telegram', key), key);
    }
  });

  it('rejects what Telegram cannot address', () => {
    for (const key of ['@ab', '@1abc', 'hello world', '120363000000000000@g.us', '+14155550123', '@toolong_' + 'x'.repeat(30)]) {
      assert.ok(!isWellFormedTargetKey('telegram', key), key);
    }
  });

  it('accepts WhatsApp JIDs and phone numbers', () => {
    for (const key of ['120363012345678901@g.us', '14155550123@s.whatsapp.net', '123456789012345@lid', '120363012345678901@newsletter', '+14155550123', '+44 7700 900123']) {
      assert.ok(isWellFormedTargetKey('whatsapp', key), key);
    }
  });

  it('rejects what WhatsApp cannot address', () => {
    for (const key of ['@channel1', '14155550123', 'abc@g.us', '+0123456', '-1001234567890']) {
      assert.ok(!isWellFormedTargetKey('whatsapp', key), key);
    }
  });
});
