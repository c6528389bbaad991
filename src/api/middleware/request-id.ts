import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { ApiState } from '../context';

/** A client's `X-Request-Id` worth keeping: short, printable ASCII, so logs and echoes stay clean. */
const ACCEPTABLE_REQUEST_ID = /^[\x20-\x7e]{1,128}$/;

/**
 * Gives every request an id, echoed in `X-Request-Id` and logged with its errors: the client's
 * own when it sent an acceptable one (at most 128 printable ASCII characters), a fresh UUID otherwise.
 */
export function requestId(): Middleware<ApiState> {
  return async (ctx, next) => {
    const offered = ctx.get('x-request-id').trim();
    ctx.state.requestId = ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    await next();
  };
}
