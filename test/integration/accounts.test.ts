import assert from 'node:assert/strict';
import { client, eventually, newSandboxAccount, newUser, userWithAccount, type Client } from '../support/http';
import { getStack } from '../support/stack';
import { generateSandboxWorld } from '../../src/domain/sandbox-world';
import { nonEmpty } from '../support/assertions';

describe('accounts', () => {
  let api: Client;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
  });

  it('creates a connected sandbox account', async () => {
    const reply = await api.post('/api/v1/accounts', { platform: 'telegram', name: 'Demo', phone: '+14155550123', sandbox: true });
    assert.equal(reply.status, 201);
    const { account } = reply.body;
    assert.equal(account.name, 'Demo');
    assert.equal(account.phone, '+14155550123');
    assert.equal(account.platform, 'telegram');
    assert.equal(account.connected, true);
    assert.equal(account.status, 'connected');
    assert.equal(account.sandbox, true);
    const fetched = await api.get(`/api/v1/accounts/${account.id}`);
    assert.equal(fetched.status, 200);
    const { budget, ...fetchedAccount } = fetched.body.account;
    assert.deepEqual(fetchedAccount, account);
    assert.deepEqual(budget, {
      limits: { min_gap_seconds: 0, jitter_seconds: 0, per_minute: 0, per_day: 0 },
      next_send_at: null,
      paused_until: null,
      sent_today: 0,
    });
  });

  it('lists the caller’s accounts in the reference’s shape', async () => {
    const { api: own } = await newUser();
    const id = await newSandboxAccount(own, 'whatsapp');
    const reply = await own.get('/api/v1/accounts');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.success, true);
    assert.equal(reply.body.count, 1);
    const [account] = reply.body.accounts;
    assert.equal(account.id, id);
    for (const field of ['id', 'name', 'phone', 'platform', 'connected', 'status']) assert.ok(field in account, field);
  });

  it('refuses a real Telegram login without TELEGRAM_API_ID and TELEGRAM_API_HASH, and bad bodies', async () => {
    const real = await api.post('/api/v1/accounts', { platform: 'telegram', phone: '+14155550123' });
    assert.equal(real.status, 400);
    assert.match(real.body.error, /TELEGRAM_API_ID and TELEGRAM_API_HASH/);
    const badPlatform = await api.post('/api/v1/accounts', { platform: 'signal', sandbox: true });
    assert.equal(badPlatform.status, 400);
    assert.match(badPlatform.body.error, /platform/);
    const badPhone = await api.post('/api/v1/accounts', { platform: 'telegram', phone: '12345', sandbox: true });
    assert.equal(badPhone.status, 400);
    assert.match(badPhone.body.error, /phone/);
  });

  it('deletes an account, after which it is not found', async () => {
    const id = await newSandboxAccount(api);
    const deleted = await api.delete(`/api/v1/accounts/${id}`);
    assert.equal(deleted.status, 200);
    assert.equal((await api.get(`/api/v1/accounts/${id}`)).status, 404);
    assert.equal((await api.delete(`/api/v1/accounts/${id}`)).status, 404);
    const groups = await api.get(`/api/v1/groups?account_id=${id}`);
    assert.equal(groups.body.count, 0);
  });

  it('shows raw accounts on the legacy endpoint, all of them to admins', async () => {
    const { adminKey } = await getStack();
    const user = await newUser();
    const id = await newSandboxAccount(user.api);
    const own = await user.api.get('/api/accounts');
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.accounts.map((a: any) => a.id), [id]);
    assert.equal(own.body.accounts[0].user_id, user.id);
    const all = await client(adminKey).get('/api/accounts');
    assert.ok(all.body.accounts.some((a: any) => a.id === id));
  });
});

describe('GET /api/v1/groups', () => {
  let api: Client;
  let tgAccount: string;
  let waAccount: string;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
    tgAccount = await newSandboxAccount(api, 'telegram');
    waAccount = await newSandboxAccount(api, 'whatsapp');
  });

  it('lists the seeded world of each sandbox account with usable keys', async () => {
    const reply = await api.get('/api/v1/groups');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.count, reply.body.groups.length);
    for (const account of [tgAccount, waAccount]) {
      const chats = reply.body.groups.filter((g: any) => g.account_id === account);
      assert.ok(chats.filter((c: any) => c.type === 'group').length >= 10);
      assert.ok(chats.filter((c: any) => c.type === 'channel').length >= 5);
      assert.ok(chats.filter((c: any) => c.type === 'contact').length >= 20);
    }
    for (const g of reply.body.groups) {
      for (const field of ['key', 'id', 'title', 'type', 'members', 'username', 'platform', 'account_id']) assert.ok(field in g, field);
    }
  });

  it('uses each platform’s id and key formats', async () => {
    const tg = (await api.get('/api/v1/groups?platform=telegram')).body.groups;
    assert.ok(tg.length > 0 && tg.every((g: any) => g.platform === 'telegram' && g.account_id === tgAccount));
    assert.ok(nonEmpty(tg.filter((g: any) => g.type !== 'contact')).every((g: any) => /^-\d+$/.test(g.id)));
    assert.ok(nonEmpty(tg).every((g: any) => (g.username ? g.key === `@${g.username}` : g.key === g.id)));
    const wa = (await api.get('/api/v1/groups?platform=whatsapp')).body.groups;
    assert.ok(nonEmpty(wa.filter((g: any) => g.type === 'group')).every((g: any) => g.key.endsWith('@g.us')));
    assert.ok(nonEmpty(wa.filter((g: any) => g.type === 'contact')).every((g: any) => g.key.endsWith('@s.whatsapp.net')));
  });

  it('filters by account_id and type', async () => {
    const reply = await api.get(`/api/v1/groups?account_id=${waAccount}&type=channel`);
    assert.ok(reply.body.count >= 5);
    assert.ok(nonEmpty(reply.body.groups).every((g: any) => g.account_id === waAccount && g.type === 'channel'));
  });

  it('rejects an unknown platform filter', async () => {
    const reply = await api.get('/api/v1/groups?platform=signal');
    assert.equal(reply.status, 400);
    assert.match(reply.body.error, /platform/);
  });

  it('builds the same world for the same account id', async () => {
    const listed = (await api.get(`/api/v1/groups?account_id=${tgAccount}`)).body.groups.map((g: any) => g.key).sort();
    const regenerated = generateSandboxWorld('telegram', tgAccount, new Date(), { name: 'x', phone: null }).chats.map((c) => c.key).sort();
    assert.deepEqual(listed, regenerated);
  });
});

describe('sandbox endpoints', () => {
  let api: Client;
  let accountId: string;
  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
  });

  it('answer 404 for an account that is not a sandbox account', async () => {
    const { db } = await getStack();
    const user = await db('accounts').where({ id: accountId }).first();
    const [real] = await db('accounts')
      .insert({ user_id: user.user_id, platform: 'telegram', name: 'real', sandbox: false, status: 'disconnected' })
      .returning('id');
    for (const [method, path, body] of [
      ['GET', `/api/v1/accounts/${real.id}/sandbox/outbox`, undefined],
      ['POST', `/api/v1/accounts/${real.id}/sandbox/inbound`, { type: 'join', chat_key: '@channel1', user: { id: 'u1' } }],
      ['PUT', `/api/v1/accounts/${real.id}/sandbox/faults`, { disconnect: true }],
    ] as const) {
      const reply = method === 'GET' ? await api.get(path) : method === 'POST' ? await api.post(path, body) : await api.put(path, body);
      assert.equal(reply.status, 404, path);
      assert.deepEqual(reply.body, { error: 'not found' });
    }
  });

  it('delivers an injected message to the worker’s inbound router and makes it searchable', async () => {
    const { db } = await getStack();
    const reply = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, {
      type: 'message',
      chat_key: '@channel1',
      from: { id: 'u1', username: 'alice', name: 'Alice' },
      text: 'is the zebra-price still valid?',
    });
    assert.equal(reply.status, 201);
    assert.match(reply.body.event_id, /^\d+$/);
    const routed = await eventually(
      async () => (await db('events').where({ account_id: accountId, type: 'inbound.message' }).first()) ?? undefined,
      15_000,
      'the inbound message to reach the router',
    );
    assert.equal(routed.data.text, 'is the zebra-price still valid?');
    assert.equal(routed.data.chat_key, '@channel1');
    assert.equal(routed.data.from.username, 'alice');
    const stored = await db('sandbox_messages').where({ account_id: accountId }).whereLike('text', '%zebra-price%');
    assert.equal(stored.length, 1);
  });

  it('delivers member joins and leaves to the router', async () => {
    const { db } = await getStack();
    for (const type of ['join', 'leave']) {
      const reply = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type, chat_key: '@channel2', user: { id: 'u2', username: 'bob' } });
      assert.equal(reply.status, 201);
    }
    const events = await eventually(async () => {
      const rows = await db('events').where({ account_id: accountId }).whereIn('type', ['member.joined', 'member.left']);
      return rows.length === 2 ? rows : undefined;
    }, 15_000, 'join and leave events');
    assert.deepEqual(events.map((e: any) => e.data.user.username), ['bob', 'bob']);
  });

  it('validates injected events', async () => {
    const unknownChat = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type: 'join', chat_key: '@nope_nope', user: { id: 'u' } });
    assert.equal(unknownChat.status, 400);
    assert.match(unknownChat.body.error, /chat_key/);
    const badType = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type: 'reaction', chat_key: '@channel1' });
    assert.equal(badType.status, 400);
    const noText = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type: 'message', chat_key: '@channel1', from: { id: 'u' } });
    assert.equal(noText.status, 400);
    assert.match(noText.body.error, /text/);
  });

  it('validates faults and filters the outbox', async () => {
    assert.equal((await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, {})).status, 400);
    assert.equal((await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { flood_wait_seconds: -1 })).status, 400);
    const filtered = await api.get(`/api/v1/accounts/${accountId}/sandbox/outbox?chat_key=@nothing_here&limit=5`);
    assert.deepEqual(filtered.body, { success: true, items: [], count: 0 });
    assert.equal((await api.get(`/api/v1/accounts/${accountId}/sandbox/outbox?limit=0`)).status, 400);
  });
});
