import assert from 'node:assert/strict';
import { createLogger } from '../../src/logger';
import { runStops, startRoles, type RunningRoles } from '../../src/runtime/roles';
import { newUser } from '../support/http';
import { getStack } from '../support/stack';

const logger = createLogger('error');

describe('security headers on pages', () => {
  let baseUrl: string;

  before(async function () {
    this.timeout(120_000);
    ({ baseUrl } = await getStack());
  });

  it('serves the docs page with a content security policy that allows scripts from AutoHub only, and no inline script', async () => {
    const reply = await fetch(`${baseUrl}/docs`);
    assert.equal(reply.status, 200);
    const csp = reply.headers.get('content-security-policy') ?? '';
    assert.match(csp, /(^|;)script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/);
    assert.equal(reply.headers.get('x-frame-options'), 'DENY');
    assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(reply.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(reply.headers.get('cross-origin-opener-policy'), 'same-origin');
    const page = await reply.text();
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length >= 2, 'the page loads Swagger UI and its start-up script');
    for (const [, attributes, inline] of scripts) {
      assert.match(attributes!, /src="\/docs\/[\w.-]+\.js"/);
      assert.equal(inline!.trim(), '', 'no inline script, which the policy would block');
      const src = /src="([^"]+)"/.exec(attributes!)![1]!;
      const script = await fetch(`${baseUrl}${src}`);
      assert.equal(script.status, 200, src);
      assert.match(script.headers.get('content-type') ?? '', /^application\/javascript/);
    }
  });

  it('sends none of the page headers with JSON answers', async () => {
    const reply = await fetch(`${baseUrl}/healthz`);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('content-security-policy'), null);
    assert.equal(reply.headers.get('x-frame-options'), null);
  });
});

describe('CORS', () => {
  const allowed = 'https://app.example.com';
  let stackUrl: string;
  let roles: RunningRoles | undefined;
  let key: string;

  before(async function () {
    this.timeout(120_000);
    const stack = await getStack();
    stackUrl = stack.baseUrl;
    ({ key } = await newUser());
    roles = await startRoles({
      config: { ...stack.config, port: 0, http: { ...stack.config.http, corsOrigins: [allowed, 'http://localhost:5173'] } },
      databaseUrl: stack.databaseUrl,
      temporalAddress: stack.temporalAddress,
      logger,
      api: true,
      worker: false,
    });
  });

  after(async function () {
    this.timeout(30_000);
    if (roles) await runStops(roles.stops, logger);
  });

  it('sends no CORS headers at all by default, whatever the Origin', async () => {
    const reply = await fetch(`${stackUrl}/api/templates`, { headers: { origin: allowed, 'x-api-key': key } });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${stackUrl}/api/templates`, { method: 'OPTIONS', headers: { origin: allowed, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  it('answers a preflight from an allowed origin with the methods and headers the API takes', async () => {
    const reply = await fetch(`${roles!.apiUrl}/api/templates`, {
      method: 'OPTIONS',
      headers: { origin: allowed, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, content-type' },
    });
    assert.equal(reply.status, 204);
    assert.equal(reply.headers.get('access-control-allow-origin'), allowed);
    assert.match(reply.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
    assert.match(reply.headers.get('access-control-allow-headers') ?? '', /X-API-Key/);
    assert.equal(reply.headers.get('access-control-max-age'), '600');
    assert.equal(reply.headers.get('access-control-allow-credentials'), null);
  });

  it("lets an allowed origin's scripts read answers, errors and the rate-limit headers; other origins get nothing", async () => {
    const reply = await fetch(`${roles!.apiUrl}/api/templates`, { headers: { origin: allowed, 'x-api-key': key } });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('access-control-allow-origin'), allowed);
    assert.match(reply.headers.get('access-control-expose-headers') ?? '', /RateLimit-Remaining/);
    assert.match(reply.headers.get('vary') ?? '', /Origin/);
    const refused = await fetch(`${roles!.apiUrl}/api/templates`, { headers: { origin: allowed } });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), allowed);
    const other = await fetch(`${roles!.apiUrl}/api/templates`, { headers: { origin: 'https://evil.example', 'x-api-key': key } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });
});
