import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { request } from '../support/http';
import { getStack } from '../support/stack';

const run = promisify(execFile);
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the served document, with its method and path. */
function operations(doc: any): Array<{ method: string; path: string; op: any }> {
  return Object.entries<any>(doc.paths).flatMap(([p, item]) =>
    Object.entries<any>(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ method, path: p, op })),
  );
}

describe('GET /api/openapi.json', () => {
  let doc: any;

  before(async () => {
    const reply = await request('GET', '/api/openapi.json');
    assert.equal(reply.status, 200);
    doc = reply.body;
  });

  it('is OpenAPI 3.1 with this server, the three ways to present a key and the browser session cookie', async () => {
    const stack = await getStack();
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.servers.map((s: any) => s.url), [stack.config.publicUrl]);
    const schemes = doc.components.securitySchemes;
    assert.deepEqual(
      Object.values<any>(schemes).map((s) => `${s.type}:${s.in ?? s.scheme}:${s.name ?? ''}`).sort(),
      ['apiKey:cookie:autohub_session', 'apiKey:header:X-API-Key', 'apiKey:query:api_key', 'http:bearer:'],
    );
  });

  it('gives every operation a unique operationId, a tag, a success schema and its error statuses', () => {
    const ops = operations(doc);
    assert.ok(ops.length >= 47, `only ${ops.length} operations`);
    const ids = ops.map((o) => o.op.operationId);
    assert.ok(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)), `bad ids: ${ids}`);
    assert.equal(new Set(ids).size, ids.length, 'operationIds repeat');
    for (const { method, path: p, op } of ops) {
      const where = `${method.toUpperCase()} ${p}`;
      assert.equal(op.tags?.length, 1, `${where} has no tag`);
      const statuses = Object.keys(op.responses);
      const successes = statuses.filter((s) => s.startsWith('2'));
      assert.ok(successes.length > 0, `${where} declares no success`);
      for (const s of successes) assert.ok(Object.values<any>(op.responses[s].content)[0].schema, `${where} ${s} has no schema`);
      assert.ok(statuses.includes('500'), `${where} lacks 500`);
      // A route behind a key answers 401 without one; a public route (security: []) only if it says so.
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic) assert.ok(statuses.includes('401'), `${where} lacks 401`);
      for (const s of statuses.filter((s) => !s.startsWith('2'))) {
        assert.deepEqual(op.responses[s].content['application/json'].schema, { $ref: '#/components/schemas/Error' }, `${where} ${s}`);
      }
    }
  });

  it('is the contract every answer of this suite is checked against', async () => {
    // The route helper validates each answer against its declared schema only when this is on.
    assert.equal((await getStack()).config.validateResponses, true);
  });

  it('declares the statuses the server answers beyond 200/400/401/404', () => {
    const statusesOf = (method: string, p: string) => Object.keys(doc.paths[p][method].responses);
    assert.ok(statusesOf('post', '/api/v1/broadcast').includes('201'));
    assert.ok(statusesOf('post', '/api/v1/broadcast').includes('409'), 'Idempotency-Key conflicts');
    assert.ok(statusesOf('post', '/api/v1/scan').includes('202'));
    assert.ok(statusesOf('post', '/api/admin/users').includes('403'));
    assert.ok(statusesOf('post', '/api/v1/images').includes('413'));
    assert.ok(statusesOf('post', '/api/v1/images').includes('415'));
  });

  it('documents the legacy schedule body with groups, as the reference shows it', () => {
    const schema = doc.paths['/api/schedules'].post.requestBody.content['application/json'].schema;
    const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
    assert.ok(resolved.properties.groups, 'groups is documented');
    assert.ok(!(resolved.required ?? []).includes('target_keys'), 'target_keys is not required');
  });

  it('passes `redocly lint` without errors', async function () {
    this.timeout(120_000);
    const dir = await mkdtemp(path.join(tmpdir(), 'autohub-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      const bin = path.join(process.cwd(), 'node_modules', '.bin', 'redocly');
      const result = await run(bin, ['lint', '--config', path.join(process.cwd(), 'redocly.yaml'), '--format', 'json', file], {
        maxBuffer: 64 * 1024 * 1024,
      }).catch((err: { stdout?: string; stderr?: string; code?: number }) => err);
      const report = JSON.parse(String(result.stdout));
      const errors = report.problems.filter((p: any) => p.severity === 'error');
      assert.deepEqual(errors.map((p: any) => `${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`), []);
      assert.equal((result as { code?: number }).code ?? 0, 0, String(result.stderr));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
