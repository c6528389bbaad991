import assert from 'node:assert/strict';
import {
  cooldownHold,
  evaluateAutoReplies,
  NO_COOLDOWNS,
  renderReply,
  type AutoReplyRule,
  type CooldownState,
  type MessageFacts,
} from '../../../src/domain/auto-replies';
import { unknownMemberVariables } from '../../../src/domain/member-text';

let created = 0;
const rule = (fields: Partial<AutoReplyRule> = {}): AutoReplyRule => ({
  id: `rule-${++created}`,
  keyword: 'hello',
  response: 'Hi {{name}}!',
  matchMode: 'contains',
  caseSensitive: false,
  accentSensitive: false,
  priority: 100,
  enabled: true,
  accountId: null,
  platform: null,
  chatTypes: null,
  allowChats: [],
  denyChats: [],
  replyIn: 'chat',
  cooldownSeconds: 60,
  chatCooldownSeconds: null,
  accountCooldownSeconds: null,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, created)),
  ...fields,
});

const message = (fields: Partial<MessageFacts> = {}): MessageFacts => ({
  text: 'hello there',
  account: { id: 'acc-1', platform: 'telegram' },
  chatType: 'private',
  chatKey: '@alice',
  chatTitle: null,
  sender: { id: 'u1', name: 'Alice', username: 'alice' },
  ...fields,
});

const now = new Date('2026-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const matchedIds = (rules: AutoReplyRule[], facts: MessageFacts, cooldowns: CooldownState = NO_COOLDOWNS) =>
  evaluateAutoReplies(rules, facts, cooldowns, now).matches.map((m) => m.rule.id);

describe('auto-replies', () => {
  describe('order', () => {
    it('answers in priority order, lower first, ties by creation; the first match is sent', () => {
      const late = rule({ priority: 5, createdAt: new Date('2026-03-01T00:00:00Z') });
      const early = rule({ priority: 5, createdAt: new Date('2026-02-01T00:00:00Z') });
      const first = rule({ priority: 1 });
      const last = rule({ priority: 200 });
      const result = evaluateAutoReplies([last, late, first, early], message(), NO_COOLDOWNS, now);
      assert.deepEqual(
        result.matches.map((m) => m.rule.id),
        [first.id, early.id, late.id, last.id],
      );
      assert.equal(result.send?.rule.id, first.id);
      assert.equal(result.send?.reply, 'Hi Alice!');
    });

    it('leaves out disabled rules and rules that do not match', () => {
      const off = rule({ enabled: false });
      const other = rule({ keyword: 'bye' });
      const on = rule();
      assert.deepEqual(matchedIds([off, other, on], message()), [on.id]);
    });
  });

  describe('scope', () => {
    it('keeps a rule to its account and platform, unless no account is known', () => {
      const mine = rule({ accountId: 'acc-1' });
      const theirs = rule({ accountId: 'acc-2' });
      const whatsapp = rule({ platform: 'whatsapp' });
      const telegram = rule({ platform: 'telegram' });
      assert.deepEqual(matchedIds([mine, theirs, whatsapp, telegram], message()), [mine.id, telegram.id]);
      assert.deepEqual(matchedIds([mine, theirs, whatsapp, telegram], message({ account: null })), [mine.id, theirs.id, whatsapp.id, telegram.id]);
    });

    it('answers in private chats and groups by default, never in channels', () => {
      const plain = rule();
      assert.deepEqual(matchedIds([plain], message({ chatType: 'private' })), [plain.id]);
      assert.deepEqual(matchedIds([plain], message({ chatType: 'group' })), [plain.id]);
      assert.deepEqual(matchedIds([plain], message({ chatType: 'channel' })), []);
      const channels = rule({ chatTypes: ['channel'] });
      assert.deepEqual(matchedIds([channels], message({ chatType: 'channel' })), [channels.id]);
      assert.deepEqual(matchedIds([channels], message({ chatType: 'private' })), []);
    });

    it('keeps a catch-all to private chats unless groups are named', () => {
      const catchAll = rule({ matchMode: 'regex', keyword: '.*' });
      assert.deepEqual(matchedIds([catchAll], message({ chatType: 'private' })), [catchAll.id]);
      assert.deepEqual(matchedIds([catchAll], message({ chatType: 'group' })), []);
      const inGroups = rule({ matchMode: 'regex', keyword: '.*', chatTypes: ['group'] });
      assert.deepEqual(matchedIds([inGroups], message({ chatType: 'group' })), [inGroups.id]);
    });

    it('answers only in the allowed chats, and never in the denied ones', () => {
      const allowed = rule({ allowChats: ['@group_a'] });
      const denied = rule({ denyChats: ['@group_a'] });
      assert.deepEqual(matchedIds([allowed, denied], message({ chatType: 'group', chatKey: '@group_a' })), [allowed.id]);
      assert.deepEqual(matchedIds([allowed, denied], message({ chatType: 'group', chatKey: '@group_b' })), [denied.id]);
      assert.deepEqual(matchedIds([allowed, denied], message({ chatType: 'group', chatKey: null })), [denied.id]);
    });
  });

  describe('cooldowns', () => {
    const cooldowns = (scope: keyof CooldownState, ruleId: string, at: Date): CooldownState => ({ ...NO_COOLDOWNS, [scope]: new Map([[ruleId, at]]) });

    it('holds a rule back for a sender until exactly cooldown_seconds have passed', () => {
      const r = rule({ cooldownSeconds: 60 });
      assert.deepEqual(cooldownHold(r, cooldowns('sender', r.id, ago(59.999)), now), { scope: 'sender', until: new Date(now.getTime() + 1) });
      assert.equal(cooldownHold(r, cooldowns('sender', r.id, ago(60)), now), null);
      assert.equal(cooldownHold(r, cooldowns('sender', r.id, ago(61)), now), null);
      assert.equal(cooldownHold(rule({ id: r.id, cooldownSeconds: 0 }), cooldowns('sender', r.id, now), now), null);
    });

    it('holds a rule back per chat and per account when it has those cooldowns, the longest hold named', () => {
      const r = rule({ cooldownSeconds: 10, chatCooldownSeconds: 300, accountCooldownSeconds: 120 });
      assert.equal(cooldownHold(r, cooldowns('chat', r.id, ago(300)), now), null);
      assert.equal(cooldownHold(r, cooldowns('chat', r.id, ago(299)), now)?.scope, 'chat');
      assert.equal(cooldownHold(r, cooldowns('account', r.id, ago(100)), now)?.scope, 'account');
      const all: CooldownState = { sender: new Map([[r.id, ago(1)]]), chat: new Map([[r.id, ago(1)]]), account: new Map([[r.id, ago(1)]]) };
      assert.equal(cooldownHold(r, all, now)?.scope, 'chat');
      const none = rule({ id: r.id, cooldownSeconds: 0 });
      assert.equal(cooldownHold(none, cooldowns('chat', r.id, ago(1)), now), null);
    });

    it('sends nothing when the first match is held back, and still lists every match', () => {
      const first = rule({ priority: 1 });
      const second = rule({ priority: 2 });
      const result = evaluateAutoReplies([first, second], message(), cooldowns('sender', first.id, ago(5)), now);
      assert.deepEqual(
        result.matches.map((m) => [m.rule.id, m.heldBy?.scope ?? null]),
        [
          [first.id, 'sender'],
          [second.id, null],
        ],
      );
      assert.equal(result.send, null);
    });
  });

  describe('rendering', () => {
    it('fills in the sender and the chat', () => {
      const facts = message({ chatType: 'group', chatTitle: 'Crypto Hub' });
      assert.equal(renderReply('Hi {{name}} ({{ username }}) in {{group}}', facts), 'Hi Alice (@alice) in Crypto Hub');
    });

    it('falls back to the username for a nameless sender, and leaves empty what is unknown', () => {
      assert.equal(renderReply('Hi {{name}}{{username}}', message({ sender: { id: 'u', name: null, username: 'bob' } })), 'Hi bob@bob');
      assert.equal(renderReply('[{{name}}|{{username}}|{{group}}]', message({ sender: { id: 'u', name: null, username: null } })), '[||]');
    });

    it('leaves unknown variables as written, and names them', () => {
      assert.equal(renderReply('{{first}} {{name}}', message()), '{{first}} Alice');
      assert.deepEqual(unknownMemberVariables('{{a}} {{name}} {{a}} {{group}}'), ['a']);
    });
  });
});
