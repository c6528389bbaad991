import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, migrateLatest } from '../../src/db/knex';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres';
import { createLogger } from '../../src/logger';
import { runStops, startRoles, type RunningRoles } from '../../src/runtime/roles';
import { checkReadiness, databaseCheck, migrationsCheck } from '../../src/services/health';
import { startHealthServer } from '../../src/worker/health-server';
import { eventually, request } from '../support/http';
import { freePort, getStack } from '../support/stack';

describe('health probes', () => {
  before(async function () {
    this.timeout(120_000);
    await getStack();
  });

  it('GET /healthz answers 200 without an API key', async () => {
    const reply = await request('GET', '/healthz');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { success: true, status: 'alive' });
  });

  it('GET /readyz answers 200 without an API key once PostgreSQL, the migrations and Temporal all check out', async () => {
    const reply = await request('GET', '/readyz');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { success: true, status: 'ready', checks: { database: 'ok', migrations: 'ok', temporal: 'ok' } });
  });

  it("the worker's port answers /healthz and /readyz, checking its database, Temporal and shard leases", async () => {
    const { roles } = await getStack();
    const url = roles.worker?.healthUrl;
    assert.ok(url, 'the test stack runs its worker with WORKER_HTTP_PORT');
    const live = await fetch(`${url}/healthz`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { success: true, status: 'alive' });
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { success: true, status: 'ready', checks: { database: 'ok', temporal: 'ok', shard_leases: 'ok' } });
    const unknown = await fetch(`${url}/metrics-or-anything`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { error: 'not found' });
    const posted = await fetch(`${url}/readyz`, { method: 'POST' });
    assert.equal(posted.status, 405);
    assert.deepEqual(await posted.json(), { error: 'method not allowed' });
  });

  it("the worker's /readyz answers 503 naming the failing check, while /healthz still answers 200", async () => {
    const server = await startHealthServer(0, '127.0.0.1', {
      database: async () => {},
      shard_leases: async () => {
        throw new Error('its shard leases are not being renewed in time');
      },
    }, undefined);
    try {
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { error: 'not ready: shard_leases: its shard leases are not being renewed in time' });
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    } finally {
      await server.close();
    }
  });

  it('finds a database without the migrations not ready, and one it cannot reach too', async function () {
    this.timeout(30_000);
    const stack = await getStack();
    const name = `autohub_unmigrated_${randomBytes(4).toString('hex')}`;
    await stack.db.raw(`create database ${name}`);
    const url = new URL(stack.databaseUrl);
    url.pathname = `/${name}`;
    const unmigrated = createDb(url.toString(), { max: 1 });
    const unreachable = createDb('postgres://postgres@127.0.0.1:1/postgres', { max: 1 });
    try {
      const readiness = await checkReadiness({ database: databaseCheck(unmigrated), migrations: migrationsCheck(unmigrated), unreachable: databaseCheck(unreachable) });
      assert.equal(readiness.ready, false);
      assert.equal(readiness.checks.database, 'ok');
      assert.match(readiness.checks.migrations!, /^\d+ migrations pending, the first \d+_\w+\.ts; run autohub migrate$/);
      assert.notEqual(readiness.checks.unreachable, 'ok');
    } finally {
      await unmigrated.destroy();
      await unreachable.destroy();
      await stack.db.raw(`drop database if exists ${name} with (force)`);
    }
  });

  it('an API whose PostgreSQL stops answers /readyz 503 naming the database, keeps /healthz 200, and is ready again once PostgreSQL is back', async function () {
    this.timeout(180_000);
    const stack = await getStack();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'autohub-readiness-'));
    // Run as root, the embedded PostgreSQL runs as `postgres`, which must be able to enter the directory.
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    const startPostgres = () => startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pgdata'), port });
    let pg: EmbeddedDatabase | undefined = await startPostgres();
    let roles: RunningRoles | undefined;
    const logger = createLogger('silent');
    const readyz = async () => {
      const reply = await fetch(`${roles!.apiUrl}/readyz`);
      return { status: reply.status, body: (await reply.json()) as { error?: string } };
    };
    try {
      const migrator = createDb(pg.url, { max: 1 });
      await migrateLatest(migrator);
      await migrator.destroy();
      roles = await startRoles({ config: { ...stack.config, port: 0 }, databaseUrl: pg.url, temporalAddress: stack.temporalAddress, logger, api: true, worker: false });
      assert.equal((await readyz()).status, 200);

      await pg.stop();
      pg = undefined;
      const down = await eventually(async () => {
        const reply = await readyz();
        return reply.status === 503 ? reply : undefined;
      }, 30_000, '/readyz to answer 503');
      assert.match(down.body.error ?? '', /^not ready: database: /);
      assert.equal((await fetch(`${roles.apiUrl}/healthz`)).status, 200);

      pg = await startPostgres();
      await eventually(async () => ((await readyz()).status === 200 ? true : undefined), 30_000, '/readyz to answer 200 again');
    } finally {
      if (roles) await runStops(roles.stops, logger);
      await pg?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
