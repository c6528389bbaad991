import assert from 'node:assert/strict';
import { newSandboxAccount, newUser, request, userWithAccount, type Client } from '../support/http';
import { getStack } from '../support/stack';

describe('POST /api/v1/broadcast validation', () => {
  let api: Client;
  let accountId: string;
  let waAccountId: string;
  const valid = () => ({ account_id: accountId, target_keys: ['@channel1'], message: 'hi' });

  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
    waAccountId = await newSandboxAccount(api, 'whatsapp');
  });

  async function rejected(body: unknown, status: number, pattern: RegExp) {
    const reply = await api.post('/api/v1/broadcast', body);
    assert.equal(reply.status, status, JSON.stringify(reply.body));
    assert.deepEqual(Object.keys(reply.body), ['error']);
    assert.match(reply.body.error, pattern);
  }

  it('accepts the minimal valid body', async () => {
    const reply = await api.post('/api/v1/broadcast', valid());
    assert.equal(reply.status, 201);
  });

  it('requires account_id', () => rejected({ target_keys: ['@channel1'], message: 'hi' }, 400, /account_id is required/));
  it('requires target_keys', () => rejected({ account_id: accountId, message: 'hi' }, 400, /target_keys is required/));
  it('rejects an empty target_keys', () => rejected({ ...valid(), target_keys: [] }, 400, /target_keys: give at least 1 target/));
  it('rejects more than 50 target_keys', () =>
    rejected({ ...valid(), target_keys: Array.from({ length: 51 }, (_, i) => `@target_${i}x`) }, 400, /target_keys: at most 50/));
  it('accepts exactly 50 target_keys', async () => {
    const reply = await api.post('/api/v1/broadcast', { ...valid(), target_keys: Array.from({ length: 50 }, (_, i) => `@target_${i}x`) });
    assert.equal(reply.status, 201);
  });
  it('rejects target_keys that are not strings', () => rejected({ ...valid(), target_keys: [42] }, 400, /target_keys\.0/));
  it('rejects an empty target key', () => rejected({ ...valid(), target_keys: ['  '] }, 400, /must not be empty/));
  it('rejects repeated target keys', () =>
    rejected({ ...valid(), target_keys: ['@channel1', '@channel1'] }, 400, /target_keys: "@channel1" and "@channel1" name the same chat/));
  it('rejects target keys of the wrong form for the platform', async () => {
    await rejected({ ...valid(), target_keys: ['120363000000000000@g.us'] }, 400, /not telegram targets: 120363000000000000@g\.us/);
    await rejected({ account_id: waAccountId, target_keys: ['@channel1'], message: 'hi' }, 400, /not whatsapp targets: @channel1/);
  });
  it('rejects neither message nor template_id', () =>
    rejected({ account_id: accountId, target_keys: ['@channel1'] }, 400, /exactly one of message or template_id/));
  it('rejects both message and template_id', async () => {
    const template = await api.post('/api/templates', { name: 't', content: 'c' });
    await rejected({ ...valid(), template_id: template.body.id }, 400, /exactly one of message or template_id/);
  });
  it('rejects a message over 4096 characters', () => rejected({ ...valid(), message: 'x'.repeat(4097) }, 400, /message: at most 4096/));
  it('accepts a message of exactly 4096 characters', async () => {
    assert.equal((await api.post('/api/v1/broadcast', { ...valid(), message: 'x'.repeat(4096) })).status, 201);
  });
  it('rejects a blank message', () => rejected({ ...valid(), message: '   ' }, 400, /message: must not be blank/));
  it('rejects a message that is not a string', () => rejected({ ...valid(), message: 7 }, 400, /message/));
  it('answers 404 for an unknown template_id', () =>
    rejected({ account_id: accountId, target_keys: ['@channel1'], template_id: '00000000-0000-4000-8000-000000000000' }, 404, /template not found/));
  it("answers 404 for another user's template", async () => {
    const other = await newUser();
    const template = await other.api.post('/api/templates', { name: 'theirs', content: 'not yours' });
    await rejected({ account_id: accountId, target_keys: ['@channel1'], template_id: template.body.id }, 404, /template not found/);
  });
  it('answers 404 for an unknown account_id', () => rejected({ ...valid(), account_id: 'abc123' }, 404, /account not found/));
  it("answers 404 for another user's account", async () => {
    const other = await newUser();
    const theirs = await newSandboxAccount(other.api);
    await rejected({ ...valid(), account_id: theirs }, 404, /account not found/);
  });
  it('rejects an unknown schedule_type', () => rejected({ ...valid(), schedule_type: 'weekly' }, 400, /schedule_type/));
  it('rejects an unknown platform', () => rejected({ ...valid(), platform: 'signal' }, 400, /platform/));
  it("rejects a platform other than the account's", () =>
    rejected({ ...valid(), platform: 'whatsapp' }, 400, /platform whatsapp does not match the account's platform telegram/));
  it("accepts platform auto and the account's own platform", async () => {
    for (const platform of ['auto', 'telegram']) {
      const reply = await api.post('/api/v1/broadcast', { ...valid(), platform });
      assert.equal(reply.status, 201);
      assert.equal(reply.body.platform, 'telegram');
    }
  });
  it('rejects a name over 200 characters', () => rejected({ ...valid(), name: 'n'.repeat(201) }, 400, /name/));
  it('refuses an account that is not connected', async () => {
    const { db } = await getStack();
    const parked = await newSandboxAccount(api);
    await db('accounts').where({ id: parked }).update({ status: 'disconnected' });
    await rejected({ ...valid(), account_id: parked }, 409, /disconnected/);
  });
  it('answers 401 without a key', async () => {
    const reply = await request('POST', '/api/v1/broadcast', { body: valid() });
    assert.equal(reply.status, 401);
  });
});
