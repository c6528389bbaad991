import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import Router from '@koa/router';
import Koa from 'koa';
import pino from 'pino';
import { z } from 'zod';
import type { ApiDeps, ApiState } from '../../../src/api/context';
import { errorMiddleware } from '../../../src/api/middleware/errors';
import { BinaryContent } from '../../../src/api/openapi';
import { RateLimits } from '../../../src/api/rate-limits';
import { checkResponse, ResponseContractError } from '../../../src/api/response-check';
import { mountRoutes, ok, route, type RouteDefinition } from '../../../src/api/route';
import { success } from '../../../src/api/responses';
import type { HttpConfig } from '../../../src/config';

const Greeting = success({ greeting: z.string() });

/** A route answering `body` with `status`, declared to answer a greeting with 200. */
function greetingRoute(status: number, body: unknown): RouteDefinition {
  return route({
    method: 'get',
    path: '/greeting',
    summary: 'A greeting',
    tag: 'System',
    operationId: 'getGreeting',
    responses: { 200: Greeting },
    handler: () => ({ status, body }),
  });
}

/** Answers one request to a route mounted as the API mounts every route, with the check on or off. */
async function answer(def: RouteDefinition, validateResponses: boolean): Promise<{ status: number; body: unknown }> {
  const app = new Koa<ApiState>();
  const router = new Router<ApiState>();
  const caller = { user: { id: 'u', role: 'user' }, keyId: 'k', rateLimitPerMinute: null, scope: { userId: 'u', admin: false } };
  const deps = {
    config: { validateResponses },
    auth: { authenticate: async (ctx: { state: ApiState }) => (ctx.state.caller = caller as never) },
  } as unknown as ApiDeps;
  // Limits of 0 never reach the database: the check under test is the response schema's.
  const limits = new RateLimits(undefined as never, { rateLimitPerKey: 0, rateLimitPerIp: 0 } as HttpConfig, pino({ level: 'silent' }));
  mountRoutes(router, new OpenAPIRegistry(), deps, limits, [def]);
  app.use(errorMiddleware(pino({ level: 'silent' })));
  app.use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/greeting`);
    return { status: response.status, body: await response.json() };
  } finally {
    server.close();
  }
}

describe('response contract check', () => {
  it('lets an answer that matches its declared schema through', async () => {
    assert.deepEqual(await answer(greetingRoute(200, { success: true, greeting: 'hi' }), true), {
      status: 200,
      body: { success: true, greeting: 'hi' },
    });
  });

  it('turns an answer that drifts from its schema into a 500 when the check is on, and not when it is off', async () => {
    const drifting = greetingRoute(200, { success: true, greeting: 'hi', leaked: 'field' });
    assert.deepEqual(await answer(drifting, true), { status: 500, body: { error: 'internal error' } });
    assert.deepEqual(await answer(drifting, false), { status: 200, body: { success: true, greeting: 'hi', leaked: 'field' } });
  });

  it('names the route, the status and the field that drifted, and refuses an undeclared status', () => {
    const def = greetingRoute(200, {});
    assert.throws(() => checkResponse(def, 200, { success: true, greeting: 7 }), (err: Error) => {
      assert.ok(err instanceof ResponseContractError);
      assert.match(err.message, /^GET \/greeting 200 drifts from its schema: greeting: /);
      return true;
    });
    assert.throws(() => checkResponse(def, 201, ok().body), /GET \/greeting answered 201, which it does not declare/);
  });

  it('accepts bytes only where a route declares binary content', () => {
    const image = { ...greetingRoute(200, {}), responses: { 200: BinaryContent } };
    checkResponse(image, 200, Buffer.from('png'));
    assert.throws(() => checkResponse(image, 200, { success: true }), /declares bytes but answered object/);
  });
});
