import assert from 'node:assert/strict';
import { newUser, request, userWithAccount, type Client } from '../support/http';
import { getStack } from '../support/stack';

describe('Idempotency-Key', () => {
  let api: Client;
  let accountId: string;
  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
  });

  const post = (path: string, body: unknown, key: string) =>
    request('POST', path, { key: api.key, body, headers: { 'Idempotency-Key': key } });

  it('replays the first answer of a broadcast and creates it once', async () => {
    const body = { account_id: accountId, target_keys: ['@channel1'], message: 'once', schedule_type: 'interval', interval_minutes: 60 };
    const first = await post('/api/v1/broadcast', body, 'bc-1');
    const second = await post('/api/v1/broadcast', body, 'bc-1');
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.deepEqual(second.body, first.body);
    const listed = await api.get('/api/v1/broadcasts');
    assert.equal(listed.status, 200);
    assert.equal(listed.body.count, 1);
  });

  it('answers 409 for the same key with another body', async () => {
    const first = await post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'a' }, 'bc-2');
    assert.equal(first.status, 201);
    const reused = await post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'b' }, 'bc-2');
    assert.equal(reused.status, 409);
    assert.match(reused.body.error, /different request/);
  });

  it('frees the key of a request that failed', async () => {
    const bad = await post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'c', platform: 'whatsapp' }, 'bc-3');
    assert.equal(bad.status, 400);
    const good = await post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'c' }, 'bc-3');
    assert.equal(good.status, 201);
    assert.equal(good.body.message, 'Broadcast triggered for telegram.', 'the second request ran rather than replaying the 400');
  });

  it('keeps keys apart between users', async () => {
    const other = await newUser();
    const body = { name: 'same', content: 'same' };
    const mine = await post('/api/templates', body, 'shared-key');
    assert.equal(mine.status, 201);
    const theirs = await request('POST', '/api/templates', { key: other.key, body, headers: { 'Idempotency-Key': 'shared-key' } });
    assert.equal(theirs.status, 201);
    assert.ok(theirs.body.id);
    assert.notEqual(theirs.body.id, mine.body.id);
  });

  it('works for templates and legacy schedules', async () => {
    const t1 = await post('/api/templates', { name: 'idem', content: 'x' }, 'tpl-1');
    const t2 = await post('/api/templates', { name: 'idem', content: 'x' }, 'tpl-1');
    assert.equal(t1.status, 201);
    assert.equal(t2.status, 201);
    assert.ok(t1.body.id);
    assert.equal(t2.body.id, t1.body.id);
    const templates = await api.get('/api/templates');
    assert.equal(templates.status, 200);
    assert.equal(templates.body.templates.filter((x: any) => x.name === 'idem').length, 1);
    const s = { account_id: accountId, groups: ['@channel2'], message: 'legacy', schedule_type: 'interval', interval_minutes: 30 };
    const s1 = await post('/api/schedules', s, 'sch-1');
    const s2 = await post('/api/schedules', s, 'sch-1');
    assert.equal(s1.status, 201);
    assert.equal(s2.status, 201);
    assert.ok(s1.body.schedule_id);
    assert.equal(s2.body.schedule_id, s1.body.schedule_id);
    const schedules = await api.get('/api/schedules');
    assert.equal(schedules.status, 200);
    assert.equal(schedules.body.schedules.filter((x: any) => x.message === 'legacy').length, 1);
  });

  it('replays nothing after 24 hours', async () => {
    const { db } = await getStack();
    const first = await post('/api/templates', { name: 'old', content: 'x' }, 'expired');
    assert.equal(first.status, 201);
    await db('idempotency_keys').where({ key: 'expired' }).update({ created_at: db.raw("now() - interval '25 hours'") });
    const second = await post('/api/templates', { name: 'old', content: 'x' }, 'expired');
    assert.equal(second.status, 201);
    assert.ok(second.body.id);
    assert.notEqual(second.body.id, first.body.id);
  });
});
