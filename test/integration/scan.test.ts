import assert from 'node:assert/strict';
import { eventually, newSandboxAccount, newUser, request, type Client } from '../support/http';
import { getStack, getTemporalClient } from '../support/stack';
import { nonEmpty } from '../support/assertions';

const DAY_MS = 86_400_000;

/** Every chat a scan answer lists, in one array. */
function allChats(body: any): any[] {
  return [...(body.channels ?? []), ...(body.groups ?? []), ...(body.contacts ?? [])];
}

describe('POST /api/v1/scan', () => {
  let api: Client;
  let accountId: string;
  let full: any;

  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
    accountId = await newSandboxAccount(api);
    full = (await api.post('/api/v1/scan', { account_id: accountId })).body;
  });

  it('answers channels, groups and contacts of a Telegram account in the reference shape', async () => {
    const reply = await api.post('/api/v1/scan', { account_id: accountId, max_age_days: 0 });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const body = reply.body;
    assert.equal(body.success, true);
    assert.equal(body.account_id, accountId);
    assert.match(body.job_id, /^[0-9a-f-]{36}$/);
    assert.ok(body.channels.length >= 6 && body.groups.length >= 10 && body.contacts.length >= 20);
    assert.equal(body.total, body.channels.length + body.groups.length + body.contacts.length);
    for (const chat of [...body.channels, ...body.groups]) {
      assert.equal(typeof chat.id, 'number', 'Telegram ids are numbers, as in the reference');
      assert.equal(typeof chat.title, 'string');
      assert.equal(typeof chat.members, 'number');
      assert.equal(typeof chat.key, 'string');
    }
    for (const contact of body.contacts) {
      assert.equal(typeof contact.id, 'number');
      assert.equal(typeof contact.name, 'string');
      assert.match(contact.username, /^[a-z_]+$/);
    }
    const channel1 = body.channels.find((c: any) => c.key === '@channel1');
    assert.deepEqual(
      { id: channel1.id, title: channel1.title, members: channel1.members, username: channel1.username },
      { id: -1001000000001, title: 'Channel One', members: 1520, username: 'channel1' },
    );
  });

  it('scans everything when max_age_days is left out or 0', async () => {
    assert.equal(full.total, allChats(full).length);
    const zero = await api.post('/api/v1/scan', { account_id: accountId, max_age_days: 0 });
    assert.equal(zero.body.total, full.total);
  });

  it('keeps only chats active within max_age_days', async () => {
    const before = Date.now();
    const reply = await api.post('/api/v1/scan', { account_id: accountId, max_age_days: 7 });
    assert.equal(reply.status, 200);
    const chats = allChats(reply.body);
    assert.ok(chats.length >= 3, 'the reference chats are active within 7 days');
    assert.ok(chats.length < full.total, 'older chats are left out');
    for (const chat of chats) assert.ok(Date.parse(chat.last_activity_at) >= before - 7 * DAY_MS, chat.last_activity_at);
    const kept = new Set(chats.map((c) => c.key));
    for (const chat of allChats(full)) {
      if (Date.parse(chat.last_activity_at) >= Date.now() - 7 * DAY_MS + 60_000) assert.ok(kept.has(chat.key), chat.key);
    }
  });

  it('keeps only chats active after since_ts', async () => {
    const since = Math.floor((Date.now() - 20 * DAY_MS) / 1000);
    const reply = await api.post('/api/v1/scan', { account_id: accountId, since_ts: since });
    const chats = allChats(reply.body);
    assert.ok(chats.length > 0 && chats.length < full.total);
    for (const chat of chats) assert.ok(Date.parse(chat.last_activity_at) >= since * 1000);
    const expected = allChats(full).filter((c) => Date.parse(c.last_activity_at) >= since * 1000);
    assert.deepEqual(chats.map((c) => c.key).sort(), expected.map((c) => c.key).sort());
  });

  it('applies the later of max_age_days and since_ts', async () => {
    const since = Math.floor((Date.now() - 40 * DAY_MS) / 1000);
    const both = await api.post('/api/v1/scan', { account_id: accountId, since_ts: since, max_age_days: 10 });
    const tenDays = await api.post('/api/v1/scan', { account_id: accountId, max_age_days: 10 });
    assert.deepEqual(allChats(both.body).map((c) => c.key).sort(), allChats(tenDays.body).map((c) => c.key).sort());
  });

  it('stores what it finds, so GET /api/v1/groups lists the scanned chats', async () => {
    const { db } = await getStack();
    await db('chats').where({ account_id: accountId }).delete();
    assert.equal((await api.get(`/api/v1/groups?account_id=${accountId}`)).body.count, 0);

    const scanStarted = Date.now();
    const scanned = await api.post('/api/v1/scan', { account_id: accountId, max_age_days: 7 });
    const listed = await api.get(`/api/v1/groups?account_id=${accountId}`);
    assert.deepEqual(
      listed.body.groups.map((g: any) => g.key).sort(),
      allChats(scanned.body).map((c) => c.key).sort(),
    );
    assert.ok(listed.body.groups.length > 0);
    for (const g of listed.body.groups) {
      assert.ok(Date.parse(g.scanned_at) >= scanStarted - 5_000, `${g.key} says when this scan found it: ${g.scanned_at}`);
    }
    await api.post('/api/v1/scan', { account_id: accountId });
    assert.equal((await api.get(`/api/v1/groups?account_id=${accountId}`)).body.count, full.total);
  });

  it('scans a WhatsApp account: groups and contacts by JID', async () => {
    const wa = await newSandboxAccount(api, 'whatsapp');
    const reply = await api.post('/api/v1/scan', { account_id: wa });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.ok(reply.body.groups.length >= 10);
    assert.ok(nonEmpty(reply.body.groups).every((g: any) => typeof g.id === 'string' && g.id.endsWith('@g.us')));
    assert.ok(nonEmpty(reply.body.contacts).every((c: any) => c.id.endsWith('@s.whatsapp.net')));
  });

  it('answers 202 with a job id when the result takes longer than the wait, then the job completes', async () => {
    const reply = await api.post('/api/v1/scan', { account_id: accountId, wait_seconds: 0 });
    assert.equal(reply.status, 202);
    assert.equal(reply.body.success, true);
    assert.equal(reply.body.status, 'running');
    const jobId = reply.body.job_id;
    const job = await eventually(async () => {
      const polled = await api.get(`/api/v1/scan/jobs/${jobId}`);
      assert.equal(polled.status, 200);
      return polled.body.status === 'running' ? undefined : polled.body;
    });
    assert.equal(job.status, 'completed');
    assert.equal(job.kind, 'chats');
    assert.equal(job.account_id, accountId);
    assert.equal(job.result.success, true);
    assert.equal(job.result.total, full.total);
  });

  it('answers 400 naming the field for invalid parameters', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /account_id is required/],
      [{ account_id: accountId, max_age_days: -1 }, /max_age_days/],
      [{ account_id: accountId, max_age_days: 'seven' }, /max_age_days/],
      [{ account_id: accountId, since_ts: -5 }, /since_ts/],
      [{ account_id: accountId, since_ts: '2024-01-01' }, /since_ts/],
    ];
    for (const [body, error] of cases) {
      const reply = await api.post('/api/v1/scan', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, error);
    }
  });

  it("answers 404 for another user's account and for an unknown one", async () => {
    const other = await newUser();
    const reply = await other.api.post('/api/v1/scan', { account_id: accountId });
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { error: 'account not found' });
    assert.equal((await api.post('/api/v1/scan', { account_id: '00000000-0000-4000-8000-000000000000' })).status, 404);
    assert.equal((await api.post('/api/v1/scan', { account_id: 'abc123' })).status, 404);
  });

  it('answers 409 for an account that is not connected', async () => {
    const { db } = await getStack();
    const idle = await newSandboxAccount(api);
    await db('accounts').where({ id: idle }).update({ status: 'disconnected' });
    const reply = await api.post('/api/v1/scan', { account_id: idle });
    assert.equal(reply.status, 409);
    assert.equal(reply.body.error, `account ${idle} is disconnected; it must be connected`);
  });

  it('answers 401 without an API key', async () => {
    const reply = await request('POST', '/api/v1/scan', { body: { account_id: accountId } });
    assert.equal(reply.status, 401);
  });
});

describe('GET /api/v1/scan/jobs/:id', () => {
  let api: Client;
  let jobId: string;

  before(async function () {
    this.timeout(120_000);
    ({ api } = await newUser());
    const accountId = await newSandboxAccount(api);
    jobId = (await api.post('/api/v1/scan', { account_id: accountId })).body.job_id;
  });

  it('shows a finished job with its result', async () => {
    const reply = await api.get(`/api/v1/scan/jobs/${jobId}`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.success, true);
    assert.equal(reply.body.job_id, jobId);
    assert.equal(reply.body.status, 'completed');
    assert.ok(reply.body.finished_at);
    assert.ok(reply.body.result.groups.length > 0);
  });

  it('runs as workflow scan-<job id> with the user and account in its memo', async () => {
    const temporal = await getTemporalClient();
    const handle = temporal.workflow.getHandle(`scan-${jobId}`);
    // The job's row is written by the workflow's last activity, a moment before the workflow closes.
    await handle.result();
    const description = await handle.describe();
    assert.equal(description.type, 'scanChatsWorkflow');
    assert.equal(description.status.name, 'COMPLETED');
    const memo = description.memo as Record<string, unknown>;
    assert.equal(memo.accountId, (await api.get(`/api/v1/scan/jobs/${jobId}`)).body.account_id);
    assert.equal(typeof memo.userId, 'string');
  });

  /** Starts a search-reply held up by a 30 s FloodWait on its only reply; answers its job id. */
  const heldUpJob = async (): Promise<string> => {
    const accountId = await newSandboxAccount(api);
    const group = (await api.get(`/api/v1/scan/results?account_id=${accountId}&type=groups`)).body.groups[0].key;
    const from = { id: '9101', username: 'held_up' };
    await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type: 'message', chat_key: group, from, text: 'wallabyprice?' });
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { flood_wait_seconds: 30, flood_wait_sends: 1 });
    const started = await api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'wallabyprice', reply_text: 'x', wait_seconds: 0 });
    assert.equal(started.status, 202);
    return started.body.job_id;
  };

  it('shows a cancelled scan as failed', async () => {
    const held = await heldUpJob();
    await (await getTemporalClient()).workflow.getHandle(`scan-${held}`).cancel();
    const job = await eventually(async () => {
      const polled = (await api.get(`/api/v1/scan/jobs/${held}`)).body;
      return polled.status === 'running' ? undefined : polled;
    });
    assert.equal(job.status, 'failed');
    assert.equal(job.error, 'scan cancelled');
  });

  it('shows a scan whose workflow was terminated as failed', async () => {
    const held = await heldUpJob();
    await (await getTemporalClient()).workflow.getHandle(`scan-${held}`).terminate('operator');
    const job = (await api.get(`/api/v1/scan/jobs/${held}`)).body;
    assert.equal(job.status, 'failed');
    assert.equal(job.error, 'the scan workflow ended without a result (terminated)');
  });

  it("answers 404 for another user's job and for unknown ids", async () => {
    const other = await newUser();
    assert.deepEqual((await other.api.get(`/api/v1/scan/jobs/${jobId}`)).body, { error: 'not found' });
    assert.equal((await api.get('/api/v1/scan/jobs/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await api.get('/api/v1/scan/jobs/nope')).status, 404);
  });

  it('answers 401 without an API key', async () => {
    assert.equal((await request('GET', `/api/v1/scan/jobs/${jobId}`)).status, 401);
  });
});

describe('GET and POST /api/v1/scan/results', () => {
  let api: Client;
  let first: string;
  let second: string;

  before(async function () {
    this.timeout(120_000);
    ({ api } = await newUser());
    first = await newSandboxAccount(api);
    second = await newSandboxAccount(api, 'whatsapp');
    await api.post('/api/v1/scan', { account_id: first });
  });

  it("lists every stored chat of the caller's accounts by default", async () => {
    const reply = await api.get('/api/v1/scan/results');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.success, true);
    const chats = allChats(reply.body);
    assert.equal(reply.body.total, chats.length);
    assert.deepEqual(new Set(chats.map((c) => c.account_id)), new Set([first, second]));
  });

  it('filters by type: groups, channels or contacts, and all', async () => {
    const all = (await api.get(`/api/v1/scan/results?account_id=${first}`)).body;
    for (const type of ['groups', 'channels', 'contacts'] as const) {
      const reply = await api.get(`/api/v1/scan/results?type=${type}&account_id=${first}`);
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body).sort(), ['account_id', 'success', 'total', type].sort());
      assert.equal(reply.body.total, all[type].length);
      assert.deepEqual(reply.body[type], all[type]);
    }
    const explicit = (await api.get(`/api/v1/scan/results?type=all&account_id=${first}`)).body;
    assert.deepEqual(explicit, all);
  });

  it('filters by account_id', async () => {
    const reply = await api.get(`/api/v1/scan/results?account_id=${second}`);
    assert.equal(reply.body.account_id, second);
    assert.ok(nonEmpty(allChats(reply.body)).every((c) => c.account_id === second));
    assert.ok(nonEmpty(reply.body.groups).every((g: any) => g.key.endsWith('@g.us')));
  });

  it('takes the same filters as a JSON body on POST', async () => {
    const viaPost = await api.post('/api/v1/scan/results', { account_id: first, type: 'groups' });
    const viaGet = await api.get(`/api/v1/scan/results?account_id=${first}&type=groups`);
    assert.equal(viaPost.status, 200);
    assert.deepEqual(viaPost.body, viaGet.body);
    assert.equal((await api.post('/api/v1/scan/results', {})).body.total, (await api.get('/api/v1/scan/results')).body.total);
  });

  it('answers 400 for an unknown type', async () => {
    const reply = await api.get('/api/v1/scan/results?type=bots');
    assert.equal(reply.status, 400);
    assert.match(reply.body.error, /type/);
    assert.equal((await api.post('/api/v1/scan/results', { type: 'group' })).status, 400);
  });

  it("answers 404 for another user's account", async () => {
    const other = await newUser();
    assert.deepEqual((await other.api.get(`/api/v1/scan/results?account_id=${first}`)).body, { error: 'account not found' });
    assert.equal((await other.api.post('/api/v1/scan/results', { account_id: first })).status, 404);
    const own = (await other.api.get('/api/v1/scan/results')).body;
    assert.ok(!JSON.stringify(own).includes(first));
  });

  it('answers 401 without an API key', async () => {
    assert.equal((await request('GET', '/api/v1/scan/results')).status, 401);
    assert.equal((await request('POST', '/api/v1/scan/results', { body: {} })).status, 401);
  });
});
