import assert from 'node:assert/strict';
import { EMPTY_SENDER_RECORD, type SenderRecord } from '../../../src/domain/antispam-checks';
import {
  AntispamConfigPatchSchema,
  AntispamConfigSchema,
  clampMuteSeconds,
  defaultAntispamConfig,
  mergeAntispamConfig,
  settingsForChat,
  type AntispamConfig,
} from '../../../src/domain/antispam-config';
import {
  checkAntispam,
  decideAntispam,
  exemptionOf,
  ladderStep,
  TELEGRAM_ANONYMOUS_ADMIN_ID,
  TELEGRAM_SERVICE_ID,
  warningText,
  type AntispamFacts,
} from '../../../src/domain/antispam';

const at = new Date('2026-05-01T12:00:00Z');
const hoursBefore = (h: number) => new Date(at.getTime() - h * 3_600_000);

const config = (over: Record<string, unknown> = {}): AntispamConfig => AntispamConfigSchema.parse({ banned_words: ['spam'], ...over });

function facts(over: { text?: string; chatKey?: string | null; sender?: Partial<AntispamFacts['sender']> } = {}): AntispamFacts {
  return {
    chatKey: over.chatKey ?? '@group',
    message: { text: over.text ?? 'buy spam now', isForward: false, at },
    sender: { id: '42', username: 'alice', kind: 'user', isAdmin: false, joinedAt: null, messagesSinceJoin: 0, ...over.sender },
  };
}

const record = (over: Partial<SenderRecord> = {}): SenderRecord => ({ ...EMPTY_SENDER_RECORD, ...over });

describe('anti-spam decision', () => {
  describe('config', () => {
    it('fills every default, with every check off', () => {
      assert.deepEqual(defaultAntispamConfig(), {
        flood_limit: 0,
        flood_window_seconds: 10,
        block_links: false,
        banned_words: [],
        max_emojis: 0,
        new_member_checks: { messages: 0, within_hours: 24 },
        exempt_users: [],
        action: 'delete',
        mute_seconds: 3600,
        warn_window_hours: 24,
        dry_run: false,
        chats: {},
      });
      assert.equal(decideAntispam(facts({ text: 'visit example.com 🔥🔥🔥🔥🔥' }), defaultAntispamConfig(), record()).spam, false);
    });

    it('accepts the reference body and refuses numbers out of bounds, fractions and unknown actions', () => {
      const parsed = AntispamConfigSchema.parse({ flood_limit: 5, block_links: true, banned_words: ['casino'], action: 'mute' });
      assert.equal(parsed.flood_limit, 5);
      assert.equal(parsed.action, 'mute');
      for (const bad of [
        { flood_limit: -1 },
        { flood_limit: 2.5 },
        { flood_window_seconds: 0 },
        { mute_seconds: 29 },
        { mute_seconds: 366 * 86400 + 1 },
        { warn_window_hours: 0 },
        { max_emojis: 1001 },
        { action: 'kick' },
        { banned_words: ['='] },
        { banned_words: ['  '] },
        { new_member_checks: { messages: 101 } },
      ]) {
        assert.equal(AntispamConfigSchema.safeParse(bad).success, false, JSON.stringify(bad));
      }
    });

    it('merges a change into a config, naming only what changes', () => {
      const current = config({ flood_limit: 5, new_member_checks: { messages: 3, within_hours: 12 }, chats: { '@a': { dry_run: true } } });
      const patch = AntispamConfigPatchSchema.parse({ block_links: true, new_member_checks: { messages: 1 } });
      const merged = mergeAntispamConfig(current, patch);
      assert.equal(merged.flood_limit, 5);
      assert.equal(merged.block_links, true);
      assert.deepEqual(merged.banned_words, ['spam']);
      assert.deepEqual(merged.new_member_checks, { messages: 1, within_hours: 12 });
      assert.deepEqual(merged.chats, { '@a': { dry_run: true } });
      assert.deepEqual(mergeAntispamConfig(current, AntispamConfigPatchSchema.parse({ chats: {} })).chats, {});
    });

    it('applies a chat\'s overrides to that chat only', () => {
      const c = config({ action: 'ban', chats: { '@quiet': { action: 'warn', banned_words: [], new_member_checks: { messages: 4 } } } });
      assert.equal(settingsForChat(c, '@quiet').action, 'warn');
      assert.deepEqual(settingsForChat(c, '@quiet').new_member_checks, { messages: 4, within_hours: 24 });
      assert.equal(settingsForChat(c, '@other').action, 'ban');
      assert.equal(settingsForChat(c, null).action, 'ban');
      assert.equal(decideAntispam(facts({ chatKey: '@quiet' }), c, record()).spam, false);
      assert.equal(decideAntispam(facts({ chatKey: '@other' }), c, record()).action, 'ban');
    });

    it('does not take an inherited property name as a chat key', () => {
      assert.equal(settingsForChat(config(), 'constructor').action, 'delete');
    });
  });

  describe('exemptions', () => {
    const settings = settingsForChat(config({ exempt_users: ['7', '@Bob'] }), null);

    it('exempts anonymous admins, the linked channel, Telegram\'s service account, admins and exempt users', () => {
      assert.equal(exemptionOf(facts({ sender: { kind: 'chat', id: '-100123' } }).sender, settings), 'anonymous_admin');
      assert.equal(exemptionOf(facts({ sender: { id: TELEGRAM_ANONYMOUS_ADMIN_ID } }).sender, settings), 'anonymous_admin');
      assert.equal(exemptionOf(facts({ sender: { kind: 'channel', id: '-100999', isLinkedChannel: true } }).sender, settings), 'linked_channel');
      assert.equal(exemptionOf(facts({ sender: { id: TELEGRAM_SERVICE_ID } }).sender, settings), 'linked_channel');
      assert.equal(exemptionOf(facts({ sender: { isAdmin: true } }).sender, settings), 'admin');
      assert.equal(exemptionOf(facts({ sender: { id: '7', username: null } }).sender, settings), 'exempt_user');
      assert.equal(exemptionOf(facts({ sender: { username: 'bob' } }).sender, settings), 'exempt_user');
    });

    it('checks other channels and users like anyone else', () => {
      assert.equal(exemptionOf(facts({ sender: { kind: 'channel', id: '-100555' } }).sender, settings), null);
      assert.equal(exemptionOf(facts({ sender: { id: '8', username: '7' } }).sender, settings), null);
      assert.equal(exemptionOf(facts().sender, settings), null);
    });

    it('runs no check for an exempt sender, not even the ban list', () => {
      const c = config({ exempt_users: ['42'] });
      assert.deepEqual(decideAntispam(facts(), c, record({ banned: true })), {
        spam: false,
        reasons: [],
        action: 'none',
        deleteMessage: false,
        exemption: 'exempt_user',
        dryRun: false,
      });
      assert.equal(decideAntispam(facts({ sender: { isAdmin: true } }), config(), record()).exemption, 'admin');
      assert.equal(decideAntispam(facts(), config(), record()).spam, true);
    });
  });

  describe('actions', () => {
    it('applies a fixed action; a warn keeps the message, the others delete it', () => {
      const warn = decideAntispam(facts(), config({ action: 'warn' }), record());
      assert.deepEqual([warn.action, warn.deleteMessage], ['warn', false]);
      for (const action of ['delete', 'ban'] as const) {
        const d = decideAntispam(facts(), config({ action }), record());
        assert.deepEqual([d.action, d.deleteMessage, d.muteUntil], [action, true, undefined]);
      }
    });

    it('mutes for mute_seconds from the message', () => {
      const d = decideAntispam(facts(), config({ action: 'mute', mute_seconds: 600 }), record());
      assert.equal(d.action, 'mute');
      assert.equal(d.deleteMessage, true);
      assert.deepEqual(d.muteUntil, new Date(at.getTime() + 600_000));
    });

    it('reports every failed check, in check order', () => {
      const c = config({ block_links: true, max_emojis: 1 });
      assert.deepEqual(
        decideAntispam(facts({ text: 'spam at example.com 🔥🔥' }), c, record({ banned: true })).reasons.map((r) => r.reason),
        ['banned_user', 'link', 'banned_word', 'emojis'],
      );
    });

    it('gives a banned sender the configured action for any message', () => {
      const d = decideAntispam(facts({ text: 'good morning' }), config({ action: 'mute' }), record({ banned: true }));
      assert.deepEqual([d.spam, d.action, d.reasons], [true, 'mute', [{ reason: 'banned_user', detail: 'the sender is banned' }]]);
      assert.equal(decideAntispam(facts({ text: 'good morning' }), config({ action: 'mute' }), record()).spam, false);
    });

    it('passes a clean message with action none', () => {
      const d = decideAntispam(facts({ text: 'good morning' }), config({ action: 'ban' }), record());
      assert.deepEqual([d.spam, d.action, d.deleteMessage, d.reasons], [false, 'none', false, []]);
    });
  });

  describe('ladder', () => {
    const ladder = config({ action: 'ladder', warn_window_hours: 24, mute_seconds: 120 });
    const offences = (n: number) => Array.from({ length: n }, (_, i) => hoursBefore(i + 1));

    it('deletes, then warns, then mutes, then bans, by offences within the window', () => {
      const steps = [0, 1, 2, 3, 7].map((n) => decideAntispam(facts(), ladder, record({ offences: offences(n) })));
      assert.deepEqual(steps.map((d) => d.action), ['delete', 'warn', 'mute', 'ban', 'ban']);
      assert.ok(steps.every((d) => d.deleteMessage));
      assert.deepEqual(steps[2]!.muteUntil, new Date(at.getTime() + 120_000));
    });

    it('no longer counts an offence exactly warn_window_hours old', () => {
      assert.equal(ladderStep([hoursBefore(24)], at, 24), 'delete');
      assert.equal(ladderStep([new Date(hoursBefore(24).getTime() + 1)], at, 24), 'warn');
      assert.equal(ladderStep([hoursBefore(30), hoursBefore(25), hoursBefore(1)], at, 24), 'warn');
    });

    it('counts the offence of a message received after this one but judged before it', () => {
      const later = new Date(at.getTime() + 1_000);
      assert.equal(ladderStep([hoursBefore(1), later], at, 24), 'mute');
    });

    it('bans a banned sender at once', () => {
      assert.equal(decideAntispam(facts({ text: 'hi' }), ladder, record({ banned: true })).action, 'ban');
    });
  });

  describe('dry run', () => {
    it('decides as usual and says it is a dry run', () => {
      const d = decideAntispam(facts(), config({ action: 'ban', dry_run: true }), record());
      assert.deepEqual([d.spam, d.action, d.dryRun], [true, 'ban', true]);
      assert.equal(decideAntispam(facts(), config({ action: 'ban' }), record()).dryRun, false);
    });

    it('can be turned on for one chat', () => {
      const c = config({ chats: { '@test': { dry_run: true } } });
      assert.equal(decideAntispam(facts({ chatKey: '@test' }), c, record()).dryRun, true);
      assert.equal(decideAntispam(facts({ chatKey: '@live' }), c, record()).dryRun, false);
    });
  });

  describe('mute clamp', () => {
    it('keeps durations within Telegram\'s 30 s – 366 days', () => {
      assert.equal(clampMuteSeconds(0), 30);
      assert.equal(clampMuteSeconds(29.9), 30);
      assert.equal(clampMuteSeconds(30), 30);
      assert.equal(clampMuteSeconds(3600.7), 3600);
      assert.equal(clampMuteSeconds(366 * 86400), 366 * 86400);
      assert.equal(clampMuteSeconds(366 * 86400 + 1), 366 * 86400);
      assert.equal(clampMuteSeconds(Infinity), 366 * 86400);
      assert.equal(clampMuteSeconds(-Infinity), 30);
      assert.equal(clampMuteSeconds(NaN), 30);
    });
  });

  describe('checkAntispam (POST /api/antispam/check)', () => {
    it('answers without platform facts, with the action it would take', () => {
      const c = config({ banned_words: ['followers'], action: 'mute' });
      const d = checkAntispam({ userId: '123', text: 'buy followers cheap' }, c, { at });
      assert.deepEqual([d.spam, d.action, d.reasons.map((r) => r.reason)], [true, 'mute', ['banned_word']]);
      assert.equal(checkAntispam({ userId: '123', text: 'hello' }, c, { at }).spam, false);
    });

    it('uses the chat\'s overrides, exempt users by id or @username, and the ban list', () => {
      const c = config({ exempt_users: ['@carol'], chats: { '@g': { action: 'warn' } } });
      assert.equal(checkAntispam({ userId: '1', text: 'spam', chatKey: '@g' }, c, { at }).action, 'warn');
      assert.equal(checkAntispam({ userId: '@Carol', text: 'spam' }, c, { at }).exemption, 'exempt_user');
      assert.equal(checkAntispam({ userId: '1', text: 'hi' }, c, { at, record: { banned: true } }).spam, true);
    });
  });

  describe('warningText', () => {
    it('names the member and each reason once, in words', () => {
      const reasons = [
        { reason: 'link' as const, detail: 'example.com' },
        { reason: 'link' as const, detail: 't.me/+x' },
        { reason: 'emojis' as const, detail: '9 emojis' },
      ];
      assert.equal(
        warningText({ id: '7', username: 'ann', name: 'Ann' }, reasons),
        "⚠️ Ann, your message breaks this chat's rules (links are not allowed, too many emojis).",
      );
      assert.match(warningText({ id: '7', username: 'ann', name: null }, [{ reason: 'flood', detail: '' }]), /^⚠️ @ann, .*\(too many messages\)/);
    });
  });
});
