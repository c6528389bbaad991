import assert from 'node:assert/strict';
import { newSandboxAccount, newUser, request, type Client } from '../support/http';
import { getStack } from '../support/stack';

const DAY_MS = 86_400_000;

/** Injects a message into a chat of a sandbox account. */
async function inject(
  api: Client,
  accountId: string,
  chatKey: string,
  text: string,
  from: { id: string; username?: string; name?: string } = { id: '7001', username: 'alice_m', name: 'Alice M' },
) {
  const reply = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type: 'message', chat_key: chatKey, from, text });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
}

/** The keys of the account's chats of one type. */
async function keysOf(api: Client, accountId: string, type: 'groups' | 'channels' | 'contacts'): Promise<string[]> {
  const reply = await api.get(`/api/v1/scan/results?account_id=${accountId}&type=${type}`);
  return reply.body[type].map((c: any) => c.key);
}

describe('POST /api/v1/scan/messages', () => {
  let api: Client;
  let accountId: string;
  let group: string;
  let channel: string;
  let contact: string;
  let secondGroup: string;

  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
    accountId = await newSandboxAccount(api);
    const groups = await keysOf(api, accountId, 'groups');
    [group, secondGroup] = [groups[0]!, groups[1]!];
    channel = (await keysOf(api, accountId, 'channels'))[0]!;
    contact = (await keysOf(api, accountId, 'contacts'))[0]!;
    await inject(api, accountId, group, 'Selling zephyrwidget at a discount');
    await inject(api, accountId, channel, 'New zephyrwidget announcement');
    await inject(api, accountId, contact, 'Do you still have the ZephyrWidget?');
  });

  it('finds matching messages in the reference shape', async () => {
    const reply = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'zephyrwidget' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const body = reply.body;
    assert.equal(body.success, true);
    assert.equal(body.account_id, accountId);
    assert.equal(body.query, 'zephyrwidget');
    assert.equal(body.total, 3);
    assert.equal(body.results.length, 3);
    const inGroup = body.results.find((r: any) => r.chat_key === group);
    assert.equal(typeof inGroup.chat_id, 'number');
    assert.equal(typeof inGroup.chat_title, 'string');
    assert.equal(typeof inGroup.message_id, 'number');
    assert.equal(inGroup.text, 'Selling zephyrwidget at a discount');
    assert.equal(inGroup.from_user, 'alice_m');
    assert.ok(Math.abs(inGroup.date - Date.now() / 1000) < 600, 'date is a Unix timestamp in seconds');
    const dates = body.results.map((r: any) => r.date);
    assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first');
  });

  it('searches 60 chats at most by default and says how many it searched', async () => {
    const chats = (await api.get(`/api/v1/scan/results?account_id=${accountId}`)).body.total;
    const reply = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'zephyrwidget' });
    assert.equal(reply.body.chats_searched, Math.min(60, chats));
  });

  it('limits the chats searched to max_chats', async () => {
    const reply = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'e', max_chats: 2, per_chat_limit: 50 });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.chats_searched, 2);
    assert.ok(new Set(reply.body.results.map((r: any) => r.chat_key)).size <= 2);
  });

  it('searches only the chats of target_type', async () => {
    const expected = { groups: group, channels: channel, contacts: contact };
    for (const [targetType, key] of Object.entries(expected)) {
      const reply = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'zephyrwidget', target_type: targetType });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body.results.map((r: any) => r.chat_key), [key], targetType);
    }
    const all = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'zephyrwidget', target_type: 'all' });
    assert.equal(all.body.total, 3);
  });

  it('returns at most per_chat_limit messages per chat, 8 by default, newest first', async () => {
    for (let i = 1; i <= 10; i++) await inject(api, accountId, secondGroup, `quokkaphone offer number ${i}`);
    const defaults = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'quokkaphone' });
    assert.equal(defaults.body.total, 8);
    const two = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'quokkaphone', per_chat_limit: 2 });
    assert.deepEqual(
      two.body.results.map((r: any) => r.text),
      ['quokkaphone offer number 10', 'quokkaphone offer number 9'],
    );
  });

  it('searches only lookback_days back, and everything with 0', async () => {
    const recent = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'e', lookback_days: 1, per_chat_limit: 100 });
    assert.ok(recent.body.total > 0);
    for (const r of recent.body.results) assert.ok(r.date * 1000 >= Date.now() - DAY_MS - 60_000);
    const unlimited = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'e', lookback_days: 0, per_chat_limit: 100 });
    assert.ok(unlimited.body.results.some((r: any) => r.date * 1000 < Date.now() - DAY_MS), 'older messages are found without a lookback');
  });

  it('bounds the search by since_ts and until_ts', async () => {
    const now = Math.floor(Date.now() / 1000);
    const future = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'zephyrwidget', since_ts: now + 3600 });
    assert.equal(future.body.total, 0);
    const past = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'zephyrwidget', until_ts: now - 3600 });
    assert.equal(past.body.total, 0);
    const around = await api.post('/api/v1/scan/messages', {
      account_id: accountId,
      query: 'zephyrwidget',
      since_ts: now - 3600,
      until_ts: now + 3600,
    });
    assert.equal(around.body.total, 3);
  });

  it('searches a WhatsApp account', async () => {
    const wa = await newSandboxAccount(api, 'whatsapp');
    const [waGroup] = await keysOf(api, wa, 'groups');
    await inject(api, wa, waGroup!, 'Any news on the marmotcase?', { id: '15550001111@s.whatsapp.net', name: 'Bea' });
    const reply = await api.post('/api/v1/scan/messages', { account_id: wa, query: 'marmotcase' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.total, 1);
    assert.equal(reply.body.results[0].chat_id, waGroup);
    assert.equal(reply.body.results[0].from_user, 'Bea');
  });

  it('answers 400 naming the field for invalid parameters', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ account_id: accountId }, /query is required/],
      [{ account_id: accountId, query: '   ' }, /query/],
      [{ query: 'x' }, /account_id is required/],
      [{ account_id: accountId, query: 'x', target_type: 'bots' }, /target_type/],
      [{ account_id: accountId, query: 'x', per_chat_limit: 0 }, /per_chat_limit/],
      [{ account_id: accountId, query: 'x', per_chat_limit: 2.5 }, /per_chat_limit/],
      [{ account_id: accountId, query: 'x', max_chats: 0 }, /max_chats/],
      [{ account_id: accountId, query: 'x', lookback_days: -1 }, /lookback_days/],
      [{ account_id: accountId, query: 'x', since_ts: 200, until_ts: 100 }, /until_ts: must not be before since_ts/],
    ];
    for (const [body, error] of cases) {
      const reply = await api.post('/api/v1/scan/messages', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, error);
    }
  });

  it("answers 404 for another user's account", async () => {
    const other = await newUser();
    const reply = await other.api.post('/api/v1/scan/messages', { account_id: accountId, query: 'x' });
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { error: 'account not found' });
  });

  it('answers 401 without an API key', async () => {
    assert.equal((await request('POST', '/api/v1/scan/messages', { body: { account_id: accountId, query: 'x' } })).status, 401);
  });
});
