import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { postFile, request, userWithAccount, type Client } from '../support/http';
import { PNG } from '../support/images';
import { answerToUnfinishedBody, rawRequest } from '../support/raw-http';
import { getStack } from '../support/stack';

/** Asserts an `{"error": ...}` answer of `status` whose message contains each of `mentions`. */
function assertError(reply: { status: number; body: unknown }, status: number, ...mentions: string[]): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  const body = reply.body as { error?: unknown };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(typeof body.error, 'string');
  for (const mention of mentions) assert.ok((body.error as string).includes(mention), `"${String(body.error)}" should mention ${mention}`);
}

const json = (text: string) => (text ? (JSON.parse(text) as unknown) : undefined);

describe('input safety at the edge', () => {
  let baseUrl: string;
  let key: string;
  let api: Client;
  let accountId: string;

  before(async function () {
    this.timeout(120_000);
    ({ baseUrl } = await getStack());
    ({ key, api, accountId } = await userWithAccount());
  });

  describe('text no column can hold', () => {
    it('refuses a NUL character in a body field with 400 naming the field', async () => {
      assertError(await api.post('/api/templates', { name: 'nul', content: 'a\u0000b' }), 400, 'content', 'NUL');
    });

    it('refuses a lone surrogate in a nested body field with 400 naming its path', async () => {
      const reply = await api.post('/api/v1/scan/messages', { account_id: accountId, query: 'x\ud800' });
      assertError(reply, 400, 'query', 'surrogate');
      const nested = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, {
        type: 'message',
        chat_key: 'x',
        from: { id: 'u1', name: '\udc00' },
        text: 'hi',
      });
      assertError(nested, 400, 'from.name', 'surrogate');
    });

    it('refuses a NUL character in a field name', async () => {
      assertError(await api.post('/api/templates', { name: 'n', content: 'c', 'bad\u0000key': 1 }), 400, 'field names', 'NUL');
    });

    it('refuses a NUL character in a query parameter (the sandbox outbox’s chat_key)', async () => {
      assertError(await api.get(`/api/v1/accounts/${accountId}/sandbox/outbox?chat_key=%00`), 400, 'query parameter chat_key', 'NUL');
    });

    it('refuses a NUL character in a path parameter', async () => {
      assertError(await api.get('/api/v1/broadcast/%00'), 400, 'path parameter id', 'NUL');
    });

    it('refuses nesting deeper than any body needs', async () => {
      const deep = JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) as unknown;
      assertError(await api.post('/api/templates', { name: 'deep', content: 'c', extra: deep }), 400, 'nested deeper');
    });
  });

  describe('numbers out of range and blank texts', () => {
    const broadcast = (fields: Record<string, unknown>) => ({
      account_id: accountId,
      target_keys: ['@somebody'],
      message: 'hello',
      schedule_type: 'interval',
      ...fields,
    });

    it('refuses interval_minutes above one year (525600) and 1e308', async () => {
      assertError(await api.post('/api/v1/broadcast', broadcast({ interval_minutes: 525_601 })), 400, 'interval_minutes', '525600');
      assertError(await api.post('/api/v1/broadcast', broadcast({ interval_minutes: 1e308 })), 400, 'interval_minutes');
    });

    it('refuses a Unix timestamp past year 9999', async () => {
      assertError(await api.post('/api/v1/scan', { account_id: accountId, since_ts: 1e15 }), 400, 'since_ts');
    });

    it('refuses whitespace-only template content, keeping other content as written', async () => {
      assertError(await api.post('/api/templates', { name: 'blank', content: '  \n\t ' }), 400, 'content', 'blank');
      const kept = await api.post('/api/templates', { name: 'kept', content: '  Hello  ' });
      assert.equal(kept.status, 201, JSON.stringify(kept.body));
      assert.equal(kept.body.template.content, '  Hello  ');
    });

    it('refuses a whitespace-only broadcast name and inbound text', async () => {
      assertError(await api.post('/api/v1/broadcast', broadcast({ interval_minutes: 60, name: '   ' })), 400, 'name', 'blank');
      const inbound = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type: 'message', chat_key: 'x', from: { id: 'u1' }, text: '   ' });
      assertError(inbound, 400, 'text', 'blank');
    });
  });

  describe('content types and encodings', () => {
    const post = (headers: Record<string, string>, body: Buffer, withKey = true) =>
      rawRequest(baseUrl, 'POST', '/api/templates', withKey ? { ...headers, 'x-api-key': key } : headers, body);
    const template = Buffer.from(JSON.stringify({ name: 'encoded', content: 'hello' }));

    it('reads a gzip body declared as such', async () => {
      const reply = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(template));
      assert.equal(reply.status, 201, reply.text);
    });

    it('answers 400 for a body its Content-Encoding cannot decode', async () => {
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const reply = await post({ 'content-type': 'application/json', 'content-encoding': encoding }, template);
        assertError({ status: reply.status, body: json(reply.text) }, 400, encoding);
      }
    });

    it('answers 415 for an unknown Content-Encoding', async () => {
      const reply = await post({ 'content-type': 'application/json', 'content-encoding': 'compress' }, template);
      assertError({ status: reply.status, body: json(reply.text) }, 415, 'compress');
    });

    it('answers 401, not 400, for an undecodable body without a key', async () => {
      const reply = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, template, false);
      assertError({ status: reply.status, body: json(reply.text) }, 401);
    });

    it('answers 415 for a form-urlencoded or text body on a JSON route', async () => {
      for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
        const reply = await post({ 'content-type': type }, Buffer.from('name=a&content=b'));
        assertError({ status: reply.status, body: json(reply.text) }, 415, 'application/json');
      }
    });

    it('answers 415 for a JSON body in another charset', async () => {
      const reply = await post({ 'content-type': 'application/json; charset=latin1' }, template);
      assertError({ status: reply.status, body: json(reply.text) }, 415, 'UTF-8');
    });
  });

  describe('bodies no route reads', () => {
    it('answers a large answer in full to a GET that carries a body', async () => {
      // A socket closed with unread request bytes is reset, which cut large answers off mid-way.
      const document = '/api/openapi.json';
      const full = await rawRequest(baseUrl, 'GET', document, {});
      assert.equal(full.status, 200);
      assert.ok(full.text.length > 200_000, `the document (${full.text.length} bytes) is larger than a socket's buffers`);
      const reply = await rawRequest(baseUrl, 'GET', document, { 'content-type': 'application/json' }, Buffer.alloc(200_000, 'x'));
      assert.equal(reply.status, 200);
      assert.equal(reply.text.length, full.text.length);
    });
  });

  describe('methods', () => {
    it('answers TRACE with 405 and an error body', async () => {
      const reply = await rawRequest(baseUrl, 'TRACE', '/api/v1/accounts', { 'x-api-key': key });
      assertError({ status: reply.status, body: json(reply.text) }, 405, 'TRACE');
    });

    it('answers an unknown method on an unknown path with 405', async () => {
      const reply = await rawRequest(baseUrl, 'PROPFIND', '/api/v1/nowhere', {});
      assertError({ status: reply.status, body: json(reply.text) }, 405);
    });
  });

  describe('authentication before the body', () => {
    it('answers 401 to a request without a key while its endless body is still arriving', async function () {
      this.timeout(30_000);
      // Were the body read first, no answer could come: the body never ends.
      const reply = await answerToUnfinishedBody(baseUrl, 'POST', '/api/templates', { 'content-type': 'application/json' }, Buffer.from('{"name": "'));
      assertError({ status: reply.status, body: json(reply.text) }, 401);
    });

    it('answers 403 to a non-admin on an admin route while its endless body is still arriving', async function () {
      this.timeout(30_000);
      const reply = await answerToUnfinishedBody(baseUrl, 'POST', '/api/admin/users', { 'content-type': 'application/json', 'x-api-key': key }, Buffer.from('{"name": "'));
      assertError({ status: reply.status, body: json(reply.text) }, 403);
    });

    it('answers 413 to a declared body over 1 MiB before reading it', async function () {
      this.timeout(30_000);
      const headers = { 'content-type': 'application/json', 'x-api-key': key, 'content-length': String(2 * 1024 * 1024) };
      const reply = await answerToUnfinishedBody(baseUrl, 'POST', '/api/templates', headers, Buffer.from('{"name": "'));
      assertError({ status: reply.status, body: json(reply.text) }, 413, '1 MiB');
    });
  });

  describe('X-Request-Id', () => {
    it('keeps a short printable id from the client', async () => {
      const reply = await rawRequest(baseUrl, 'GET', '/api/v1/accounts', { 'x-api-key': key, 'x-request-id': 'trace-123 abc' });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['x-request-id'], 'trace-123 abc');
    });

    it('replaces a long or non-ASCII id with a fresh one', async () => {
      for (const offered of ['x'.repeat(129), 'caf\u00e9']) {
        const reply = await rawRequest(baseUrl, 'GET', '/api/v1/accounts', { 'x-api-key': key, 'x-request-id': offered });
        assert.equal(reply.status, 200);
        const given = reply.headers['x-request-id'];
        assert.ok(typeof given === 'string' && given !== offered && given.length <= 128, String(given));
        assert.match(given, /^[0-9a-f-]{36}$/);
      }
    });
  });

  describe('multipart uploads', () => {
    /** A multipart body with each of `files` as [field, bytes]. */
    const upload = async (files: Array<[string, Buffer]>) => {
      const form = new FormData();
      for (const [field, data] of files) form.append(field, new Blob([data], { type: 'image/png' }), 'f.png');
      const response = await fetch(`${baseUrl}/api/v1/images`, { method: 'POST', headers: { 'X-API-Key': key }, body: form });
      return { status: response.status, body: json(await response.text()) };
    };

    it('answers two files in one field with 400 asking for one file per field', async () => {
      assertError(await upload([['image', PNG], ['image', PNG]]), 400, 'one file per field', '"image"');
    });

    it('answers a file under another field with 400 naming the accepted field', async () => {
      assertError(await upload([['picture', PNG]]), 400, '"picture"', '"image"');
    });

    it('answers a file over 10 MiB with 413 naming the field and the limit', async function () {
      this.timeout(60_000);
      assertError(await upload([['image', Buffer.alloc(10 * 1024 * 1024 + 1, 1)]]), 413, '"image"', '10 MiB');
    });

    it('still takes one file in the field', async () => {
      const reply = await postFile(key, '/api/v1/images', 'image', PNG);
      assert.ok(reply.status === 201, JSON.stringify(reply.body));
    });
  });

  it('answers requests Node refuses (headers too large) with an error body', async () => {
    const reply = await request('GET', `/api/v1/accounts?junk=${'x'.repeat(20_000)}`, { key });
    assertError(reply, 431);
  });
});
