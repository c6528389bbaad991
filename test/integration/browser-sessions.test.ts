import assert from 'node:assert/strict';
import { getStack } from '../support/stack';
import { client, newUser } from '../support/http';

/** A sign-in's answer, with the cookie it set (name=value only) and that header's attributes. */
async function signIn(apiKey: string): Promise<{ status: number; body: any; cookie: string; attributes: string[] }> {
  const { baseUrl } = await getStack();
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ api_key: apiKey }),
  });
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('autohub_session=')) ?? '';
  const [cookie = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
  return { status: response.status, body: await response.json(), cookie, attributes: attributes.map((a) => a.toLowerCase()) };
}

/** A request with the session cookie only (no key), and the CSRF token when given. */
async function withCookie(method: string, path: string, cookie: string, options: { csrf?: string; body?: unknown } = {}) {
  const { baseUrl } = await getStack();
  const headers: Record<string, string> = { Cookie: cookie };
  if (options.csrf !== undefined) headers['X-CSRF-Token'] = options.csrf;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(baseUrl + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, setCookie: response.headers.getSetCookie() };
}

describe('browser sessions (the dashboard signs in with a key, then uses a cookie)', () => {
  before(async function () {
    this.timeout(120_000);
    await getStack();
  });

  it('exchanges a key for an HttpOnly, SameSite=Strict cookie that authenticates every route, legacy ones too', async () => {
    const user = await newUser();
    const session = await signIn(user.key);
    assert.equal(session.status, 201, JSON.stringify(session.body));
    assert.equal(session.body.user.id, user.id);
    assert.match(session.body.csrf_token, /^[\w-]{20,}$/);
    assert.ok(Date.parse(session.body.expires_at) > Date.now());
    assert.match(session.cookie, /^autohub_session=[\w-]{40,}$/);
    assert.ok(session.attributes.includes('httponly'), session.attributes.join('; '));
    assert.ok(session.attributes.includes('samesite=strict'), session.attributes.join('; '));
    assert.ok(session.attributes.includes('path=/'), session.attributes.join('; '));
    assert.ok(!session.cookie.includes(user.key), 'the cookie is not the key');

    const accounts = await withCookie('GET', '/api/v1/accounts', session.cookie);
    assert.equal(accounts.status, 200, JSON.stringify(accounts.body));
    const legacy = await withCookie('GET', '/api/accounts', session.cookie);
    assert.equal(legacy.status, 200, JSON.stringify(legacy.body));
    const current = await withCookie('GET', '/api/session', session.cookie);
    assert.equal(current.status, 200);
    assert.deepEqual(current.body.session, { csrf_token: session.body.csrf_token, expires_at: session.body.expires_at });
  });

  it('refuses a wrong or revoked key, and a body without one, setting no cookie', async () => {
    const wrong = await signIn('ahk_not_a_real_key');
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { error: 'Invalid or missing API key' });
    assert.equal(wrong.cookie, '');
    const { baseUrl } = await getStack();
    const empty = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(empty.status, 400);
    assert.match(((await empty.json()) as { error: string }).error, /api_key/);
    assert.deepEqual(empty.headers.getSetCookie(), []);
  });

  it('refuses a POST, PUT, PATCH or DELETE made with the cookie unless it repeats the CSRF token', async () => {
    const user = await newUser();
    const session = await signIn(user.key);
    const template = { name: 'csrf', content: 'Hello' };
    const without = await withCookie('POST', '/api/templates', session.cookie, { body: template });
    assert.equal(without.status, 403);
    assert.match(without.body.error, /X-CSRF-Token/);
    const wrong = await withCookie('POST', '/api/templates', session.cookie, { body: template, csrf: 'x'.repeat(32) });
    assert.equal(wrong.status, 403);
    const another = await signIn(user.key);
    const othersToken = await withCookie('POST', '/api/templates', session.cookie, { body: template, csrf: another.body.csrf_token });
    assert.equal(othersToken.status, 403, "another session's token is not this one's");
    assert.equal((await user.api.get('/api/templates')).body.templates.length, 0, 'nothing refused was written');

    const created = await withCookie('POST', '/api/templates', session.cookie, { body: template, csrf: session.body.csrf_token });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.template?.id ?? created.body.id;
    const deleted = await withCookie('DELETE', `/api/templates/${id}`, session.cookie, { csrf: session.body.csrf_token });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
  });

  it('needs no CSRF token from a request that carries a key, whatever cookie comes with it', async () => {
    const user = await newUser();
    const session = await signIn(user.key);
    const { baseUrl } = await getStack();
    const response = await fetch(`${baseUrl}/api/templates`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': user.key, Cookie: session.cookie },
      body: JSON.stringify({ name: 'keyed', content: 'Hi' }),
    });
    assert.equal(response.status, 201);
    const current = await user.api.get('/api/session');
    assert.equal(current.status, 200);
    assert.equal(current.body.session, null, 'a keyed request has no session');
  });

  it('signs out: the cookie is cleared and the session refused from then on', async () => {
    const user = await newUser();
    const session = await signIn(user.key);
    const refused = await withCookie('DELETE', '/api/session', session.cookie);
    assert.equal(refused.status, 403, 'signing out is CSRF-protected too');
    const out = await withCookie('DELETE', '/api/session', session.cookie, { csrf: session.body.csrf_token });
    assert.equal(out.status, 200, JSON.stringify(out.body));
    assert.deepEqual(out.body, { success: true, signed_out: true });
    const cleared = out.setCookie.find((c) => c.startsWith('autohub_session='));
    assert.ok(cleared, 'the cookie is overwritten');
    assert.match(cleared, /^autohub_session=;/);
    assert.match(cleared, /expires=Thu, 01 Jan 1970/i);
    const after = await withCookie('GET', '/api/v1/accounts', session.cookie);
    assert.equal(after.status, 401);
    assert.deepEqual(after.body, { error: 'Invalid or missing API key' });
  });

  it('ends with its key: revoking the key refuses its sessions at the next request', async () => {
    const user = await newUser();
    const session = await signIn(user.key);
    assert.equal((await withCookie('GET', '/api/v1/accounts', session.cookie)).status, 200);
    const { adminKey } = await getStack();
    const listed = await client(adminKey).get('/api/admin/users');
    const keyId = listed.body.users.find((u: any) => u.id === user.id).keys[0].id;
    assert.equal((await client(adminKey).delete(`/api/admin/keys/${keyId}`)).status, 200);
    const after = await withCookie('GET', '/api/v1/accounts', session.cookie);
    assert.equal(after.status, 401);
  });

  it("keeps a user's session to what the user may do: admin routes answer 403", async () => {
    const user = await newUser();
    const session = await signIn(user.key);
    const users = await withCookie('GET', '/api/admin/users', session.cookie);
    assert.equal(users.status, 403);
    assert.deepEqual(users.body, { error: 'forbidden' });
  });

  it('refuses a made-up or tampered cookie', async () => {
    const user = await newUser();
    const session = await signIn(user.key);
    const tampered = `${session.cookie.slice(0, -2)}xx`;
    for (const cookie of ['autohub_session=nonsense', tampered, 'autohub_session=']) {
      const reply = await withCookie('GET', '/api/v1/accounts', cookie);
      assert.equal(reply.status, 401, cookie);
    }
  });
});
