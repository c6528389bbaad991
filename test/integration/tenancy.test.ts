import assert from 'node:assert/strict';
import { finishedBroadcast, newSandboxAccount, newUser, type Client } from '../support/http';
import { getStack } from '../support/stack';

describe('tenant isolation', () => {
  let a: Client;
  let b: Client;
  let accountId: string;
  let broadcastId: string;
  let templateId: string;

  before(async function () {
    this.timeout(120_000);
    await getStack();
    a = (await newUser('tenant-a')).api;
    b = (await newUser('tenant-b')).api;
    accountId = await newSandboxAccount(a);
    templateId = (await a.post('/api/templates', { name: 'secret template', content: 'only for A' })).body.id;
    broadcastId = (await a.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'A only' })).body.schedule_id;
    await finishedBroadcast(a, broadcastId);
  });

  it("answers 404 to B for A's account and its sandbox endpoints", async () => {
    for (const path of [`/api/v1/accounts/${accountId}`, `/api/v1/accounts/${accountId}/sandbox/outbox`]) {
      const reply = await b.get(path);
      assert.equal(reply.status, 404, path);
      assert.deepEqual(reply.body, { error: 'not found' });
    }
    for (const reply of [await b.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { disconnect: true }), await b.delete(`/api/v1/accounts/${accountId}`)]) {
      assert.equal(reply.status, 404);
      assert.deepEqual(reply.body, { error: 'not found' });
    }
    const own = await a.get(`/api/v1/accounts/${accountId}`);
    assert.equal(own.status, 200, 'B must not have deleted it');
    assert.equal(own.body.account.connected, true, 'B must not have disconnected it');
  });

  it("answers 404 to B for A's broadcast", async () => {
    const reply = await b.get(`/api/v1/broadcast/${broadcastId}`);
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { error: 'not found' });
  });

  it("answers 404 to B's PATCH, DELETE and run of A's broadcast and changes nothing", async () => {
    const before = await a.get(`/api/v1/broadcast/${broadcastId}`);
    assert.equal(before.status, 200);
    const attempts = [
      await b.patch(`/api/v1/broadcast/${broadcastId}`, { name: 'renamed by B', message: 'B was here', enabled: false }),
      await b.post(`/api/v1/broadcast/${broadcastId}/run`, {}),
      await b.delete(`/api/v1/broadcast/${broadcastId}`),
    ];
    for (const reply of attempts) {
      assert.equal(reply.status, 404);
      assert.deepEqual(reply.body, { error: 'not found' });
    }
    const after = await a.get(`/api/v1/broadcast/${broadcastId}`);
    assert.equal(after.status, 200, 'B must not have deleted it');
    assert.deepEqual(after.body, before.body, 'B must not have changed it or started a run');
  });

  it("lets A change A's own broadcast", async () => {
    const reply = await a.patch(`/api/v1/broadcast/${broadcastId}`, { name: 'renamed by A' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.broadcast.name, 'renamed by A');
    const shown = await a.get(`/api/v1/broadcast/${broadcastId}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.broadcast.name, 'renamed by A');
  });

  it("answers 404 to B's change and deletion of A's template and changes nothing", async () => {
    for (const reply of [await b.put(`/api/templates/${templateId}`, { content: 'B was here' }), await b.delete(`/api/templates/${templateId}`)]) {
      assert.equal(reply.status, 404);
      assert.deepEqual(reply.body, { error: 'not found' });
    }
    const own = await a.get('/api/v1/templates');
    assert.equal(own.status, 200);
    assert.deepEqual(
      own.body.templates.filter((t: { id: string }) => t.id === templateId).map((t: { content: string }) => t.content),
      ['only for A'],
    );
  });

  it("refuses B a broadcast from A's account or with A's template", async () => {
    const ownAccount = await newSandboxAccount(b);
    const viaAccount = await b.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'x' });
    assert.equal(viaAccount.status, 404);
    assert.deepEqual(viaAccount.body, { error: 'account not found' });
    const viaTemplate = await b.post('/api/v1/broadcast', { account_id: ownAccount, target_keys: ['@channel1'], template_id: templateId });
    assert.equal(viaTemplate.status, 404);
    assert.deepEqual(viaTemplate.body, { error: 'template not found' });
    // The same request with B's own template goes through: the refusal above is about whose template it is.
    const ownTemplate = (await b.post('/api/templates', { name: 'B template', content: 'for B' })).body.id;
    const viaOwn = await b.post('/api/v1/broadcast', { account_id: ownAccount, target_keys: ['@channel1'], template_id: ownTemplate });
    assert.equal(viaOwn.status, 201);
  });

  it("never lists A's data to B", async () => {
    const paths = ['/api/v1/accounts', '/api/accounts', '/api/v1/groups', `/api/v1/groups?account_id=${accountId}`, '/api/v1/templates', '/api/templates', '/api/v1/broadcasts'];
    // The same lists show A its own data: what B must not see is there to be seen.
    const ownBodies = await Promise.all(paths.map((path) => a.get(path)));
    for (const [i, reply] of ownBodies.entries()) {
      assert.equal(reply.status, 200, paths[i]);
      const body = JSON.stringify(reply.body);
      assert.ok(body.includes(accountId) || body.includes(templateId), `${paths[i]} shows A nothing of A's`);
    }
    const replies = await Promise.all([...paths, '/api/status'].map((path) => b.get(path)));
    for (const reply of replies) {
      assert.equal(reply.status, 200);
      const body = JSON.stringify(reply.body);
      assert.ok(!body.includes(accountId), body.slice(0, 200));
      assert.ok(!body.includes(templateId));
      assert.ok(!body.includes(broadcastId));
      assert.ok(!body.includes('secret template'));
    }
  });
});
