import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { emitEvents, type NewEvent } from '../../src/db/repos/events.repo';
import { neutralizeCell } from '../../src/domain/contacts';
import { client, eventually, finishedBroadcast, groupKeys, newUser, userWithAccount, type Client } from '../support/http';
import { getStack } from '../support/stack';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Records `events` as the services would, with their explicit times. */
async function emit(events: NewEvent[]): Promise<void> {
  await emitEvents((await getStack()).db, events);
}

/** `n` copies of an event. */
const times = (n: number, event: NewEvent): NewEvent[] => Array.from({ length: n }, () => event);

/**
 * The start of the current UTC hour, once at least a minute of it is left, so the hours and days a
 * test writes its events into are still the current ones when it reads its numbers.
 */
async function currentHour(): Promise<number> {
  await eventually(async () => (HOUR - (Date.now() % HOUR) > 60_000 ? true : undefined), 2 * 60_000, 'a minute of the hour to be left');
  return Math.floor(Date.now() / HOUR) * HOUR;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('analytics', () => {
  let admin: Client;
  before(async () => {
    admin = client((await getStack()).adminKey);
  });

  describe('GET /api/analytics/summary', () => {
    let api: Client;
    let userId: string;
    let h0: number;

    before(async function () {
      this.timeout(180_000);
      let accountId: string;
      ({ api, id: userId, accountId } = await userWithAccount());
      h0 = await currentHour();
      const message = (type: string, at: number): NewEvent => ({ accountId, userId, type, chatKey: '@alpha', data: {}, at: new Date(at) });
      await emit([
        ...times(3, message('message.sent', h0)),
        message('message.failed', h0),
        { userId, type: 'custom', data: { plan: 'pro' }, at: new Date(h0) },
        // The last millisecond of the hour before, and of the one before that.
        ...times(2, message('message.sent', h0 - 1)),
        ...times(2, message('message.failed', h0 - 1)),
        ...times(5, message('message.sent', h0 - HOUR - 1)),
      ]);
    });

    const summaryOf = async (query: string, as = api) => {
      const reply = await as.get(`/api/analytics/summary${query}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      return reply.body;
    };

    it('counts the current hour and the N-1 before it, by type, with sent, failed and the delivery rate', async () => {
      const one = await summaryOf('?hours=1');
      assert.deepEqual(one.events_by_type, { 'message.sent': 3, 'message.failed': 1, custom: 1 });
      assert.equal(one.total_events, 5);
      assert.deepEqual([one.sent, one.failed, one.delivery_rate], [3, 1, 0.75]);
      assert.equal(Date.parse(one.from), h0);

      const two = await summaryOf('?hours=2');
      assert.deepEqual([two.sent, two.failed, two.delivery_rate], [5, 3, 5 / 8]);
      assert.equal(Date.parse(two.from), h0 - HOUR);

      const three = await summaryOf('?hours=3');
      assert.deepEqual([three.sent, three.failed], [10, 3]);
    });

    it('defaults to 24 hours', async () => {
      const summary = await summaryOf('');
      assert.equal(summary.hours, 24);
      assert.deepEqual([summary.sent, summary.failed], [10, 3]);
    });

    it("never counts another user's events; an admin sees everyone's, or one user's with user_id", async () => {
      const other = await newUser();
      const empty = await summaryOf('', other.api);
      assert.deepEqual([empty.sent, empty.failed, empty.total_events, empty.delivery_rate], [0, 0, 0, null]);

      const theirs = await summaryOf(`?hours=3&user_id=${userId}`, admin);
      assert.deepEqual([theirs.sent, theirs.failed], [10, 3]);
      const everyone = await summaryOf('?hours=3', admin);
      assert.ok(everyone.sent >= 10 && everyone.failed >= 3);

      assert.equal((await other.api.get(`/api/analytics/summary?user_id=${userId}`)).status, 404);
      assert.equal((await admin.get('/api/analytics/summary?user_id=00000000-0000-4000-8000-000000000000')).status, 404);
      const own = await summaryOf(`?user_id=${other.id}`, other.api);
      assert.equal(own.sent, 0);
    });

    it('refuses hours that are not a whole number from 1 to 8760', async () => {
      for (const hours of ['0', '8761', '1.5', 'abc', '-3']) {
        const reply = await api.get(`/api/analytics/summary?hours=${hours}`);
        assert.equal(reply.status, 400, `hours=${hours}`);
        assert.match(reply.body.error, /hours/);
      }
      assert.equal((await api.get('/api/analytics/summary?hours=8760')).status, 200);
      assert.equal((await api.get('/api/analytics/summary?user_id=nobody')).status, 400);
    });
  });

  describe('GET /api/analytics/groups, /accounts, /dashboard and /export', () => {
    let api: Client;
    let key: string;
    let userId: string;
    let accountId: string;
    let alpha: string;
    let beta: string;
    let d0: number;

    before(async function () {
      this.timeout(180_000);
      ({ api, key, id: userId, accountId } = await userWithAccount());
      const keys = await groupKeys(api, accountId, 2);
      assert.equal(keys.length, 2, 'the sandbox account has two groups');
      [alpha, beta] = keys as [string, string];
      await currentHour();
      d0 = Math.floor(Date.now() / DAY) * DAY;
      const message = (chatKey: string, type: string, at: number): NewEvent => ({ accountId, type, chatKey, data: {}, at: new Date(at) });
      await emit([
        ...times(2, message(alpha, 'message.sent', d0)),
        message(beta, 'message.failed', d0),
        // The last millisecond of yesterday, and of the day before.
        ...times(3, message(alpha, 'message.sent', d0 - 1)),
        message(alpha, 'message.failed', d0 - 1),
        ...times(7, message(alpha, 'message.sent', d0 - DAY - 1)),
        // Not a message: counted in the summary, not in the groups.
        { accountId, type: 'member.joined', chatKey: alpha, data: {}, at: new Date(d0) },
      ]);
    });

    const groups = async (query: string) => {
      const reply = await api.get(`/api/analytics/groups${query}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      return reply.body;
    };

    it('gives each chat its sent, failed, delivery rate and daily breakdown over the last N UTC days', async () => {
      const today = await groups('?days=1');
      assert.deepEqual(
        today.groups.map((g: any) => [g.chat_key, g.sent, g.failed, g.delivery_rate]),
        [
          [alpha, 2, 0, 1],
          [beta, 0, 1, 0],
        ],
      );
      assert.deepEqual(today.daily, [{ date: day(d0), sent: 2, failed: 1, delivery_rate: 2 / 3 }]);
      assert.deepEqual([today.sent, today.failed, today.total, today.count], [2, 1, 2, 2]);
      assert.ok(today.groups[0].title, 'a scanned chat shows its title');

      const twoDays = await groups('?days=2');
      const a = twoDays.groups.find((g: any) => g.chat_key === alpha);
      assert.deepEqual([a.sent, a.failed], [5, 1]);
      assert.deepEqual(a.daily, [
        { date: day(d0 - DAY), sent: 3, failed: 1, delivery_rate: 0.75 },
        { date: day(d0), sent: 2, failed: 0, delivery_rate: 1 },
      ]);
      assert.deepEqual([twoDays.sent, twoDays.failed], [5, 2]);

      const threeDays = await groups('?days=3');
      assert.equal(threeDays.groups.find((g: any) => g.chat_key === alpha).sent, 12);
      assert.equal(threeDays.daily.length, 3);
    });

    it('lists the chats with the most messages first, limit at a time, with how many there are', async () => {
      const first = await groups('?days=2&limit=1');
      assert.deepEqual(
        first.groups.map((g: any) => g.chat_key),
        [alpha],
      );
      assert.deepEqual([first.count, first.total], [1, 2]);
    });

    it('gives each account its name, platform, connected, scanned chats and messages', async () => {
      const reply = await api.get('/api/analytics/accounts?days=2');
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      const scanned = await api.get(`/api/v1/groups?account_id=${accountId}`);
      assert.equal(scanned.status, 200);
      assert.ok(scanned.body.count > 0);
      assert.deepEqual(reply.body.accounts, [
        {
          id: accountId,
          user_id: userId,
          name: 'Sandbox telegram',
          platform: 'telegram',
          status: 'connected',
          connected: true,
          groups_count: scanned.body.count,
          sent: 5,
          failed: 2,
          delivery_rate: 5 / 7,
        },
      ]);
    });

    it('answers every part in one dashboard', async () => {
      const reply = await api.get('/api/analytics/dashboard?days=2&hours=8760');
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      const { summary, groups: g, accounts, peak_hours: peaks } = reply.body;
      assert.equal(summary.events_by_type['member.joined'], 1);
      assert.deepEqual([summary.sent, summary.failed], [12, 2]);
      assert.deepEqual([g.sent, g.failed, g.total], [5, 2, 2]);
      assert.equal(accounts.accounts[0].sent, 5);
      assert.ok(peaks.peak_hours.length > 0);
      assert.equal(peaks.timezone, 'UTC');
    });

    it('exports the daily rollup as CSV that parses back', async () => {
      const { baseUrl } = await getStack();
      const response = await fetch(`${baseUrl}/api/analytics/export?format=csv&days=3`, { headers: { 'X-API-Key': key } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
      const text = await response.text();
      assert.equal(text.split('\n')[0], 'date,user_id,account_id,chat_key,event_type,count');
      const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
      // Keys such as @group are written as the contacts export writes them: safe from spreadsheet formulas.
      const sentToAlpha = rows.filter((r) => r.chat_key === neutralizeCell(alpha) && r.event_type === 'message.sent');
      assert.deepEqual(
        sentToAlpha.map((r) => [r.date, r.account_id, r.count]),
        [
          [day(d0 - 2 * DAY), accountId, '7'],
          [day(d0 - DAY), accountId, '3'],
          [day(d0), accountId, '2'],
        ],
      );
      assert.equal(rows.length, 6, 'sent and failed to alpha yesterday, sent three days, beta failed, a member joined');
    });

    it('refuses bad windows, limits and formats', async () => {
      for (const path of [
        '/api/analytics/groups?days=0',
        '/api/analytics/groups?days=367',
        '/api/analytics/groups?limit=0',
        '/api/analytics/accounts?days=x',
        '/api/analytics/dashboard?timezone=Mars/Olympus',
        '/api/analytics/export?format=xml',
        '/api/analytics/export?days=1000',
      ]) {
        const reply = await api.get(path);
        assert.equal(reply.status, 400, path);
        assert.equal(typeof reply.body.error, 'string');
      }
    });
  });

  describe('GET /api/analytics/peak-hours', () => {
    let api: Client;
    let h0: number;

    before(async function () {
      this.timeout(180_000);
      let accountId: string;
      ({ api, accountId } = await userWithAccount());
      h0 = await currentHour();
      const at = (type: string, ms: number): NewEvent => ({ accountId, type, chatKey: '@peak', data: {}, at: new Date(ms + 59 * 60_000) });
      await emit([
        ...times(4, at('message.sent', h0 - DAY)),
        at('message.sent', h0 - 2 * DAY),
        at('message.failed', h0 - 2 * DAY),
        ...times(3, at('message.sent', h0 - 3 * DAY)),
        at('message.failed', h0 - 3 * DAY),
        // The same hour of the week as h0 - DAY, a week earlier.
        ...times(2, at('message.failed', h0 - 8 * DAY)),
      ]);
    });

    /** The ISO weekday and hour of `ms` on a clock `offsetHours` ahead of UTC. */
    const onClock = (ms: number, offsetHours: number) => {
      const shifted = new Date(ms + offsetHours * HOUR);
      return { weekday: shifted.getUTCDay() === 0 ? 7 : shifted.getUTCDay(), hour: shifted.getUTCHours() };
    };
    const peaks = async (query: string) => {
      const reply = await api.get(`/api/analytics/peak-hours${query}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      return reply.body;
    };

    it('ranks the hours of the week by delivery success, on the clock of the time zone', async () => {
      const tokyo = await peaks('?days=7&timezone=Asia/Tokyo');
      assert.equal(tokyo.timezone, 'Asia/Tokyo');
      assert.deepEqual(
        tokyo.peak_hours.map((p: any) => [p.weekday, p.hour, p.sent, p.failed, p.delivery_rate]),
        [
          [onClock(h0 - DAY, 9).weekday, onClock(h0 - DAY, 9).hour, 4, 0, 1],
          [onClock(h0 - 3 * DAY, 9).weekday, onClock(h0 - 3 * DAY, 9).hour, 3, 1, 0.75],
          [onClock(h0 - 2 * DAY, 9).weekday, onClock(h0 - 2 * DAY, 9).hour, 1, 1, 0.5],
        ],
      );
      const names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
      assert.ok(tokyo.peak_hours.every((p: any) => p.day === names[p.weekday - 1]));
    });

    it('counts UTC hours by default and adds up the same hour of different weeks', async () => {
      const utc = await peaks('?days=14');
      assert.equal(utc.timezone, 'UTC');
      const best = utc.peak_hours[0];
      assert.deepEqual([best.weekday, best.hour, best.sent, best.failed], [onClock(h0 - 3 * DAY, 0).weekday, onClock(h0 - 3 * DAY, 0).hour, 3, 1]);
      const merged = utc.peak_hours.find((p: any) => p.weekday === onClock(h0 - DAY, 0).weekday && p.hour === onClock(h0 - DAY, 0).hour);
      assert.deepEqual([merged.sent, merged.failed, merged.delivery_rate], [4, 2, 4 / 6]);
    });

    it('refuses a time zone that is not IANA', async () => {
      for (const tz of ['Mars/Olympus', 'not a zone', '']) {
        const reply = await api.get(`/api/analytics/peak-hours?timezone=${encodeURIComponent(tz)}`);
        assert.equal(reply.status, 400, tz);
        assert.match(reply.body.error, /timezone/);
      }
    });
  });

  describe('a real broadcast', () => {
    it('shows up in the summary and in the groups', async function () {
      this.timeout(120_000);
      const { api, accountId } = await userWithAccount();
      const targets = await groupKeys(api, accountId, 2);
      await currentHour();
      const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'Counted', schedule_type: 'now' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const broadcast = await finishedBroadcast(api, created.body.schedule_id);
      assert.equal(broadcast.last_run.sent, 2);

      const summary = await api.get('/api/analytics/summary?hours=2');
      assert.equal(summary.status, 200);
      assert.equal(summary.body.sent, 2);
      assert.equal(summary.body.events_by_type['broadcast.run.started'], 1);
      assert.equal(summary.body.events_by_type['broadcast.run.finished'], 1);
      const groups = await api.get('/api/analytics/groups?days=2');
      assert.equal(groups.status, 200);
      assert.deepEqual(groups.body.groups.map((g: any) => [g.chat_key, g.sent]).sort(), targets.map((t) => [t, 1]).sort());
    });
  });

  describe('POST /api/analytics/events', () => {
    it('records the reference’s custom event, counted and listed in the events feed', async () => {
      const { api } = await newUser();
      const reply = await api.post('/api/analytics/events', { type: 'custom', data: {} });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      assert.equal(reply.body.type, 'custom');
      const summary = await api.get('/api/analytics/summary?hours=1');
      assert.equal(summary.status, 200);
      assert.equal(summary.body.events_by_type.custom, 1);
      const feed = await api.get('/api/events?type=custom');
      assert.equal(feed.status, 200);
      assert.deepEqual(
        feed.body.events.map((e: any) => [e.id, e.type, e.data]),
        [[reply.body.event_id, 'custom', {}]],
      );
    });

    it('records an event of one of the caller’s accounts and chats', async () => {
      const { api, accountId } = await userWithAccount();
      const reply = await api.post('/api/analytics/events', { type: 'shop.order_paid', data: { order: 42 }, account_id: accountId, chat_key: '@shop' });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      const feed = await api.get('/api/events?type=shop.*');
      assert.equal(feed.status, 200);
      assert.deepEqual(
        feed.body.events.map((e: any) => [e.account_id, e.chat_key, e.data]),
        [[accountId, '@shop', { order: 42 }]],
      );
      const other = await newUser();
      assert.equal((await other.api.post('/api/analytics/events', { type: 'custom', account_id: accountId })).status, 404);
    });

    it("refuses AutoHub's own event types, so nobody can fake a delivery", async () => {
      const { api } = await newUser();
      for (const type of ['message.sent', 'message', 'broadcast.run.finished', 'webhook.test', 'contact.created']) {
        const reply = await api.post('/api/analytics/events', { type, data: {} });
        assert.equal(reply.status, 400, type);
        assert.match(reply.body.error, /own events/);
      }
      const summary = await api.get('/api/analytics/summary');
      assert.equal(summary.status, 200);
      assert.equal(summary.body.total_events, 0);
    });

    it('refuses a malformed type or body with 400, and data over 256 KiB with 413', async () => {
      const { api } = await newUser();
      for (const body of [{ type: 'Hello World' }, { type: '' }, {}, { type: 'custom', data: [] }, { type: 'custom', extra: 1 }, { type: 'custom', account_id: 'x' }]) {
        const reply = await api.post('/api/analytics/events', body);
        assert.equal(reply.status, 400, JSON.stringify(body));
      }
      const big = await api.post('/api/analytics/events', { type: 'custom', data: { blob: 'x'.repeat(300 * 1024) } });
      assert.equal(big.status, 413);
      assert.match(big.body.error, /262144/);
      assert.equal((await api.post('/api/analytics/events', { type: 'custom', data: { blob: 'x'.repeat(200 * 1024) } })).status, 201);
    });
  });

  describe('GET /api/events', () => {
    let api: Client;
    let userId: string;
    let ids: string[];

    before(async function () {
      this.timeout(60_000);
      let accountId: string;
      ({ api, id: userId, accountId } = await userWithAccount());
      const base = Date.now() - 10 * 60_000;
      const events: NewEvent[] = [
        { accountId, type: 'message.sent', chatKey: '@a', data: { n: 1 }, at: new Date(base) },
        { accountId, type: 'message.failed', chatKey: '@b', data: { n: 2 }, at: new Date(base + 60_000) },
        { accountId, type: 'member.joined', chatKey: '@a', data: { n: 3 }, at: new Date(base + 120_000) },
        { accountId, type: 'message.sent', chatKey: '@c', data: { n: 4 }, at: new Date(base + 180_000) },
      ];
      ids = await emitEvents((await getStack()).db, events);
      assert.equal(ids.length, 4);
    });

    const feed = async (query: string, as = api) => {
      const reply = await as.get(`/api/events${query}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      return reply.body.events as any[];
    };
    const ns = (events: any[]) => events.filter((e) => e.data.n !== undefined).map((e) => e.data.n);

    it("lists the caller's events newest first, each with its id, type, timestamp, account and data", async () => {
      const events = await feed('');
      assert.deepEqual(ns(events), [4, 3, 2, 1]);
      assert.equal(events[0].id, ids[3]);
      assert.equal(events[0].type, 'message.sent');
      assert.equal(events[0].chat_key, '@c');
      assert.ok(Date.parse(events[0].timestamp) > Date.parse(events[1].timestamp));
    });

    it('filters by type, by prefix, by time, and pages back with before', async () => {
      assert.deepEqual(ns(await feed('?type=message.*')), [4, 2, 1]);
      assert.deepEqual(ns(await feed('?type=message.sent')), [4, 1]);
      assert.deepEqual(ns(await feed('?type=*')), [4, 3, 2, 1]);
      const third = (await feed('')).find((e) => e.data.n === 3);
      assert.deepEqual(ns(await feed(`?since=${encodeURIComponent(third.timestamp)}`)), [4, 3]);
      assert.deepEqual(ns(await feed('?limit=2')), [4, 3]);
      assert.deepEqual(ns(await feed(`?before=${ids[2]}&limit=1`)), [2]);
    });

    it("never shows another user's events; an admin names the user", async () => {
      const other = await newUser();
      assert.deepEqual(await feed('', other.api), []);
      assert.deepEqual(ns(await feed(`?user_id=${userId}&type=message.*`, admin)), [4, 2, 1]);
      assert.equal((await other.api.get(`/api/events?user_id=${userId}`)).status, 404);
    });

    it('refuses bad filters', async () => {
      for (const query of ['?limit=0', '?limit=501', '?since=yesterday', '?type=Message Sent', '?before=nope']) {
        const reply = await api.get(`/api/events${query}`);
        assert.equal(reply.status, 400, query);
      }
      assert.equal((await request401()).status, 401);
    });
  });
});

async function request401() {
  const { baseUrl } = await getStack();
  return fetch(`${baseUrl}/api/events`);
}
