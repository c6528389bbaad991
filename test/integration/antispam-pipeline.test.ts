import assert from 'node:assert/strict';
import { PgSandboxStore } from '../../src/db/repos/sandbox.repo';
import type { WorldChat } from '../../src/domain/sandbox-world';
import { eventually, outboxItems, userWithAccount, type Client } from '../support/http';
import { injectAndSettle, settled, type InjectedPerson } from '../support/inbound';
import { getStack } from '../support/stack';

/**
 * Anti-spam through the inbound pipeline: messages injected into sandbox accounts are judged by
 * the owner's config, and the platform's outbox shows what was done — deleted, warned, muted,
 * banned — or, for exempt senders and dry runs, that nothing was.
 */
describe('anti-spam through the inbound pipeline', () => {
  interface Setup {
    api: Client;
    accountId: string;
    adminGroup: WorldChat;
    memberGroup: WorldChat;
    otherAdminGroup: WorldChat;
  }

  async function setup(platform: 'telegram' | 'whatsapp' = 'telegram'): Promise<Setup> {
    const { api, accountId } = await userWithAccount(platform);
    const groups = (await new PgSandboxStore((await getStack()).db).listChats(accountId)).filter((c) => c.type === 'group');
    const [adminGroup, otherAdminGroup] = groups.filter((c) => c.admin);
    const memberGroup = groups.find((c) => !c.admin);
    assert.ok(adminGroup && otherAdminGroup && memberGroup, 'the seeded world has groups the account administers and one it does not');
    return { api, accountId, adminGroup, memberGroup, otherAdminGroup };
  }

  async function configure(api: Client, config: object): Promise<void> {
    const saved = await api.put('/api/antispam/config', config);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  }

  const say = (s: Setup, chat: WorldChat, from: InjectedPerson, text: string, extra: { forwarded?: boolean } = {}) =>
    injectAndSettle(s.api, s.accountId, { type: 'message', chat_key: chat.key, from, text, ...extra });

  async function antispamLog(s: Setup) {
    const log = await s.api.get(`/api/automation/log?account_id=${s.accountId}&feature=antispam`);
    assert.equal(log.status, 200, JSON.stringify(log.body));
    return log.body.entries as Array<{ action: string; result: string; reason: string; user_id: string; error: string | null; inbound_event_id: number }>;
  }

  const outboxOf = async (s: Setup, type: string) => (await outboxItems(s.api, s.accountId)).filter((i) => i.type === type);

  it('deletes a message with a banned word, logs why, records spam.action, and gives it no auto-reply', async function () {
    this.timeout(60_000);
    const s = await setup();
    await configure(s.api, { banned_words: ['casino'], action: 'delete' });
    const rule = await s.api.post('/api/auto-replies', { keyword: 'casino', response: 'Casino info', match_mode: 'contains', cooldown_seconds: 0 });
    assert.equal(rule.status, 201);

    const spam = await say(s, s.adminGroup, { id: 'u-spam', name: 'Spammer' }, 'Best CASINO bonus here');
    assert.deepEqual(spam.result, { sent: 0, runs: 0 });
    const deletes = await outboxOf(s, 'delete');
    assert.equal(deletes.length, 1);
    assert.equal(deletes[0].reply_to, String(spam.messageId));
    assert.equal(deletes[0].user_id, 'u-spam');
    const [entry, ...more] = await antispamLog(s);
    assert.equal(more.length, 0);
    assert.equal(entry!.action, 'delete');
    assert.equal(entry!.result, 'done');
    assert.match(entry!.reason, /banned_word: casino/);
    assert.equal((await outboxOf(s, 'message')).length, 0, 'a spam message gets no auto-reply');

    // A clean message still gets its auto-reply: the pipeline goes on past anti-spam.
    const clean = await say(s, s.adminGroup, { id: 'u-fan', name: 'Fan' }, 'are the casinos open?');
    assert.deepEqual(clean.result, { sent: 1, runs: 1 });

    const { db } = await getStack();
    const events = await db('events').where({ account_id: s.accountId, type: 'spam.action' });
    assert.equal(events.length, 1);
    assert.equal(events[0].data.action, 'delete');
    assert.equal(events[0].data.result, 'done');
  });

  it('climbs the ladder: delete, then delete and warn, then delete and mute, after which the muted member is not heard', async function () {
    this.timeout(60_000);
    const s = await setup();
    await configure(s.api, { block_links: true, action: 'ladder', mute_seconds: 600 });
    const spammer = { id: 'u-ladder', name: 'Larry' };
    await say(s, s.adminGroup, spammer, 'visit example.com');
    assert.equal((await outboxOf(s, 'delete')).length, 1);
    assert.equal((await outboxOf(s, 'message')).length, 0);

    await say(s, s.adminGroup, spammer, 'join t.me/+AbCdEfGhIjK');
    assert.equal((await outboxOf(s, 'delete')).length, 2);
    const [warning] = await outboxOf(s, 'message');
    assert.match(warning.text, /Larry, your message breaks this chat's rules \(links are not allowed\)/);
    assert.equal(warning.reply_to, undefined, 'the warning does not quote the deleted message');

    await say(s, s.adminGroup, spammer, 'https://spam.example/offer');
    assert.equal((await outboxOf(s, 'delete')).length, 3);
    const [mute] = await outboxOf(s, 'mute');
    assert.equal(mute.user_id, 'u-ladder');

    // Muted on the platform: their next message does not arrive; someone else's after it does.
    const muted = await s.api.post(`/api/v1/accounts/${s.accountId}/sandbox/inbound`, { type: 'message', chat_key: s.adminGroup.key, from: spammer, text: 'can anyone hear me' });
    assert.equal(muted.status, 201);
    await say(s, s.adminGroup, { id: 'u-bystander' }, 'quiet in here');
    const { db: world } = await getStack();
    assert.deepEqual(await world('inbound_events').where({ account_id: s.accountId, sender_id: 'u-ladder' }).whereRaw("payload->>'text' = ?", ['can anyone hear me']), []);

    const actions = (await antispamLog(s)).map((e) => `${e.action}:${e.result}`).reverse();
    assert.deepEqual(actions, ['delete:done', 'delete:done', 'warn:sent', 'delete:done', 'mute:done']);
    const { db } = await getStack();
    const offences = await db('antispam_offences').where({ account_id: s.accountId, platform_user_id: 'u-ladder' });
    assert.equal(offences.length, 3);
  });

  it("judges one sender's messages one at a time: two spam messages at once climb two rungs of the ladder", async function () {
    this.timeout(60_000);
    const s = await setup();
    await configure(s.api, { banned_words: ['airdrop'], action: 'ladder' });
    const spammer = { id: 'u-twin', name: 'Twin' };
    await Promise.all(['airdrop one', 'airdrop two', 'airdrop three'].map((text) => say(s, s.adminGroup, spammer, text)));
    // Each `say` settles the sender's first new event, which may be another's: wait for all three.
    const { db } = await getStack();
    const events = await eventually(async () => {
      const rows: Array<{ id: number }> = await db('inbound_events').where({ account_id: s.accountId, sender_id: spammer.id }).whereNotNull('processed_at').select('id');
      return rows.length === 3 ? rows : undefined;
    }, 30_000, 'the three messages to be processed');
    for (const event of events) await settled(s.accountId, Number(event.id));
    const actions = (await antispamLog(s)).map((e) => e.action).sort();
    assert.deepEqual(actions, ['delete', 'delete', 'delete', 'mute', 'warn']);
  });

  it('bans a spammer on the platform and the ban list; their messages elsewhere get the action; unbanning lifts the platform ban', async function () {
    this.timeout(60_000);
    const s = await setup();
    await configure(s.api, { banned_words: ['pills'], action: 'ban' });
    const spammer = { id: 'u-ban', name: 'Bart' };
    await say(s, s.adminGroup, spammer, 'cheap pills');
    const [ban] = await outboxOf(s, 'ban');
    assert.equal(ban.user_id, 'u-ban');
    const banned = await s.api.get('/api/antispam/banned');
    assert.equal(banned.status, 200);
    assert.deepEqual(
      banned.body.banned.map((b: { user_id: string; chat_key: string; account_id: string }) => [b.user_id, b.chat_key, b.account_id]),
      [['u-ban', s.adminGroup.key, s.accountId]],
    );

    // A banned sender's clean message in another chat is spam too.
    const elsewhere = await say(s, s.otherAdminGroup, spammer, 'hello friends');
    assert.deepEqual(elsewhere.result, { sent: 0, runs: 0 });
    const bans = await outboxOf(s, 'ban');
    assert.deepEqual(
      bans.map((b) => b.chat_key),
      [s.adminGroup.key, s.otherAdminGroup.key],
    );
    assert.match((await antispamLog(s))[0]!.reason, /banned_user/);

    // Unbanned: the platform bans are lifted in both chats, so their next messages arrive, and are not spam.
    const lifted = await s.api.delete('/api/antispam/banned/u-ban');
    assert.equal(lifted.status, 200, JSON.stringify(lifted.body));
    const unbans = await eventually(
      async () => {
        const done = (await antispamLog(s)).filter((e) => e.action === 'unban' && e.result === 'done');
        return done.length === 2 ? done : undefined;
      },
      20_000,
      'the platform bans to be lifted',
    );
    assert.deepEqual(unbans.map((e) => e.user_id), ['u-ban', 'u-ban']);
    for (const chat of [s.adminGroup, s.otherAdminGroup]) {
      const back = await say(s, chat, spammer, `sorry, I am back in ${chat.key}`);
      assert.deepEqual(back.result, { sent: 0, runs: 0 });
      assert.equal((await outboxOf(s, 'delete')).filter((d) => d.chat_key === chat.key && d.reply_to === String(back.messageId)).length, 0);
    }
    assert.equal((await antispamLog(s)).length, 6, 'two deletes, two bans and two unbans; nothing for the messages after');
  });

  it('warns in place, quoting the message, when the action is warn', async function () {
    this.timeout(60_000);
    const s = await setup();
    await configure(s.api, { max_emojis: 3, action: 'warn' });
    const spam = await say(s, s.adminGroup, { id: 'u-emoji', username: 'emoji_fan' }, '🔥🔥🔥🔥 deal');
    assert.deepEqual(spam.result, { sent: 1, runs: 1 });
    const [warning] = await outboxOf(s, 'message');
    assert.equal(warning.reply_to, String(spam.messageId));
    assert.match(warning.text, /@emoji_fan, .*too many emojis/);
    assert.equal((await outboxOf(s, 'delete')).length, 0);
  });

  it('leaves admins, anonymous admins, the linked channel and exempt users alone', async function () {
    this.timeout(60_000);
    const s = await setup();
    await configure(s.api, { banned_words: ['promo'], action: 'ban', exempt_users: ['@VIP_Guest'] });
    const senders: InjectedPerson[] = [
      { id: 'u-admin', admin: true },
      { id: s.adminGroup.platformId, kind: 'chat' },
      { id: '-1009999999999', kind: 'channel', linked_channel: true },
      { id: 'u-vip', username: 'vip_guest' },
    ];
    for (const from of senders) await say(s, s.adminGroup, from, 'promo for everyone');
    // The positive case: an ordinary sender with the same text is banned.
    await say(s, s.adminGroup, { id: 'u-plain' }, 'promo for everyone');
    const log = await antispamLog(s);
    assert.deepEqual(
      [...new Set(log.map((e) => e.user_id))],
      ['u-plain'],
    );
    assert.deepEqual(
      (await outboxOf(s, 'ban')).map((b) => b.user_id),
      ['u-plain'],
    );
  });

  it('in a dry run, logs what it would do and does nothing', async function () {
    this.timeout(60_000);
    const s = await setup();
    await configure(s.api, { banned_words: ['forex'], action: 'ban', dry_run: true });
    await say(s, s.adminGroup, { id: 'u-dry' }, 'forex signals');
    const log = await antispamLog(s);
    assert.deepEqual(
      log.map((e) => `${e.action}:${e.result}`).sort(),
      ['ban:dry_run', 'delete:dry_run'],
    );
    const items = await outboxItems(s.api, s.accountId);
    assert.deepEqual(items, []);
    const banned = await s.api.get('/api/antispam/banned');
    assert.deepEqual(banned.body.banned, []);
    const { db } = await getStack();
    assert.deepEqual(await db('antispam_offences').where({ account_id: s.accountId }), []);
  });

  it('logs a chat it does not administer as forbidden, without retrying', async function () {
    this.timeout(60_000);
    const s = await setup();
    await configure(s.api, { banned_words: ['crypto'], action: 'delete' });
    const spam = await say(s, s.memberGroup, { id: 'u-member' }, 'crypto airdrop');
    assert.deepEqual(spam.result, { sent: 0, runs: 0 });
    const [entry] = await antispamLog(s);
    assert.equal(entry!.result, 'failed');
    assert.match(entry!.error ?? '', /^forbidden: /);
    assert.equal((await outboxOf(s, 'delete')).length, 0);
  });

  it('counts a flood per sender and chat, and holds a new member to links and forwards', async function () {
    this.timeout(60_000);
    const s = await setup();
    await configure(s.api, { flood_limit: 2, flood_window_seconds: 60, new_member_checks: { messages: 2, within_hours: 1 }, action: 'delete' });
    const flooder = { id: 'u-flood' };
    await say(s, s.adminGroup, flooder, 'one');
    await say(s, s.otherAdminGroup, flooder, 'two, elsewhere');
    await say(s, s.adminGroup, flooder, 'three');
    assert.equal((await antispamLog(s)).length, 0, 'two messages per chat are within the limit');
    await say(s, s.adminGroup, flooder, 'four');
    assert.match((await antispamLog(s))[0]!.reason, /^flood: 3 messages within 60 s/);

    await injectAndSettle(s.api, s.accountId, { type: 'join', chat_key: s.otherAdminGroup.key, user: { id: 'u-new' } });
    await say(s, s.otherAdminGroup, { id: 'u-new' }, 'look at example.org');
    assert.match((await antispamLog(s))[0]!.reason, /^new_member_link: example\.org/);
    await say(s, s.otherAdminGroup, { id: 'u-new' }, 'forwarded news', { forwarded: true });
    assert.match((await antispamLog(s))[0]!.reason, /^new_member_forward/);
    // Someone who did not just join may post the same link.
    const old = await say(s, s.otherAdminGroup, { id: 'u-old' }, 'look at example.org');
    assert.equal((await antispamLog(s)).filter((e) => e.inbound_event_id === old.eventId).length, 0);
  });

  it('on WhatsApp, degrades a mute to deleting the message and logs why', async function () {
    this.timeout(60_000);
    const s = await setup('whatsapp');
    await configure(s.api, { banned_words: ['loan'], action: 'mute' });
    await say(s, s.adminGroup, { id: '15550001111@s.whatsapp.net' }, 'fast loan');
    const log = await antispamLog(s);
    assert.deepEqual(
      log.map((e) => `${e.action}:${e.result}`).reverse(),
      ['delete:done', 'mute:unsupported'],
    );
    assert.match(log[0]!.error ?? '', /no per-member mute/);
    assert.equal((await outboxOf(s, 'delete')).length, 1);
  });
});
