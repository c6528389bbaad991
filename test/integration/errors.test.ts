import assert from 'node:assert/strict';
import { request } from '../support/http';
import { getStack } from '../support/stack';

describe('error responses', () => {
  let key: string;
  before(async function () {
    this.timeout(120_000);
    key = (await getStack()).adminKey;
  });

  it('answers 400 with only an error field for malformed JSON', async () => {
    const reply = await request('POST', '/api/v1/broadcast', {
      key,
      raw: '{"account_id": ',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.body, { error: 'malformed JSON body' });
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const reply = await request('POST', '/api/templates', {
      key,
      raw: JSON.stringify({ name: 'big', content: 'x'.repeat(1024 * 1024 + 10) }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(reply.status, 413);
    assert.deepEqual(Object.keys(reply.body), ['error']);
  });

  it('answers 404 not found for unknown routes', async () => {
    const reply = await request('GET', '/api/v1/no-such-thing', { key });
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { error: 'not found' });
  });

  it('answers 405 with an error body for a known path and an unknown method', async () => {
    const reply = await request('PATCH', '/api/v1/accounts', { key });
    assert.equal(reply.status, 405);
    assert.deepEqual(reply.body, { error: 'method not allowed' });
  });

  it('answers 404 rather than leaking SQL for ids that are not ids', async () => {
    for (const path of ["/api/v1/accounts/1' or '1'='1", '/api/v1/broadcast/abc123']) {
      const reply = await request('GET', path, { key });
      assert.equal(reply.status, 404);
      assert.deepEqual(reply.body, { error: 'not found' });
    }
  });

  it('names the offending field of a body that is not an object', async () => {
    const reply = await request('POST', '/api/templates', { key, body: ['not', 'an', 'object'] });
    assert.equal(reply.status, 400);
    assert.deepEqual(Object.keys(reply.body), ['error']);
  });
});
