import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import pino from 'pino';
import { z } from 'zod';
import { errorMiddleware, formatZodError } from '../../../src/api/middleware/errors';
import { ConflictError, ForbiddenError } from '../../../src/errors';

async function answer(thrown: unknown): Promise<{ status: number; body: unknown }> {
  const app = new Koa();
  app.use(errorMiddleware(pino({ level: 'silent' })));
  app.use(() => {
    throw thrown;
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: response.status, body: await response.json() };
  } finally {
    server.close();
  }
}

describe('errorMiddleware', () => {
  it('answers an unexpected error with a bare 500, without stack or SQL', async () => {
    const reply = await answer(new Error('select * from api_keys where key_hash = $1 - relation does not exist'));
    assert.deepEqual(reply, { status: 500, body: { error: 'internal error' } });
  });

  it('maps HTTP errors to their status and message', async () => {
    assert.deepEqual(await answer(new ForbiddenError()), { status: 403, body: { error: 'forbidden' } });
    assert.deepEqual(await answer(new ConflictError('in use')), { status: 409, body: { error: 'in use' } });
  });

  it('maps zod errors to 400 naming the field', async () => {
    const parsed = z.object({ name: z.string() }).safeParse({});
    assert.deepEqual(await answer(parsed.error), { status: 400, body: { error: 'name is required' } });
  });
});

describe('formatZodError', () => {
  it('joins every issue with its path', () => {
    const parsed = z.object({ a: z.string(), b: z.array(z.number()).max(1, 'at most 1') }).safeParse({ b: [1, 2] });
    assert.equal(formatZodError(parsed.error!), 'a is required; b: at most 1');
  });
});
