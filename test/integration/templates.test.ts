import assert from 'node:assert/strict';
import { newUser, request, type Client } from '../support/http';
import { getStack } from '../support/stack';

describe('templates', () => {
  let api: Client;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
  });

  it('creates a template and lists it on both paths in the reference’s shape', async () => {
    const created = await api.post('/api/templates', { name: 'My Template', content: 'Hello {{name}}!' });
    assert.equal(created.status, 201);
    assert.equal(created.body.success, true);
    assert.equal(created.body.template.name, 'My Template');
    for (const path of ['/api/templates', '/api/v1/templates']) {
      const listed = await api.get(path);
      assert.equal(listed.status, 200);
      assert.equal(listed.body.count, 1);
      const [t] = listed.body.templates;
      assert.equal(t.id, created.body.id);
      assert.equal(t.name, 'My Template');
      assert.equal(t.content, 'Hello {{name}}!');
    }
  });

  it('rejects templates without a name or content, or over 4096 characters', async () => {
    assert.match((await api.post('/api/templates', { content: 'x' })).body.error, /name is required/);
    assert.match((await api.post('/api/templates', { name: 'x' })).body.error, /content is required/);
    const long = await api.post('/api/templates', { name: 'x', content: 'y'.repeat(4097) });
    assert.equal(long.status, 400);
    assert.match(long.body.error, /content/);
  });

  it('answers 401 without a key', async () => {
    assert.equal((await request('GET', '/api/templates')).status, 401);
  });
});
