import assert from 'node:assert/strict';
import { revokeApiKey } from '../../src/db/repos/users.repo';
import { client, eventually, newUser, request } from '../support/http';
import { getStack } from '../support/stack';

describe('authentication and API keys', () => {
  let adminKey: string;
  before(async function () {
    this.timeout(120_000);
    adminKey = (await getStack()).adminKey;
  });

  it('accepts the key in X-API-Key', async () => {
    const reply = await request('GET', '/api/v1/accounts', { headers: { 'X-API-Key': adminKey } });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.success, true);
  });

  it('accepts the key as Authorization: Bearer', async () => {
    const reply = await request('GET', '/api/v1/accounts', { headers: { Authorization: `Bearer ${adminKey}` } });
    assert.equal(reply.status, 200);
  });

  it('accepts the key as ?api_key=', async () => {
    const reply = await request('GET', `/api/v1/accounts?api_key=${encodeURIComponent(adminKey)}`);
    assert.equal(reply.status, 200);
  });

  it('answers 401 unauthorized when no key is given', async () => {
    const reply = await request('GET', '/api/v1/accounts');
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.body, { error: 'unauthorized' });
  });

  it('answers 401 Invalid or missing API key for an unknown key', async () => {
    const reply = await request('GET', '/api/v1/accounts', { key: 'ahk_not_a_real_key' });
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.body, { error: 'Invalid or missing API key' });
  });

  it('rejects a revoked key on the very next request', async () => {
    const user = await newUser();
    assert.equal((await user.api.get('/api/v1/accounts')).status, 200);
    const listed = await client(adminKey).get('/api/admin/users');
    const keyId = listed.body.users.find((u: any) => u.id === user.id).keys[0].id;
    const revoked = await client(adminKey).delete(`/api/admin/keys/${keyId}`);
    assert.equal(revoked.status, 200);
    const after = await user.api.get('/api/v1/accounts');
    assert.equal(after.status, 401);
    assert.deepEqual(after.body, { error: 'Invalid or missing API key' });
  });

  it('issues further keys that work alongside the first', async () => {
    const user = await newUser();
    const issued = await client(adminKey).post(`/api/admin/users/${user.id}/keys`);
    assert.equal(issued.status, 201);
    assert.match(issued.body.key_id, /^[0-9a-f-]{36}$/);
    assert.equal((await client(issued.body.api_key).get('/api/v1/accounts')).status, 200);
    assert.equal((await user.api.get('/api/v1/accounts')).status, 200);
  });

  it('lists users with key prefixes but never key hashes or tokens', async () => {
    const user = await newUser('listed-user');
    const reply = await client(adminKey).get('/api/admin/users');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.count, reply.body.users.length);
    const listed = reply.body.users.find((u: any) => u.id === user.id);
    assert.equal(listed.name, 'listed-user');
    assert.equal(listed.role, 'user');
    assert.ok(user.key.startsWith(listed.keys[0].prefix));
    assert.ok(!JSON.stringify(reply.body).includes(user.key));
    assert.ok(!JSON.stringify(reply.body).includes('hash'));
  });

  it('answers 403 forbidden to a non-admin on admin endpoints', async () => {
    const user = await newUser();
    for (const [method, path] of [
      ['GET', '/api/admin/users'],
      ['POST', '/api/admin/users'],
      ['POST', `/api/admin/users/${user.id}/keys`],
      ['DELETE', '/api/admin/keys/00000000-0000-0000-0000-000000000000'],
    ] as const) {
      const reply = await request(method, path, { key: user.key, body: method === 'POST' ? { name: 'x' } : undefined });
      assert.equal(reply.status, 403, `${method} ${path}`);
      assert.deepEqual(reply.body, { error: 'forbidden' });
    }
  });

  it('validates new users and answers 404 for unknown users and keys', async () => {
    const admin = client(adminKey);
    const noName = await admin.post('/api/admin/users', { role: 'user' });
    assert.equal(noName.status, 400);
    assert.match(noName.body.error, /name/);
    const badRole = await admin.post('/api/admin/users', { name: 'x', role: 'root' });
    assert.equal(badRole.status, 400);
    assert.match(badRole.body.error, /role/);
    assert.equal((await admin.post('/api/admin/users/00000000-0000-0000-0000-000000000000/keys')).status, 404);
    assert.equal((await admin.delete('/api/admin/keys/not-a-key-id')).status, 404);
  });

  it('creates admins who may use admin endpoints', async () => {
    const created = await client(adminKey).post('/api/admin/users', { name: 'second admin', role: 'admin' });
    assert.equal(created.status, 201);
    assert.equal(created.body.user.role, 'admin');
    assert.equal((await client(created.body.api_key).get('/api/admin/users')).status, 200);
  });
});

describe('revocation from another process', () => {
  it('rejects a key revoked outside this API process (autohub keys revoke) within moments', async function () {
    this.timeout(30_000);
    const { db } = await getStack();
    const user = await newUser();
    assert.equal((await user.api.get('/api/v1/accounts')).status, 200);
    const key = await db('api_keys').where({ user_id: user.id }).first();
    assert.equal(await revokeApiKey(db, key.id), true);
    await eventually(async () => ((await user.api.get('/api/v1/accounts')).status === 401 ? true : undefined), 5_000, 'the revoked key to fail');
  });
});
