import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { emitEvents, type NewEvent } from '../../src/db/repos/events.repo';
import { neutralizeCell } from '../../src/domain/contacts';
import { client, newUser, userWithAccount, type Client } from '../support/http';
import { getStack } from '../support/stack';

/** A CSV answer of `path`, parsed back into records. */
async function csvOf(key: string, path: string): Promise<Array<Record<string, string>>> {
  const { baseUrl } = await getStack();
  const response = await fetch(baseUrl + path, { headers: { 'X-API-Key': key } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
  return parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
}

describe('reports', () => {
  let admin: Client;
  before(async () => {
    admin = client((await getStack()).adminKey);
  });

  describe('GET /api/reports/automation-log', () => {
    let api: Client;
    let key: string;
    let userId: string;
    /** Event ids of the automation events, oldest first. */
    let automation: string[];
    let message: string;

    before(async function () {
      this.timeout(60_000);
      let accountId: string;
      ({ api, key, id: userId, accountId } = await userWithAccount());
      const base = Date.now() - 60 * 60_000;
      const types = [
        'broadcast.run.started',
        'auto_reply.sent',
        'welcome.sent',
        'spam.action',
        'drip.step_sent',
        'drip.completed',
        'abtest.completed',
        'contact.opted_out',
        'webhook.test',
        'inbound.webhook',
        'broadcast.run.finished',
      ];
      const events: NewEvent[] = types.map((type, i) => ({ accountId, type, chatKey: '@chat', data: { step: i, text: '=1+1' }, at: new Date(base + i * 60_000) }));
      const ids = await emitEvents((await getStack()).db, [...events, { accountId, type: 'message.sent', chatKey: '@chat', data: {}, at: new Date() }]);
      assert.equal(ids.length, types.length + 1);
      automation = ids.slice(0, types.length);
      message = ids[types.length]!;
    });

    it('lists every automation action from the event log, newest first, with its feature, and no messages', async () => {
      const reply = await api.get('/api/reports/automation-log?format=json');
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(
        reply.body.entries.map((e: any) => e.id),
        [...automation].reverse(),
      );
      assert.ok(!reply.body.entries.some((e: any) => e.id === message));
      assert.deepEqual(
        reply.body.entries.map((e: any) => e.feature).reverse(),
        ['broadcast', 'auto_reply', 'welcome', 'antispam', 'drip', 'drip', 'ab_test', 'opt_out', 'webhook', 'webhook', 'broadcast'],
      );
      assert.equal(reply.body.count, automation.length);
      assert.deepEqual(reply.body.entries[0].data, { step: 10, text: '=1+1' });
    });

    it('answers the newest `limit` actions, 100 by default', async () => {
      const reply = await api.get('/api/reports/automation-log?limit=2');
      assert.equal(reply.status, 200);
      assert.deepEqual(
        reply.body.entries.map((e: any) => e.id),
        [automation[10], automation[9]],
      );
    });

    it("exports the reference's CSV that parses back, payload cells safe from formulas", async () => {
      const records = await csvOf(key, '/api/reports/automation-log?format=csv&limit=100');
      assert.deepEqual(
        records.map((r) => r.id),
        [...automation].reverse(),
      );
      assert.deepEqual(Object.keys(records[0]!), ['timestamp', 'id', 'feature', 'type', 'user_id', 'account_id', 'chat_key', 'data']);
      assert.equal(records[0]!.type, 'broadcast.run.finished');
      assert.equal(records[0]!.chat_key, neutralizeCell('@chat'));
      assert.deepEqual(JSON.parse(records[0]!.data!), { step: 10, text: '=1+1' });
    });

    it("never shows another user's actions; an admin names the user", async () => {
      const other = await newUser();
      const theirs = await other.api.get('/api/reports/automation-log');
      assert.equal(theirs.status, 200);
      assert.deepEqual(theirs.body.entries, []);
      const named = await admin.get(`/api/reports/automation-log?user_id=${userId}`);
      assert.equal(named.status, 200);
      assert.equal(named.body.count, automation.length);
      assert.equal((await other.api.get(`/api/reports/automation-log?user_id=${userId}`)).status, 404);
    });

    it('refuses a bad format or limit', async () => {
      for (const query of ['?format=xml', '?format=', '?limit=0', '?limit=10001', '?limit=ten']) {
        const reply = await api.get(`/api/reports/automation-log${query}`);
        assert.equal(reply.status, 400, query);
        assert.equal(typeof reply.body.error, 'string');
      }
    });
  });

  describe('GET /api/reports/groups', () => {
    it('reports the scanned chats of the caller’s accounts as JSON and as CSV', async () => {
      const { api, key, accountId } = await userWithAccount();
      const scanned = await api.get('/api/v1/groups');
      assert.equal(scanned.status, 200);
      assert.ok(scanned.body.count > 0, 'the sandbox account has scanned chats');
      const keys = scanned.body.groups.map((g: { key: string }) => g.key).sort();

      const json = await api.get('/api/reports/groups?format=json');
      assert.equal(json.status, 200, JSON.stringify(json.body));
      assert.deepEqual(json.body.groups.map((g: { key: string }) => g.key).sort(), keys);
      assert.ok(json.body.groups.every((g: any) => g.account_id === accountId && g.account_name === 'Sandbox telegram' && g.platform === 'telegram'));

      const records = await csvOf(key, '/api/reports/groups?format=csv');
      assert.deepEqual(records.map((r) => r.key).sort(), keys.map(neutralizeCell).sort());
      assert.ok(records.every((r) => r.account_id === accountId && r.title));

      const other = await newUser();
      const none = await other.api.get('/api/reports/groups');
      assert.equal(none.status, 200);
      assert.deepEqual(none.body.groups, []);
      assert.equal((await api.get('/api/reports/groups?format=pdf')).status, 400);
    });
  });

  describe('GET /api/reports/summary', () => {
    it('sums up analytics, accounts, contacts, campaigns and webhooks', async () => {
      const { api, id: userId, accountId } = await userWithAccount();
      const { db } = await getStack();
      assert.equal((await api.post('/api/contacts', { name: 'Ann' })).status, 201);
      assert.equal((await api.post('/api/contacts', { name: 'Bob', opted_out: true })).status, 201);
      const drip = await api.post('/api/drip-campaigns', { name: 'Drip', steps: [{ message: 'Hi', delay_minutes: 0 }] });
      assert.equal(drip.status, 201, JSON.stringify(drip.body));
      await db('webhooks').insert([
        { user_id: userId, name: 'on', url: 'https://example.com/a', events: ['*'], secret: 'sealed' },
        { user_id: userId, name: 'off', url: 'https://example.com/b', events: ['*'], secret: 'sealed', enabled: false },
      ]);
      await emitEvents(db, [
        { accountId, type: 'message.sent', chatKey: '@x', data: {} },
        { accountId, type: 'message.failed', chatKey: '@y', data: {} },
      ]);

      const reply = await api.get('/api/reports/summary');
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      const s = reply.body;
      assert.deepEqual(s.accounts, { total: 1, connected: 1 });
      assert.deepEqual(s.contacts, { total: 2, opted_out: 1 });
      assert.deepEqual(s.campaigns.drip_campaigns, { total: 1, by_status: { draft: 1 } });
      assert.deepEqual(s.campaigns.broadcasts, { total: 0, enabled: 0, by_schedule_type: {}, runs: 0 });
      assert.deepEqual(s.campaigns.ab_tests, { total: 0, by_status: {} });
      assert.deepEqual(s.webhooks, { total: 2, enabled: 1 });
      assert.deepEqual([s.analytics.last_24_hours.sent, s.analytics.last_24_hours.failed], [1, 1]);
      assert.ok(s.analytics.last_24_hours.events_by_type['contact.created'] >= 2);
      assert.deepEqual([s.analytics.last_30_days.sent, s.analytics.last_30_days.failed, s.analytics.last_30_days.groups_with_messages], [1, 1, 2]);

      const other = await newUser();
      const theirs = await other.api.get('/api/reports/summary');
      assert.equal(theirs.status, 200);
      assert.deepEqual([theirs.body.contacts.total, theirs.body.webhooks.total, theirs.body.analytics.last_24_hours.sent], [0, 0, 0]);
      const named = await admin.get(`/api/reports/summary?user_id=${userId}`);
      assert.equal(named.status, 200);
      assert.deepEqual(named.body.contacts, { total: 2, opted_out: 1 });
      assert.equal((await other.api.get(`/api/reports/summary?user_id=${userId}`)).status, 404);
    });
  });
});
