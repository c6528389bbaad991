import assert from 'node:assert/strict';
import { newSandboxAccount, newUser, request, type Client } from '../support/http';
import { getStack } from '../support/stack';

describe('system endpoints', () => {
  let api: Client;
  let userId: string;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api, id: userId } = await newUser('system-user'));
  });

  it('GET /api/v1/system-info shows version, platforms, limits, the caller and the endpoints', async () => {
    const reply = await api.get('/api/v1/system-info');
    assert.equal(reply.status, 200);
    const info = reply.body;
    assert.equal(info.success, true);
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(info.platforms, ['telegram', 'whatsapp']);
    assert.equal(info.limits.max_targets_per_broadcast, 50);
    assert.equal(info.limits.max_message_length, 4096);
    assert.deepEqual(info.limits.schedule_types, ['now', 'interval', 'daily']);
    assert.equal(info.user.id, userId);
    assert.equal(info.user.role, 'user');
    const paths = info.endpoints.map((e: any) => `${e.method} ${e.path}`);
    for (const p of ['GET /api/v1/accounts', 'POST /api/v1/broadcast', 'GET /api/v1/broadcast/:id', 'GET /api/v1/groups']) {
      assert.ok(paths.includes(p), p);
    }
  });

  it('GET /api/status counts the caller’s accounts and automations', async () => {
    await newSandboxAccount(api);
    await newSandboxAccount(api, 'whatsapp');
    const reply = await api.get('/api/status');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.accounts, { total: 2, connected: 2, by_platform: { telegram: 1, whatsapp: 1 } });
    assert.equal(typeof reply.body.automations.running_broadcasts, 'number');
  });

  it('serves the OpenAPI document and the docs page without a key', async () => {
    const doc = await request('GET', '/api/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.info.title, 'AutoHub API');
    const broadcast = doc.body.paths['/api/v1/broadcast'].post;
    assert.ok(broadcast.requestBody.content['application/json'].schema.properties.target_keys);
    const page = await request('GET', '/docs');
    assert.equal(page.status, 200);
    assert.match(page.body, /swagger-ui-bundle\.js/);
    assert.equal((await request('GET', '/docs/swagger-ui-bundle.js')).status, 200);
    assert.equal((await request('GET', '/docs/package.json')).status, 404);
  });
});
