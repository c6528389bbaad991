import assert from 'node:assert/strict';
import {
  keywordsKey,
  matchKeyword,
  messageKey,
  parseKeywords,
  pickNewReplies,
  pickReplyCandidates,
  privateChatKey,
  type ReplyCandidate,
} from '../../../src/domain/search-reply';
import type { MessageInfo } from '../../../src/domain/platform-port';

const message = (over: Partial<MessageInfo>): MessageInfo => ({
  chatKey: '@group',
  chatId: '-1001',
  chatTitle: 'Group',
  messageId: 1,
  text: 'what is the price?',
  fromId: '42',
  fromUsername: 'alice',
  fromName: 'Alice',
  date: new Date(1_000_000),
  ...over,
});

describe('parseKeywords and keywordsKey', () => {
  it('splits on commas, trims, lower-cases and drops blanks and repeats', () => {
    assert.deepEqual(parseKeywords(' Buy, interested ,,PRICE, buy '), ['buy', 'interested', 'price']);
    assert.deepEqual(parseKeywords(' , '), []);
  });

  it('gives the same key to the same keywords in any order', () => {
    assert.equal(keywordsKey(parseKeywords('price, Buy')), keywordsKey(parseKeywords('buy,price')));
    assert.notEqual(keywordsKey(['buy']), keywordsKey(['buy', 'price']));
  });
});

describe('matchKeyword', () => {
  it('finds the first keyword the text contains, ignoring case', () => {
    assert.equal(matchKeyword('What is the PRICE?', ['buy', 'price']), 'price');
    assert.equal(matchKeyword('hello', ['buy']), undefined);
  });
});

describe('privateChatKey', () => {
  it('is @username on Telegram when there is one, else the user id; the JID on WhatsApp', () => {
    assert.equal(privateChatKey('telegram', { id: '42', username: 'alice' }), '@alice');
    assert.equal(privateChatKey('telegram', { id: '42', username: null }), '42');
    assert.equal(privateChatKey('whatsapp', { id: '155@s.whatsapp.net', username: 'x' }), '155@s.whatsapp.net');
  });

  it('is canonical: the username lower-cased, the JID without its device', () => {
    assert.equal(privateChatKey('telegram', { id: '42', username: 'Alice_Smith' }), '@alice_smith');
    assert.equal(privateChatKey('whatsapp', { id: '4915111111111:3@s.whatsapp.net', username: null }), '4915111111111@s.whatsapp.net');
  });
});

describe('pickReplyCandidates', () => {
  it("picks each user once, with the user's newest matching message, newest first", () => {
    const picked = pickReplyCandidates(
      [
        message({ messageId: 1, date: new Date(1000), text: 'price?' }),
        message({ messageId: 2, date: new Date(3000), text: 'buy now', chatTitle: 'Other' }),
        message({ messageId: 3, date: new Date(2000), fromId: '43', fromUsername: null, fromName: 'Bob', text: 'Price please' }),
        message({ messageId: 4, date: new Date(4000), fromId: '44', text: 'nothing here' }),
      ],
      ['buy', 'price'],
      { platform: 'telegram', selfId: null },
    );
    assert.deepEqual(
      picked.map((c) => [c.userKey, c.targetKey, c.messageId, c.chatTitle]),
      [
        ['42', '@alice', 2, 'Other'],
        ['43', '43', 3, 'Group'],
      ],
    );
  });

  it('skips the account itself, channel posts and messages without an author', () => {
    const picked = pickReplyCandidates(
      [message({ fromId: 'me' }), message({ fromId: '-1001' }), message({ fromId: null })],
      ['price'],
      { platform: 'telegram', selfId: 'me' },
    );
    assert.deepEqual(picked, []);
  });

  it('keeps at most 500 characters of the matched text', () => {
    const [picked] = pickReplyCandidates([message({ text: `price ${'x'.repeat(600)}` })], ['price'], { platform: 'telegram', selfId: null });
    assert.equal(picked!.matchedText.length, 500);
  });
});

describe('pickNewReplies', () => {
  const candidate = (userKey: string, chatKey: string, messageId: number): ReplyCandidate => ({
    userKey,
    targetKey: `@${userKey}`,
    username: userKey,
    name: null,
    chatKey,
    chatTitle: chatKey,
    messageId,
    matchedText: 'price?',
  });
  const candidates = [candidate('alice', '@g1', 1), candidate('bob', '@g1', 2), candidate('carol', '@g2', 1)];

  it('keeps every candidate when nothing was answered and nobody replied to', () => {
    assert.deepEqual(pickNewReplies(candidates, { answeredMessages: new Set(), recentUsers: new Set() }), candidates);
  });

  it('drops a candidate whose message was answered, whoever the user', () => {
    const kept = pickNewReplies(candidates, { answeredMessages: new Set([messageKey({ chatKey: '@g1', messageId: 2 })]), recentUsers: new Set() });
    assert.deepEqual(kept.map((c) => c.userKey), ['alice', 'carol']);
  });

  it('drops a user replied to within the window, and tells messages of different chats apart', () => {
    const kept = pickNewReplies(candidates, { answeredMessages: new Set([messageKey({ chatKey: '@g2', messageId: 2 })]), recentUsers: new Set(['alice']) });
    assert.deepEqual(kept.map((c) => c.userKey), ['bob', 'carol']);
  });
});
