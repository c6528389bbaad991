import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../src/logger';
import { ensureWebBuild, webBuildIsCurrent, WEB_DIST, WEB_ROOT } from '../../src/runtime/web-build';
import { getStack } from '../support/stack';

/** What Chromium sends when it navigates to a page. */
const NAVIGATION_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('the dashboard, served by the API at /', () => {
  let baseUrl: string;
  before(async function () {
    this.timeout(180_000);
    await ensureWebBuild(createLogger('warn'));
    baseUrl = (await getStack()).baseUrl;
  });

  it('answers its page at / and at every page path the app routes itself, never cached, under a content security policy', async () => {
    for (const page of ['/', '/broadcasts', '/broadcasts/3f1c1f7e-0000-4000-8000-000000000000', '/admin']) {
      const response = await fetch(baseUrl + page, { headers: { Accept: NAVIGATION_ACCEPT } });
      assert.equal(response.status, 200, page);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      const html = await response.text();
      assert.match(html, /<div id="root"><\/div>/);
      assert.doesNotMatch(html, /https?:\/\//, 'nothing is loaded from elsewhere');
    }
  });

  it('serves the bundled assets for good, and a missing one as a 404, not the page', async () => {
    const asset = readdirSync(path.join(WEB_DIST, 'assets')).find((f) => f.endsWith('.js'));
    assert.ok(asset, 'the build has a script');
    const response = await fetch(`${baseUrl}/assets/${asset}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    assert.match(response.headers.get('cache-control') ?? '', /immutable/);
    const missing = await fetch(`${baseUrl}/assets/no-such-file.js`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not found' });
  });

  it('leaves the API, its docs and the probes to the API: an unknown API path is a JSON 404, also to a browser', async () => {
    const unknown = await fetch(`${baseUrl}/api/no-such-route`, { headers: { Accept: NAVIGATION_ACCEPT } });
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { error: 'not found' });
    assert.match((await fetch(`${baseUrl}/docs`)).headers.get('content-type') ?? '', /^text\/html/);
    assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200);
    const doc = await fetch(`${baseUrl}/api/openapi.json`);
    assert.match(doc.headers.get('content-type') ?? '', /json/);
  });

  it('answers a script asking for a path it does not know (no text/html in Accept) with the JSON 404, not the app', async () => {
    for (const accept of ['*/*', 'application/json']) {
      const response = await fetch(`${baseUrl}/no/such/page`, { headers: { Accept: accept } });
      assert.equal(response.status, 404, accept);
      assert.deepEqual(await response.json(), { error: 'not found' });
    }
    assert.equal((await fetch(`${baseUrl}/no/such/page`, { headers: { Accept: NAVIGATION_ACCEPT } })).status, 200);
  });

  it('knows when its build is stale, which is when npm start builds it again', async () => {
    assert.equal(await webBuildIsCurrent(), true, 'just built');
    const probe = path.join(WEB_ROOT, 'src', 'stale-probe.txt');
    try {
      writeFileSync(probe, 'a source the last build did not see');
      assert.equal(await webBuildIsCurrent(), false, 'a new source makes it stale');
    } finally {
      rmSync(probe, { force: true });
    }
    assert.equal(await webBuildIsCurrent(), true, 'as it was again');
  });

  it('never serves a file outside the build, nor its hidden build stamp', async () => {
    for (const probe of ['/../package.json', '/%2e%2e/package.json', '/.source-hash', '/..%2f..%2fpackage.json']) {
      const response = await fetch(baseUrl + probe, { headers: { Accept: NAVIGATION_ACCEPT } });
      const text = await response.text();
      assert.doesNotMatch(text, /"name": "autohub"|^[0-9a-f]{64}$/m, probe);
    }
  });
});
