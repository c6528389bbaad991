import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import Koa from 'koa';
import { createLogger } from '../../../src/logger';
import type { ApiState } from '../../../src/api/context';
import { requestId } from '../../../src/api/middleware/request-id';
import { requestLog } from '../../../src/api/middleware/request-log';

describe('request log', () => {
  const lines: Array<Record<string, unknown>> = [];
  let url = '';
  let close = () => {};

  before(async () => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const logger = createLogger('info', { pretty: false, destination });
    const app = new Koa<ApiState>();
    const router = new Router<ApiState>();
    router.get('/api/things/:id', (ctx) => {
      ctx.state.caller = { user: { id: 'user-1' }, keyId: 'k', scope: { userId: 'user-1', admin: false } } as never;
      ctx.body = { success: true };
    });
    router.get('/boom', () => {
      throw new Error('boom');
    });
    app.use(requestId());
    app.use(requestLog(logger));
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch {
        ctx.status = 500;
        ctx.body = { error: 'internal error' };
      }
    });
    app.use(router.routes());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });

  after(() => close());

  /** The log line of the request answered with `requestIdHeader`, once written. */
  const lineOf = async (id: string) => {
    for (let i = 0; i < 100; i++) {
      const line = lines.find((l) => (l.req as { id?: string } | undefined)?.id === id);
      if (line) return line;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`no log line for request ${id}`);
  };

  it('writes one line per request: id, method, path, route template, status, duration and user, and no key or query', async () => {
    const reply = await fetch(`${url}/api/things/42?api_key=ahk_secret_in_query&q=1`, {
      headers: { 'X-API-Key': 'ahk_secret_in_header', Authorization: 'Bearer ahk_secret_bearer', 'X-Request-Id': 'req-1' },
    });
    assert.equal(reply.status, 200);
    const line = await lineOf('req-1');
    assert.deepEqual(line.req, { id: 'req-1', method: 'GET', path: '/api/things/42' });
    assert.deepEqual(line.res, { status: 200 });
    assert.equal(line.route, '/api/things/:id');
    assert.equal(line.user_id, 'user-1');
    assert.equal(line.level, 30);
    assert.equal(typeof line.responseTime, 'number');
    assert.equal(lines.filter((l) => (l.req as { id?: string } | undefined)?.id === 'req-1').length, 1);
    assert.doesNotMatch(JSON.stringify(lines), /ahk_secret/);
  });

  it('logs an answer of 500 as an error, and a request matching no route without a route', async () => {
    assert.equal((await fetch(`${url}/boom`, { headers: { 'X-Request-Id': 'req-2' } })).status, 500);
    const failed = await lineOf('req-2');
    assert.equal(failed.level, 50);
    assert.equal(failed.route, '/boom');
    assert.equal((await fetch(`${url}/nothing-here`, { headers: { 'X-Request-Id': 'req-3' } })).status, 404);
    const missing = await lineOf('req-3');
    assert.equal(missing.route, null);
    assert.equal(missing.user_id, null);
  });

  it('redacts keys, passwords and secrets wherever a logged object carries them', () => {
    const destination = new PassThrough();
    let written = '';
    destination.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    const logger = createLogger('info', { pretty: false, destination });
    logger.info({ api_key: 'k1', account: { password: 'p1', secret: 's1' }, req: { headers: { authorization: 'Bearer k2', 'x-api-key': 'k3' } } }, 'login');
    const line = JSON.parse(written) as Record<string, any>;
    assert.equal(line.api_key, '[redacted]');
    assert.deepEqual(line.account, { password: '[redacted]', secret: '[redacted]' });
    assert.deepEqual(line.req.headers, { authorization: '[redacted]', 'x-api-key': '[redacted]' });
  });
});

describe('request log above info', () => {
  it('writes no line per request when LOG_LEVEL is above info, not even for an answer of 500', async () => {
    const destination = new PassThrough();
    let written = '';
    destination.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    const app = new Koa<ApiState>();
    app.use(requestId());
    app.use(requestLog(createLogger('warn', { pretty: false, destination })));
    app.use((ctx) => {
      ctx.status = 500;
      ctx.body = { error: 'internal error' };
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const reply = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      assert.equal(reply.status, 500);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(written, '');
    } finally {
      server.close();
    }
  });
});
