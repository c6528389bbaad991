import type { Middleware } from 'koa';
import { httpRequestDuration, httpRequests } from '../../metrics';
import type { ApiState } from '../context';

/**
 * Counts and times every request by method, route template and status, once the error middleware
 * (mounted inside this one) has set its status. A path no route matches counts as `unmatched`:
 * the label never holds a raw path, so a scan of random URLs cannot grow the series without bound.
 */
export function httpMetrics(): Middleware<ApiState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const labels = { method: ctx.method, route: (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched', status: String(ctx.status) };
      httpRequests.inc(labels);
      httpRequestDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}
