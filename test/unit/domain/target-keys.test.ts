import assert from 'node:assert/strict';
import { isPlatformError, type Platform } from '../../../src/domain/platform-port';
import { canonicalTargetKey, canonicalTargetKeyOrNull, canonicalTargetKeys, knownChatResolver } from '../../../src/domain/target-keys';

/** Every accepted spelling, by platform, and the one identity it canonicalises to. */
const CANONICAL: Record<Platform, Array<[given: string, canonical: string]>> = {
  telegram: [
    ['@channel1', '@channel1'],
    ['channel1', '@channel1'],
    ['@CHANNEL1', '@channel1'],
    ['Channel1', '@channel1'],
    ['t.me/channel1', '@channel1'],
    ['T.ME/Channel1', '@channel1'],
    ['https://t.me/channel1', '@channel1'],
    ['http://t.me/channel1/', '@channel1'],
    ['https://www.t.me/channel1?start=x', '@channel1'],
    ['telegram.me/channel1', '@channel1'],
    ['https://telegram.me/CHANNEL1', '@channel1'],
    ['telegram.dog/channel1', '@channel1'],
    ['t.me/s/channel1', '@channel1'],
    [' @channel1 ', '@channel1'],
    ['-1001000000001', '-1001000000001'],
    ['https://t.me/c/1000000001/17', '-1001000000001'],
    ['-123456789', '-123456789'],
    ['-1000123', '-1000123'],
    ['777000', '777000'],
    ['00777000', '777000'],
    ['9223372036854775807', '9223372036854775807'],
  ],
  whatsapp: [
    ['+49 151 1234-5678', '4915112345678@s.whatsapp.net'],
    ['+4915112345678', '4915112345678@s.whatsapp.net'],
    ['4915112345678', '4915112345678@s.whatsapp.net'],
    ['+49 (151) 1234.5678', '4915112345678@s.whatsapp.net'],
    ['4915112345678@s.whatsapp.net', '4915112345678@s.whatsapp.net'],
    ['4915112345678@S.WHATSAPP.NET', '4915112345678@s.whatsapp.net'],
    ['4915112345678:3@s.whatsapp.net', '4915112345678@s.whatsapp.net'],
    ['4915112345678@c.us', '4915112345678@s.whatsapp.net'],
    ['120363012345678901@g.us', '120363012345678901@g.us'],
    ['4915100000001-1600000000@g.us', '4915100000001-1600000000@g.us'],
    ['123456789012345@lid', '123456789012345@lid'],
    ['123456789012345:7@lid', '123456789012345@lid'],
    ['120363012345678901@newsletter', '120363012345678901@newsletter'],
  ],
};

/** Keys refused on each platform, with why. */
const REFUSED: Record<Platform, Array<[given: string, why: string]>> = {
  telegram: [
    ['https://t.me/+AbCdEf123', 'an invite link'],
    ['t.me/joinchat/AbCdEf', 'an old invite link'],
    ['telegram.me/joinchat/AbCdEf', 'an old invite link on telegram.me'],
    ['9223372036854775808', 'an id beyond 2^63-1'],
    ['-1009223372036854775808', 'a channel id beyond 2^63-1'],
    ['0', 'id zero'],
    ['-0', 'a negative zero'],
    ['', 'empty'],
    ['@ab', 'a username too short'],
    ['@1abc', 'a username starting with a digit'],
    [`@a${'b'.repeat(32)}`, 'a username too long'],
    ['hello world', 'words'],
    ['t.me/', 'a link to nothing'],
    ['https://example.com/channel1', 'a link elsewhere'],
    ['120363012345678901@g.us', 'a WhatsApp JID'],
    ['+4915112345678', 'a phone number'],
  ],
  whatsapp: [
    ['@channel1', 'a Telegram username'],
    ['channel1', 'a bare name'],
    ['t.me/channel1', 'a Telegram link'],
    ['-1001000000001', 'a Telegram id'],
    ['0151 12345678', 'a national number without country code'],
    ['+123', 'too short for a phone number'],
    ['+1234567890123456', 'longer than E.164 allows'],
    ['x@g.us', 'a group JID without digits'],
    [`${'1'.repeat(21)}@g.us`, 'a group JID out of range'],
    ['123@broadcast', 'a broadcast list'],
    ['', 'empty'],
  ],
};

describe('target keys', () => {
  for (const platform of ['telegram', 'whatsapp'] as const) {
    describe(`canonicalTargetKey on ${platform}`, () => {
      for (const [given, canonical] of CANONICAL[platform]) {
        it(`reads ${JSON.stringify(given)} as ${canonical}`, () => {
          assert.equal(canonicalTargetKey(platform, given), canonical);
        });
      }

      for (const [given, why] of REFUSED[platform]) {
        it(`refuses ${JSON.stringify(given)} (${why}) as invalid`, () => {
          assert.throws(() => canonicalTargetKey(platform, given), (err) => isPlatformError(err, 'invalid'));
          assert.equal(canonicalTargetKeyOrNull(platform, given), null);
        });
      }

      it('gives canonical keys that are their own canonical form', () => {
        for (const [, canonical] of CANONICAL[platform]) assert.equal(canonicalTargetKey(platform, canonical), canonical);
      });
    });
  }

  describe('canonicalTargetKeys', () => {
    it('answers the canonical keys in the order given', () => {
      assert.deepEqual(canonicalTargetKeys('telegram', ['t.me/Channel2', '-1001234567890', 'channel1']), {
        ok: true,
        keys: ['@channel2', '-1001234567890', '@channel1'],
      });
    });

    it('refuses two spellings of one chat, naming both as given', () => {
      assert.deepEqual(canonicalTargetKeys('telegram', ['@channel1', '@channel2', 't.me/channel1']), {
        ok: false,
        error: 'target_keys: "@channel1" and "t.me/channel1" name the same chat',
      });
      assert.deepEqual(canonicalTargetKeys('whatsapp', ['+49 151 1234-5678', '4915112345678@s.whatsapp.net']), {
        ok: false,
        error: 'target_keys: "+49 151 1234-5678" and "4915112345678@s.whatsapp.net" name the same chat',
      });
    });

    it('names every spelling of every repeated chat, and exact repeats too', () => {
      const given = ['@channel1', 'channel1', '@channel2', 'https://t.me/channel1', 'CHANNEL2'];
      assert.deepEqual(canonicalTargetKeys('telegram', given), {
        ok: false,
        error:
          'target_keys: "@channel1", "channel1" and "https://t.me/channel1" name the same chat; "@channel2" and "CHANNEL2" name the same chat',
      });
      assert.deepEqual(canonicalTargetKeys('telegram', ['@channel1', '@channel1']), {
        ok: false,
        error: 'target_keys: "@channel1" and "@channel1" name the same chat',
      });
    });

    it('lists every malformed key before looking for repeats', () => {
      const checked = canonicalTargetKeys('whatsapp', ['@channel1', '+4915112345678', 'nope', '4915112345678']);
      assert.equal(checked.ok, false);
      assert.match(checked.ok ? '' : checked.error, /^target_keys: not whatsapp targets: @channel1, nope \(expected /);
    });
  });

  describe('knownChatResolver', () => {
    const chats = [
      { key: '@channel1', platformId: '-1001000000001', username: 'channel1' },
      { key: '-1002000000002', platformId: '-1002000000002', username: null },
    ];

    it('makes a known chat\'s username and id one chat, and leaves unknown keys alone', () => {
      const chatOf = knownChatResolver('telegram', chats);
      assert.equal(chatOf('-1001000000001'), '@channel1');
      assert.equal(chatOf('@channel1'), '@channel1');
      assert.equal(chatOf('-1002000000002'), '-1002000000002');
      assert.equal(chatOf('@stranger'), '@stranger');
    });

    it('lets canonicalTargetKeys refuse a username and an id of one chat', () => {
      const checked = canonicalTargetKeys('telegram', ['t.me/Channel1', '-1001000000001'], 'target_keys', knownChatResolver('telegram', chats));
      assert.deepEqual(checked, { ok: false, error: 'target_keys: "t.me/Channel1" and "-1001000000001" name the same chat' });
      assert.deepEqual(canonicalTargetKeys('telegram', ['t.me/Channel1', '-1001000000001']), { ok: true, keys: ['@channel1', '-1001000000001'] });
    });
  });
});
