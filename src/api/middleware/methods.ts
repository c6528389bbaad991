import type { Middleware } from 'koa';
import { MethodNotAllowedError } from '../../errors';
import type { ApiState } from '../context';

/** The methods AutoHub's routes answer (HEAD and OPTIONS by the router, for every path it knows). */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Answers 405 for a method no route answers (TRACE, CONNECT, PROPFIND…), on any path; the
 * router answers 405 itself for a known method on a path without it.
 */
export function refuseUnknownMethods(): Middleware<ApiState> {
  return async (ctx, next) => {
    if (!KNOWN_METHODS.has(ctx.method)) {
      ctx.set('Allow', [...KNOWN_METHODS].join(', '));
      throw new MethodNotAllowedError(`method ${ctx.method} is not allowed`);
    }
    await next();
  };
}
