import assert from 'node:assert/strict';
import { recordAutoReplyFired } from '../../src/db/repos/auto-replies.repo';
import { nonEmpty } from '../support/assertions';
import { newSandboxAccount, newUser, request, userWithAccount, type Client } from '../support/http';
import { getStack } from '../support/stack';

describe('auto-replies', () => {
  let api: Client;
  let other: Client;
  let accountId: string;
  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
    ({ api: other } = await newUser());
  });

  const createRule = async (client: Client, body: Record<string, unknown>) => {
    const reply = await client.post('/api/auto-replies', body);
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return reply.body.rule;
  };

  describe('POST /api/auto-replies', () => {
    it('creates the reference’s rule as written, with the defaults shown', async () => {
      const reply = await api.post('/api/auto-replies', { keyword: 'hello', response: 'Hi there!', match_mode: 'contains', cooldown_seconds: 60 });
      assert.equal(reply.status, 201);
      assert.equal(reply.body.success, true);
      assert.equal(reply.body.id, reply.body.rule.id);
      const { rule } = reply.body;
      assert.equal(rule.keyword, 'hello');
      assert.equal(rule.response, 'Hi there!');
      assert.equal(rule.match_mode, 'contains');
      assert.equal(rule.cooldown_seconds, 60);
      assert.equal(rule.enabled, true);
      assert.equal(rule.priority, 100);
      assert.equal(rule.reply_in, 'chat');
      assert.equal(rule.chat_types, null);
      assert.deepEqual(rule.answers_in, ['private', 'group']);
      assert.equal(rule.catch_all, false);

      const listed = await api.get('/api/auto-replies');
      assert.equal(listed.status, 200);
      assert.ok(listed.body.rules.some((r: { id: string }) => r.id === rule.id));
      await api.delete(`/api/auto-replies/${rule.id}`);
    });

    it('shows a catch-all as one that answers private chats only', async () => {
      const rule = await createRule(api, { keyword: '.*', response: 'We will get back to you', match_mode: 'regex' });
      assert.equal(rule.catch_all, true);
      assert.deepEqual(rule.answers_in, ['private']);
      await api.delete(`/api/auto-replies/${rule.id}`);
    });

    it('canonicalises the chat lists for the platform of the rule’s account', async () => {
      const rule = await createRule(api, { keyword: 'price', response: 'See pinned', account_id: accountId, allow_chats: ['t.me/Crypto_Hub', '@OtherGroup'] });
      assert.deepEqual(rule.allow_chats, ['@crypto_hub', '@othergroup']);
      assert.equal(rule.account_id, accountId);
      await api.delete(`/api/auto-replies/${rule.id}`);
    });

    it('refuses invalid fields with 400 naming them', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ response: 'x' }, /keyword/],
        [{ keyword: 'x' }, /response/],
        [{ keyword: '   ', response: 'x' }, /keyword.*blank/],
        [{ keyword: 'x', response: 'x', match_mode: 'fuzzy' }, /match_mode/],
        [{ keyword: 'x', response: 'x', cooldown_seconds: -1 }, /cooldown_seconds/],
        [{ keyword: 'x', response: 'x', cooldown_seconds: 1e12 }, /cooldown_seconds/],
        [{ keyword: 'x', response: 'x', priority: 1.5 }, /priority/],
        [{ keyword: 'x', response: 'x', chat_types: ['private', 'private'] }, /chat_types/],
        [{ keyword: 'x', response: 'Hi {{first_name}}' }, /response.*first_name/],
        [{ keyword: '(?=a)', response: 'x', match_mode: 'regex' }, /keyword: invalid RE2 regular expression/],
        [{ keyword: '\\p{L}{1000}', response: 'x', match_mode: 'regex' }, /keyword: the pattern is too large/],
        [{ keyword: 'x', response: 'x', account_id: accountId, allow_chats: ['not a key!'] }, /allow_chats/],
        [{ keyword: 'x', response: 'x', account_id: accountId, platform: 'whatsapp' }, /platform/],
      ];
      for (const [body, error] of cases) {
        const reply = await api.post('/api/auto-replies', body);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.match(reply.body.error, error, JSON.stringify(body));
      }
    });

    it('answers 404 for another user’s account', async () => {
      const reply = await other.post('/api/auto-replies', { keyword: 'x', response: 'y', account_id: accountId });
      assert.equal(reply.status, 404);
    });

    it('answers 401 without a key', async () => {
      assert.equal((await request('POST', '/api/auto-replies', { body: { keyword: 'x', response: 'y' } })).status, 401);
      assert.equal((await request('GET', '/api/auto-replies')).status, 401);
    });
  });

  describe('PUT and DELETE /api/auto-replies/:rule_id', () => {
    it('changes keyword, response, enabled and match mode, checking the rule whole', async () => {
      const rule = await createRule(api, { keyword: 'hello', response: 'Hi' });
      const changed = await api.put(`/api/auto-replies/${rule.id}`, { keyword: 'bonjour', response: 'Salut {{name}}', enabled: false, match_mode: 'word' });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.rule.keyword, 'bonjour');
      assert.equal(changed.body.rule.response, 'Salut {{name}}');
      assert.equal(changed.body.rule.enabled, false);
      assert.equal(changed.body.rule.match_mode, 'word');

      const badRegex = await api.put(`/api/auto-replies/${rule.id}`, { match_mode: 'regex', keyword: '(a' });
      assert.equal(badRegex.status, 400);
      assert.match(badRegex.body.error, /keyword: invalid RE2 regular expression/);
      const empty = await api.put(`/api/auto-replies/${rule.id}`, {});
      assert.equal(empty.status, 400);

      const deleted = await api.delete(`/api/auto-replies/${rule.id}`);
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.deleted, rule.id);
      assert.equal((await api.delete(`/api/auto-replies/${rule.id}`)).status, 404);
      assert.equal((await api.put(`/api/auto-replies/${rule.id}`, { enabled: true })).status, 404);
    });

    it('answers 404 for another user’s rule, and lists nothing of it', async () => {
      const rule = await createRule(api, { keyword: 'secret', response: 'mine' });
      assert.equal((await other.put(`/api/auto-replies/${rule.id}`, { response: 'stolen' })).status, 404);
      assert.equal((await other.delete(`/api/auto-replies/${rule.id}`)).status, 404);
      assert.equal((await other.put('/api/auto-replies/not-an-id', { response: 'x' })).status, 404);
      const listed = await other.get('/api/auto-replies');
      assert.equal(listed.status, 200);
      assert.equal(listed.body.count, 0);
      const tried = await other.post('/api/auto-replies/test', { text: 'secret' });
      assert.equal(tried.status, 200);
      assert.equal(tried.body.count, 0);
      const mine = await api.get('/api/auto-replies');
      assert.equal(nonEmpty<{ id: string; response: string }>(mine.body.rules).find((r) => r.id === rule.id)?.response, 'mine');
      await api.delete(`/api/auto-replies/${rule.id}`);
    });
  });

  describe('POST /api/auto-replies/test', () => {
    let tester: Client;
    let testerAccount: string;
    before(async () => {
      ({ api: tester } = await newUser());
      testerAccount = await newSandboxAccount(tester, 'telegram');
    });

    it('answers every matching rule in priority order with its rendered reply, the first one sent', async () => {
      const hello = await createRule(tester, { keyword: 'hello', response: 'Hi there!', match_mode: 'contains', cooldown_seconds: 60 });
      const greet = await createRule(tester, { keyword: 'HELLO', response: 'Welcome {{name}} ({{username}})', match_mode: 'word', priority: 1 });
      await createRule(tester, { keyword: 'bye', response: 'Bye' });

      const reply = await tester.post('/api/auto-replies/test', { text: 'hello world', from: { name: 'Alice', username: 'alice' } });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.matched, true);
      assert.deepEqual(
        reply.body.matches.map((m: { rule_id: string }) => m.rule_id),
        [greet.id, hello.id],
      );
      assert.equal(reply.body.matches[0].reply, 'Welcome Alice (@alice)');
      assert.equal(reply.body.matches[0].would_send, true);
      assert.equal(reply.body.matches[1].would_send, false);
      assert.equal(reply.body.reply, 'Welcome Alice (@alice)');
      assert.equal(reply.body.rule_id, greet.id);

      const minimal = await tester.post('/api/auto-replies/test', { text: 'hello world' });
      assert.equal(minimal.status, 200);
      assert.equal(minimal.body.count, 2);
    });

    it('keeps a catch-all out of groups and every rule out of channels by default', async () => {
      const { api: user } = await newUser();
      const catchAll = await createRule(user, { keyword: '.*', response: 'Auto', match_mode: 'regex' });
      const plain = await createRule(user, { keyword: 'news', response: 'See the channel' });
      const ids = async (body: Record<string, unknown>) => {
        const reply = await user.post('/api/auto-replies/test', body);
        assert.equal(reply.status, 200);
        return reply.body.matches.map((m: { rule_id: string }) => m.rule_id);
      };
      assert.deepEqual(await ids({ text: 'news today', chat_type: 'private' }), [catchAll.id, plain.id]);
      assert.deepEqual(await ids({ text: 'news today', chat_type: 'group' }), [plain.id]);
      assert.deepEqual(await ids({ text: 'news today', chat_type: 'channel' }), []);
    });

    it('tells when a cooldown holds the first match back, from the stored cooldowns', async () => {
      const { db } = await getStack();
      const { api: user } = await newUser();
      const account = await newSandboxAccount(user, 'telegram');
      const rule = await createRule(user, { keyword: 'help', response: 'How can I help?', cooldown_seconds: 3600 });
      const body = { text: 'help me', chat_type: 'group', account_id: account, chat_key: 't.me/Some_Group', chat_title: 'Some Group', from: { id: '42' } };

      const before = await user.post('/api/auto-replies/test', body);
      assert.equal(before.status, 200);
      assert.equal(before.body.matches[0].held_back, false);
      assert.equal(before.body.reply, 'How can I help?');

      const place = { accountId: account, chatKey: '@some_group', senderId: '42' };
      await recordAutoReplyFired(db, rule.id, place, new Date());
      // A late write of an older firing keeps the newer time.
      await recordAutoReplyFired(db, rule.id, place, new Date(Date.now() - 7200_000));
      const held = await user.post('/api/auto-replies/test', body);
      assert.equal(held.status, 200);
      assert.equal(held.body.matches[0].held_back, true);
      assert.equal(held.body.matches[0].cooldown.scope, 'sender');
      assert.equal(held.body.matches[0].would_send, false);
      assert.equal(held.body.reply, null);

      const otherSender = await user.post('/api/auto-replies/test', { ...body, from: { id: '43' } });
      assert.equal(otherSender.status, 200);
      assert.equal(otherSender.body.matches[0].held_back, false);
    });

    it('keeps rules of another account out when an account is named', async () => {
      const second = await newSandboxAccount(tester, 'whatsapp');
      const only = await createRule(tester, { keyword: 'zebra', response: 'only on whatsapp', account_id: second });
      const onTelegram = await tester.post('/api/auto-replies/test', { text: 'zebra', account_id: testerAccount });
      assert.equal(onTelegram.status, 200);
      assert.equal(onTelegram.body.count, 0);
      const onWhatsApp = await tester.post('/api/auto-replies/test', { text: 'zebra', account_id: second });
      assert.equal(onWhatsApp.status, 200);
      assert.deepEqual(
        onWhatsApp.body.matches.map((m: { rule_id: string }) => m.rule_id),
        [only.id],
      );
    });

    it('refuses a bad body with 400 naming the field, and another user’s account with 404', async () => {
      const noText = await tester.post('/api/auto-replies/test', {});
      assert.equal(noText.status, 400);
      assert.match(noText.body.error, /text/);
      const badType = await tester.post('/api/auto-replies/test', { text: 'x', chat_type: 'forum' });
      assert.equal(badType.status, 400);
      assert.match(badType.body.error, /chat_type/);
      const badKey = await tester.post('/api/auto-replies/test', { text: 'x', account_id: testerAccount, chat_key: 'not a key!' });
      assert.equal(badKey.status, 400);
      assert.match(badKey.body.error, /chat_key/);
      assert.equal((await other.post('/api/auto-replies/test', { text: 'x', account_id: testerAccount })).status, 404);
      assert.equal((await request('POST', '/api/auto-replies/test', { body: { text: 'x' } })).status, 401);
    });
  });
});
