import cors from '@koa/cors';
import type { Middleware } from 'koa';
import type { HttpConfig } from '../../config';

/**
 * CORS for the origins AUTOHUB_CORS_ORIGINS names (or any, with `*`); without it, no CORS headers
 * at all, so browsers keep other sites' pages from calling the API. Keys travel in headers, never
 * cookies, so credentials are not allowed; scripts may read the rate-limit and request-id headers.
 */
export function corsPolicy(config: HttpConfig): Middleware {
  const allowed = config.corsOrigins;
  if (allowed === undefined) return (_ctx, next) => next();
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      if (allowed === '*') return '*';
      return allowed.includes(origin) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'Content-Encoding', 'Idempotency-Key', 'X-Request-Id'],
    exposeHeaders: ['RateLimit-Policy', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'X-Request-Id', 'Content-Disposition'],
    maxAge: 600,
  });
}
