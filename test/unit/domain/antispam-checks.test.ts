import assert from 'node:assert/strict';
import {
  checkBannedWords,
  checkEmojis,
  checkFlood,
  checkLinks,
  checkNewMemberForward,
  checkNewMemberLink,
  countEmojis,
  EMPTY_SENDER_RECORD,
  type CheckInput,
} from '../../../src/domain/antispam-checks';
import { defaultAntispamConfig, type AntispamSettings } from '../../../src/domain/antispam-config';
import { findBannedWord } from '../../../src/domain/banned-words';
import { findLinks } from '../../../src/domain/links';

const at = new Date('2026-05-01T12:00:00Z');
const secondsBefore = (s: number) => new Date(at.getTime() - s * 1000);

function input(over: { text?: string; isForward?: boolean; hiddenUrls?: string[]; settings?: Partial<AntispamSettings>; recent?: Date[]; joinedAt?: Date | null; messagesSinceJoin?: number }): CheckInput {
  const { chats: _chats, ...defaults } = defaultAntispamConfig();
  return {
    message: { text: over.text ?? 'hello', isForward: over.isForward ?? false, hiddenUrls: over.hiddenUrls, at },
    sender: { id: 'u1', username: 'alice', kind: 'user', isAdmin: false, joinedAt: over.joinedAt ?? null, messagesSinceJoin: over.messagesSinceJoin ?? 0 },
    settings: { ...defaults, ...over.settings },
    record: { ...EMPTY_SENDER_RECORD, recentMessages: over.recent ?? [] },
  };
}

describe('anti-spam checks', () => {
  describe('link recognition', () => {
    it('finds URLs with a scheme, bare domains and Telegram links', () => {
      assert.deepEqual(findLinks('see https://spam.example/offer now'), ['https://spam.example/offer']);
      assert.deepEqual(findLinks('visit example.com today'), ['example.com']);
      assert.deepEqual(findLinks('join t.me/+AbCdEf123'), ['t.me/+AbCdEf123']);
      assert.deepEqual(findLinks('t.me/joinchat/AAAAAEHbEkejk'), ['t.me/joinchat/AAAAAEHbEkejk']);
      assert.deepEqual(findLinks('telegram.me/cheap_followers'), ['telegram.me/cheap_followers']);
      assert.deepEqual(findLinks('T.ME/Shouting'), ['T.ME/Shouting']);
      assert.deepEqual(findLinks('open tg://resolve?domain=spambot please'), ['tg://resolve?domain=spambot']);
      assert.deepEqual(findLinks('cheap at best-deals.xyz'), ['best-deals.xyz']);
    });

    it('finds nothing in plain words, numbers, e-mail addresses or mentions', () => {
      assert.deepEqual(findLinks('hello world, version 1.2.3 of node.js'), []);
      assert.deepEqual(findLinks('write to alice@example.com'), []);
      assert.deepEqual(findLinks('ask @alice about it'), []);
    });
  });

  describe('link', () => {
    it('refuses a message with a link when block_links is on', () => {
      assert.deepEqual(checkLinks(input({ text: 'go to example.com', settings: { block_links: true } })), { reason: 'link', detail: 'example.com' });
    });

    it('refuses a link hidden behind words', () => {
      assert.deepEqual(checkLinks(input({ text: 'click here', hiddenUrls: ['https://evil.example'], settings: { block_links: true } })), {
        reason: 'link',
        detail: 'https://evil.example',
      });
    });

    it('lets links through when block_links is off, and plain text when it is on', () => {
      assert.equal(checkLinks(input({ text: 'go to example.com' })), null);
      assert.equal(checkLinks(input({ text: 'no links here', settings: { block_links: true } })), null);
    });
  });

  describe('banned_word', () => {
    const list = ['crypto', 'buy followers', '=SCAM'];

    it('matches a word whole, in any case', () => {
      assert.equal(findBannedWord('Best CRYPTO deals', list), 'crypto');
      assert.equal(findBannedWord('cryptocurrency is fine', list), null);
      assert.equal(findBannedWord('my_crypto handle', list), null);
      assert.equal(findBannedWord('(crypto)!', list), 'crypto');
    });

    it('matches a phrase across any white space', () => {
      assert.equal(findBannedWord('please Buy\n  Followers now', list), 'buy followers');
    });

    it('matches an "=" entry in its exact case only', () => {
      assert.equal(findBannedWord('this is a SCAM', list), '=SCAM');
      assert.equal(findBannedWord('this is a scam', list), null);
      assert.equal(findBannedWord('SCAMMER', list), null);
    });

    it('reports the word found first in the text', () => {
      assert.equal(findBannedWord('SCAM and crypto', list), '=SCAM');
      assert.equal(findBannedWord('crypto and SCAM', list), 'crypto');
    });

    it('matches words of any script, treats regex characters literally', () => {
      assert.equal(findBannedWord('Продам КРИПТУ', ['крипту']), 'крипту');
      assert.equal(findBannedWord('a+b', ['a.b']), null);
      assert.equal(findBannedWord('earn $$$ fast', ['$$$']), '$$$');
    });

    it('names the entry in the check', () => {
      assert.deepEqual(checkBannedWords(input({ text: 'CRYPTO now', settings: { banned_words: list } })), { reason: 'banned_word', detail: 'crypto' });
      assert.equal(checkBannedWords(input({ text: 'nothing bad' , settings: { banned_words: list } })), null);
    });
  });

  describe('emojis', () => {
    it('counts a skin-toned emoji, a ZWJ family, a flag and a keycap once each', () => {
      assert.equal(countEmojis('👍🏽'), 1);
      assert.equal(countEmojis('👨‍👩‍👧‍👦'), 1);
      assert.equal(countEmojis('🇺🇦'), 1);
      assert.equal(countEmojis('1️⃣'), 1);
      assert.equal(countEmojis('hi 😀 there 😀❤️'), 3);
      assert.equal(countEmojis('plain text 123'), 0);
    });

    it('refuses more than max_emojis, allows exactly max_emojis, and is off at 0', () => {
      const three = '🔥👍🏽👨‍👩‍👧';
      assert.deepEqual(checkEmojis(input({ text: three, settings: { max_emojis: 2 } })), { reason: 'emojis', detail: '3 emojis (limit 2)' });
      assert.equal(checkEmojis(input({ text: three, settings: { max_emojis: 3 } })), null);
      assert.equal(checkEmojis(input({ text: three.repeat(50), settings: { max_emojis: 0 } })), null);
    });
  });

  describe('flood', () => {
    const settings = { flood_limit: 3, flood_window_seconds: 10 };

    it('allows flood_limit messages in the window and refuses one more', () => {
      assert.equal(checkFlood(input({ settings, recent: [secondsBefore(1), secondsBefore(2)] })), null);
      assert.deepEqual(checkFlood(input({ settings, recent: [secondsBefore(1), secondsBefore(2), secondsBefore(9)] })), {
        reason: 'flood',
        detail: '4 messages within 10 s (limit 3)',
      });
    });

    it('no longer counts a message exactly flood_window_seconds old', () => {
      assert.equal(checkFlood(input({ settings, recent: [secondsBefore(1), secondsBefore(2), secondsBefore(10)] })), null);
      assert.notEqual(checkFlood(input({ settings, recent: [secondsBefore(1), secondsBefore(2), secondsBefore(9.999)] })), null);
    });

    it('is off when flood_limit is 0', () => {
      const many = Array.from({ length: 50 }, (_, i) => secondsBefore(i / 10));
      assert.equal(checkFlood(input({ settings: { flood_limit: 0 }, recent: many })), null);
      assert.notEqual(checkFlood(input({ settings: { flood_limit: 5 }, recent: many })), null);
    });
  });

  describe('new members', () => {
    const settings = { new_member_checks: { messages: 2, within_hours: 24 } };
    const joinedAt = secondsBefore(3600);

    it('refuses a link and a forward among a new member\'s first messages, whatever block_links says', () => {
      assert.deepEqual(checkNewMemberLink(input({ text: 'see t.me/+invite', settings, joinedAt, messagesSinceJoin: 1 })), {
        reason: 'new_member_link',
        detail: 't.me/+invite',
      });
      assert.equal(checkNewMemberForward(input({ isForward: true, settings, joinedAt }))?.reason, 'new_member_forward');
    });

    it('stops once the member has posted `messages` messages', () => {
      assert.equal(checkNewMemberLink(input({ text: 'example.com', settings, joinedAt, messagesSinceJoin: 2 })), null);
      assert.equal(checkNewMemberForward(input({ isForward: true, settings, joinedAt, messagesSinceJoin: 2 })), null);
    });

    it('stops exactly within_hours after the join', () => {
      assert.equal(checkNewMemberLink(input({ text: 'example.com', settings, joinedAt: secondsBefore(24 * 3600) })), null);
      assert.notEqual(checkNewMemberLink(input({ text: 'example.com', settings, joinedAt: secondsBefore(24 * 3600 - 1) })), null);
    });

    it('leaves members whose join is unknown, plain messages, and everyone when turned off', () => {
      assert.equal(checkNewMemberLink(input({ text: 'example.com', settings, joinedAt: null })), null);
      assert.equal(checkNewMemberLink(input({ text: 'hello all', settings, joinedAt })), null);
      assert.equal(checkNewMemberForward(input({ isForward: false, settings, joinedAt })), null);
      assert.equal(checkNewMemberLink(input({ text: 'example.com', settings: { new_member_checks: { messages: 0, within_hours: 24 } }, joinedAt })), null);
    });
  });
});
