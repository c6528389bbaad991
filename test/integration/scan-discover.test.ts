import assert from 'node:assert/strict';
import { newSandboxAccount, newUser, request, type Client } from '../support/http';
import { getStack } from '../support/stack';
import { nonEmpty } from '../support/assertions';

/** Only the account's own platform search: the optional sources are off. */
const PLATFORM_ONLY = { use_tgstat: false, use_web: false, use_searchee: false };

describe('POST /api/v1/scan/discover', () => {
  let api: Client;
  let accountId: string;

  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
    accountId = await newSandboxAccount(api);
  });

  it('answers groups in the reference shape, best first', async () => {
    const reply = await api.post('/api/v1/scan/discover', { account_id: accountId, keywords: 'crypto trading', ...PLATFORM_ONLY });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const body = reply.body;
    assert.equal(body.success, true);
    assert.equal(body.account_id, accountId);
    assert.ok(body.groups.length > 0);
    assert.equal(body.total, body.groups.length);
    for (const g of body.groups) {
      assert.equal(typeof g.title, 'string');
      assert.match(g.username, /^[a-z0-9_]+$/);
      assert.equal(typeof g.members, 'number');
      assert.equal(g.link, `t.me/${g.username}`);
      assert.ok(g.relevance_score >= 0 && g.relevance_score <= 1, String(g.relevance_score));
    }
    const scores = body.groups.map((g: any) => g.relevance_score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  });

  it('reports every source it asked, each failing soft when it cannot answer', async () => {
    const reply = await api.post('/api/v1/scan/discover', { account_id: accountId, keywords: 'crypto' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const sources = reply.body.sources;
    assert.deepEqual(
      sources.map((s: any) => s.name),
      ['telegram', 'tgstat', 'duckduckgo', 'bing', 'searchee'],
    );
    assert.equal(sources[0].ok, true);
    assert.ok(sources[0].count > 0);
    for (const source of sources) {
      assert.equal(typeof source.ok, 'boolean');
      assert.equal(typeof source.count, 'number');
      if (!source.ok) {
        assert.equal(typeof source.error, 'string', source.name);
        assert.equal(source.count, 0);
      }
    }
    const tgstat = sources.find((s: any) => s.name === 'tgstat');
    assert.deepEqual(tgstat, { name: 'tgstat', ok: false, count: 0, error: 'not configured: set TGSTAT_TOKEN to search TGStat' });
    const searchee = sources.find((s: any) => s.name === 'searchee');
    assert.match(searchee.error, /SearcheeBot unreachable: target @SearcheeBot not found/);
  });

  it('asks only the sources turned on', async () => {
    const none = await api.post('/api/v1/scan/discover', { account_id: accountId, keywords: 'crypto', ...PLATFORM_ONLY });
    assert.deepEqual(none.body.sources.map((s: any) => s.name), ['telegram']);
    const web = await api.post('/api/v1/scan/discover', { account_id: accountId, keywords: 'crypto', use_tgstat: false, use_searchee: false });
    assert.deepEqual(web.body.sources.map((s: any) => s.name), ['telegram', 'duckduckgo', 'bing']);
    const tgstat = await api.post('/api/v1/scan/discover', { account_id: accountId, keywords: 'crypto', use_web: false, use_searchee: false });
    assert.deepEqual(tgstat.body.sources.map((s: any) => s.name), ['telegram', 'tgstat']);
  });

  it('leaves channels out unless include_channels is true', async () => {
    const groupsOnly = await api.post('/api/v1/scan/discover', { account_id: accountId, keywords: 'market news', ...PLATFORM_ONLY });
    assert.ok(groupsOnly.body.groups.length > 0);
    assert.ok(nonEmpty(groupsOnly.body.groups).every((g: any) => g.type === 'group'));
    const withChannels = await api.post('/api/v1/scan/discover', {
      account_id: accountId,
      keywords: 'market news',
      include_channels: true,
      ...PLATFORM_ONLY,
    });
    assert.ok(withChannels.body.groups.some((g: any) => g.type === 'channel'));
    assert.ok(withChannels.body.total > groupsOnly.body.total);
  });

  it('keeps only chats with at least min_members members', async () => {
    const all = await api.post('/api/v1/scan/discover', { account_id: accountId, keywords: 'growth', include_channels: true, ...PLATFORM_ONLY });
    const members = all.body.groups.map((g: any) => g.members).sort((a: number, b: number) => a - b);
    const threshold = members[Math.floor(members.length / 2)];
    const big = await api.post('/api/v1/scan/discover', {
      account_id: accountId,
      keywords: 'growth',
      include_channels: true,
      min_members: threshold,
      ...PLATFORM_ONLY,
    });
    assert.ok(big.body.groups.length > 0 && big.body.groups.length < all.body.groups.length);
    assert.ok(nonEmpty(big.body.groups).every((g: any) => g.members >= threshold));
  });

  it('returns at most max_results groups', async () => {
    const reply = await api.post('/api/v1/scan/discover', {
      account_id: accountId,
      keywords: 'crypto',
      include_channels: true,
      max_results: 2,
      ...PLATFORM_ONLY,
    });
    assert.equal(reply.body.groups.length, 2);
    assert.equal(reply.body.total, 2);
  });

  it('skips chats already scanned for the account unless only_new is false', async () => {
    const body = { account_id: accountId, keywords: 'channel', include_channels: true, ...PLATFORM_ONLY };
    const everything = await api.post('/api/v1/scan/discover', { ...body, only_new: false });
    const usernames = everything.body.groups.map((g: any) => g.username);
    assert.ok(usernames.includes('channel1') && usernames.includes('channel2'), usernames.join(','));
    const fresh = await api.post('/api/v1/scan/discover', body);
    const freshNames = fresh.body.groups.map((g: any) => g.username);
    assert.ok(!freshNames.includes('channel1') && !freshNames.includes('channel2'), freshNames.join(','));
    assert.equal(fresh.body.total, everything.body.total - 2);
  });

  it('searches for the category when no keywords are given', async () => {
    const reply = await api.post('/api/v1/scan/discover', { account_id: accountId, category: 'finance', ...PLATFORM_ONLY });
    assert.equal(reply.status, 200);
    assert.ok(reply.body.groups.length > 0);
    assert.ok(nonEmpty(reply.body.groups).every((g: any) => /finance/i.test(g.title)));
  });

  it('answers 400 with the reason on a WhatsApp account', async () => {
    const wa = await newSandboxAccount(api, 'whatsapp');
    const reply = await api.post('/api/v1/scan/discover', { account_id: wa, keywords: 'crypto' });
    assert.equal(reply.status, 400);
    assert.match(reply.body.error, /not supported on whatsapp/);
  });

  it('answers 400 naming the field for invalid parameters', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ account_id: accountId }, /keywords: give keywords or a category/],
      [{ account_id: accountId, keywords: '  ' }, /keywords: give keywords or a category/],
      [{ keywords: 'x' }, /account_id is required/],
      [{ account_id: accountId, keywords: 'x', min_members: -1 }, /min_members/],
      [{ account_id: accountId, keywords: 'x', max_results: 0 }, /max_results/],
      [{ account_id: accountId, keywords: 'x', include_channels: 'yes' }, /include_channels/],
      [{ account_id: accountId, keywords: 'x', only_new: 1 }, /only_new/],
      [{ account_id: accountId, keywords: 'x', use_web: 'no' }, /use_web/],
    ];
    for (const [body, error] of cases) {
      const reply = await api.post('/api/v1/scan/discover', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, error);
    }
  });

  it("answers 404 for another user's account", async () => {
    const other = await newUser();
    const reply = await other.api.post('/api/v1/scan/discover', { account_id: accountId, keywords: 'x' });
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { error: 'account not found' });
  });

  it('answers 401 without an API key', async () => {
    assert.equal((await request('POST', '/api/v1/scan/discover', { body: { account_id: accountId, keywords: 'x' } })).status, 401);
  });
});
