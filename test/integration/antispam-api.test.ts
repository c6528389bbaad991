import assert from 'node:assert/strict';
import { nonEmpty } from '../support/assertions';
import { newUser, request, userWithAccount, type Client } from '../support/http';

describe('anti-spam API', () => {
  let api: Client;
  let other: Client;
  let accountId: string;
  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
    ({ api: other } = await newUser());
  });

  const check = async (client: Client, body: Record<string, unknown>) => {
    const reply = await client.post('/api/antispam/check', body);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body;
  };
  const reasonsOf = (body: { reasons: { reason: string }[] }) => body.reasons.map((r) => r.reason);

  describe('GET and PUT /api/antispam/config', () => {
    it('answers every default before anything is saved', async () => {
      const { api: fresh } = await newUser();
      const reply = await fresh.get('/api/antispam/config');
      assert.equal(reply.status, 200);
      assert.equal(reply.body.success, true);
      assert.deepEqual(reply.body.config, {
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
    });

    it('changes only the fields given, and keeps them', async () => {
      const { api: user } = await newUser();
      const first = await user.put('/api/antispam/config', { flood_limit: 5, block_links: true, banned_words: ['casino'], action: 'mute' });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.config.flood_limit, 5);
      assert.equal(first.body.config.action, 'mute');

      const second = await user.put('/api/antispam/config', { new_member_checks: { messages: 3 }, mute_seconds: 600 });
      assert.equal(second.status, 200, JSON.stringify(second.body));
      const read = await user.get('/api/antispam/config');
      assert.equal(read.status, 200);
      assert.deepEqual(read.body.config, second.body.config);
      assert.equal(read.body.config.flood_limit, 5);
      assert.equal(read.body.config.block_links, true);
      assert.deepEqual(read.body.config.banned_words, ['casino']);
      assert.equal(read.body.config.action, 'mute');
      assert.equal(read.body.config.mute_seconds, 600);
      assert.deepEqual(read.body.config.new_member_checks, { messages: 3, within_hours: 24 });
    });

    it('keys per-chat overrides by canonical chat key', async () => {
      const { api: user } = await newUser();
      const reply = await user.put('/api/antispam/config', {
        chats: { 't.me/Crypto_Hub': { block_links: true }, '120363000000000001@g.us': { max_emojis: 3 }, '12345': { dry_run: true } },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body.config.chats, {
        '@crypto_hub': { block_links: true },
        '120363000000000001@g.us': { max_emojis: 3 },
        '12345': { dry_run: true },
      });
      const twice = await user.put('/api/antispam/config', { chats: { '@Crypto_Hub': {}, 'crypto_hub': {} } });
      assert.equal(twice.status, 400);
      assert.match(twice.body.error, /chats: .*name the same chat/);
    });

    it('refuses invalid settings with 400 naming the field, and saves nothing of them', async () => {
      const { api: user } = await newUser();
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ flood_limit: -1 }, /flood_limit/],
        [{ flood_limit: 1e9 }, /flood_limit/],
        [{ flood_limit: 2.5 }, /flood_limit/],
        [{ flood_window_seconds: 0 }, /flood_window_seconds/],
        [{ mute_seconds: 10 }, /mute_seconds/],
        [{ mute_seconds: 366 * 24 * 3600 + 1 }, /mute_seconds/],
        [{ action: 'explode' }, /action/],
        [{ block_links: 'yes' }, /block_links/],
        [{ banned_words: ['  '] }, /banned_words\.0/],
        [{ banned_words: ['='] }, /banned_words\.0/],
        [{ new_member_checks: { within_hours: 0 } }, /new_member_checks\.within_hours/],
        [{ chats: { '@group': { flood_limit: -5 } } }, /chats\.@group\.flood_limit/],
        [{ flood_limt: 3 }, /flood_limt/],
      ];
      for (const [body, error] of cases) {
        const reply = await user.put('/api/antispam/config', body);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.match(reply.body.error, error, JSON.stringify(body));
      }
      const read = await user.get('/api/antispam/config');
      assert.equal(read.status, 200);
      assert.equal(read.body.config.flood_limit, 0);
      assert.equal(read.body.config.mute_seconds, 3600);
    });
  });

  describe('POST /api/antispam/check', () => {
    let checker: Client;
    before(async () => {
      ({ api: checker } = await newUser());
      const reply = await checker.put('/api/antispam/config', {
        block_links: true,
        banned_words: ['followers'],
        action: 'ban',
        chats: { '@quiet_group': { action: 'warn', block_links: false } },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
    });

    it('flags nothing in a clean text', async () => {
      const body = await check(checker, { user_id: '123', text: 'good morning everyone' });
      assert.equal(body.success, true);
      assert.equal(body.spam, false);
      assert.deepEqual(body.reasons, []);
      assert.equal(body.action, 'none');
      assert.equal(body.banned, false);
    });

    it('flags the reference’s message for its banned word with the configured action', async () => {
      const body = await check(checker, { user_id: '123', text: 'buy followers cheap' });
      assert.equal(body.spam, true);
      assert.deepEqual(body.reasons, [{ reason: 'banned_word', detail: 'followers' }]);
      assert.equal(body.action, 'ban');
      assert.equal(body.delete_message, true);
    });

    it('flags a link, bare domains and Telegram invites included', async () => {
      for (const text of ['see https://spam.example/x', 'visit cheap-pills.com now', 'join t.me/+AbCdEf123']) {
        const body = await check(checker, { user_id: 123, text });
        assert.equal(body.spam, true, text);
        assert.deepEqual(reasonsOf(body), ['link'], text);
        assert.equal(body.action, 'ban', text);
      }
    });

    it('applies the chat’s overrides when the chat is named in any spelling', async () => {
      const body = await check(checker, { user_id: '123', text: 'buy followers at spam.example', chat_key: 't.me/Quiet_Group' });
      assert.equal(body.spam, true);
      assert.deepEqual(reasonsOf(body), ['banned_word']);
      assert.equal(body.action, 'warn');
      assert.equal(body.delete_message, false);
    });

    it('flags every message of a banned user, and stops once they are unbanned', async () => {
      const banned = await checker.post('/api/antispam/banned', { user_id: '777123' });
      assert.equal(banned.status, 201, JSON.stringify(banned.body));
      const body = await check(checker, { user_id: '777123', text: 'hello' });
      assert.equal(body.spam, true);
      assert.equal(body.banned, true);
      assert.deepEqual(reasonsOf(body), ['banned_user']);
      assert.equal(body.action, 'ban');

      assert.equal((await checker.delete('/api/antispam/banned/777123')).status, 200);
      const after = await check(checker, { user_id: '777123', text: 'hello' });
      assert.equal(after.spam, false);
      assert.equal(after.banned, false);
    });

    it('refuses a check without user_id or text', async () => {
      for (const [body, error] of [
        [{ text: 'x' }, /user_id/],
        [{ user_id: '1' }, /text/],
        [{ user_id: '1', text: '   ' }, /text/],
      ] as const) {
        const reply = await checker.post('/api/antispam/check', body);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.match(reply.body.error, error);
      }
    });

    it('uses the caller’s own config and bans, never another user’s', async () => {
      const ban = await checker.post('/api/antispam/banned', { user_id: '555000' });
      assert.equal(ban.status, 201);
      const body = await check(other, { user_id: '555000', text: 'buy followers at spam.example' });
      assert.equal(body.spam, false);
      assert.equal(body.banned, false);
    });
  });

  describe('the ban list', () => {
    it('adds, lists and removes a ban; banning twice changes nothing', async () => {
      const added = await api.post('/api/antispam/banned', { user_id: '12345', reason: 'raid', chat_key: 't.me/My_Group', account_id: accountId });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.equal(added.body.created, true);
      assert.equal(added.body.ban.user_id, '12345');
      assert.equal(added.body.ban.reason, 'raid');
      assert.equal(added.body.ban.chat_key, '@my_group');
      assert.equal(added.body.ban.account_id, accountId);

      const again = await api.post('/api/antispam/banned', { user_id: '12345', reason: 'other' });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.created, false);
      assert.deepEqual(again.body.ban, added.body.ban);

      const listed = await api.get('/api/antispam/banned');
      assert.equal(listed.status, 200);
      const mine = nonEmpty(listed.body.banned.filter((b: { user_id: string }) => b.user_id === '12345'));
      assert.equal(mine.length, 1);
      assert.equal(listed.body.count, listed.body.banned.length);

      const removed = await api.delete('/api/antispam/banned/12345');
      assert.equal(removed.status, 200);
      assert.equal(removed.body.deleted, '12345');
      assert.equal(removed.body.ban.account_id, accountId);
      assert.equal(removed.body.ban.chat_key, '@my_group');
      assert.equal((await api.delete('/api/antispam/banned/12345')).status, 404);
      const after = await api.get('/api/antispam/banned');
      assert.ok(!after.body.banned.some((b: { user_id: string }) => b.user_id === '12345'));
    });

    it('keys @usernames in any case', async () => {
      const added = await api.post('/api/antispam/banned', { user_id: '@SpamBot' });
      assert.equal(added.status, 201);
      assert.equal(added.body.ban.user_id, '@spambot');
      assert.equal((await api.delete(`/api/antispam/banned/${encodeURIComponent('@SPAMBOT')}`)).status, 200);
    });

    it('refuses a chat key of no form of the account’s platform, and another user’s account', async () => {
      const bad = await api.post('/api/antispam/banned', { user_id: '1', chat_key: 'not a key!', account_id: accountId });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /chat_key/);
      const foreign = await other.post('/api/antispam/banned', { user_id: '1', account_id: accountId });
      assert.equal(foreign.status, 404);
    });

    it('never shows or lifts another user’s bans', async () => {
      const added = await api.post('/api/antispam/banned', { user_id: '424242' });
      assert.equal(added.status, 201);
      const listed = await other.get('/api/antispam/banned');
      assert.equal(listed.status, 200);
      assert.ok(!listed.body.banned.some((b: { user_id: string }) => b.user_id === '424242'));
      assert.equal((await other.delete('/api/antispam/banned/424242')).status, 404);
      // Another user may ban the same sender: each owner's list is their own.
      const theirs = await other.post('/api/antispam/banned', { user_id: '424242' });
      assert.equal(theirs.status, 201);
      assert.equal((await api.delete('/api/antispam/banned/424242')).status, 200);
      const still = await other.get('/api/antispam/banned');
      assert.ok(still.body.banned.some((b: { user_id: string }) => b.user_id === '424242'));
    });
  });

  it('keeps each user’s config their own', async () => {
    const { api: a } = await newUser();
    const { api: b } = await newUser();
    assert.equal((await a.put('/api/antispam/config', { flood_limit: 7 })).status, 200);
    const theirs = await b.get('/api/antispam/config');
    assert.equal(theirs.status, 200);
    assert.equal(theirs.body.config.flood_limit, 0);
  });

  it('answers 401 without a key', async () => {
    assert.equal((await request('GET', '/api/antispam/config')).status, 401);
    assert.equal((await request('PUT', '/api/antispam/config', { body: { flood_limit: 3 } })).status, 401);
    assert.equal((await request('POST', '/api/antispam/check', { body: { user_id: '1', text: 'x' } })).status, 401);
    assert.equal((await request('GET', '/api/antispam/banned')).status, 401);
    assert.equal((await request('POST', '/api/antispam/banned', { body: { user_id: '1' } })).status, 401);
    assert.equal((await request('DELETE', '/api/antispam/banned/1')).status, 401);
  });
});
