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
    assert.equal((await b.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { disconnect: true })).status, 404);
    assert.equal((await b.delete(`/api/v1/accounts/${accountId}`)).status, 404);
    assert.equal((await a.get(`/api/v1/accounts/${accountId}`)).status, 200, 'B must not have deleted it');
  });

  it("answers 404 to B for A's broadcast", async () => {
    const reply = await b.get(`/api/v1/broadcast/${broadcastId}`);
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { error: 'not found' });
  });

  it("refuses B a broadcast from A's account or with A's template", async () => {
    const ownAccount = await newSandboxAccount(b);
    const viaAccount = await b.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'x' });
    assert.equal(viaAccount.status, 404);
    const viaTemplate = await b.post('/api/v1/broadcast', { account_id: ownAccount, target_keys: ['@channel1'], template_id: templateId });
    assert.equal(viaTemplate.status, 404);
  });

  it("never lists A's data to B", async () => {
    const bodies = await Promise.all(
      ['/api/v1/accounts', '/api/accounts', '/api/v1/groups', `/api/v1/groups?account_id=${accountId}`, '/api/v1/templates', '/api/templates', '/api/status'].map(
        async (path) => JSON.stringify((await b.get(path)).body),
      ),
    );
    for (const body of bodies) {
      assert.ok(!body.includes(accountId), body.slice(0, 200));
      assert.ok(!body.includes(templateId));
      assert.ok(!body.includes('secret template'));
    }
  });
});
