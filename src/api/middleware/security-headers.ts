import helmet from 'helmet';
import type { Middleware } from 'koa';

/**
 * Helmet's protections for pages a browser renders (the docs): a content security policy that
 * loads scripts, styles and images from AutoHub only, no framing by other sites, no MIME
 * sniffing, no referrer beyond the origin. Only HTML answers get them, set once the answer is
 * known: JSON and files need none of it. `upgrade-insecure-requests` is left out, since AutoHub
 * serves plain HTTP unless a proxy in front adds TLS (and that proxy may add HSTS too).
 */
export function securityHeaders(): Middleware {
  const protect = helmet({
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null, 'frame-ancestors': ["'none'"] } },
    frameguard: { action: 'deny' },
  });
  return async (ctx, next) => {
    await next();
    if (!ctx.response.is('html')) return;
    await new Promise<void>((resolve, reject) => protect(ctx.req, ctx.res, (err?: unknown) => (err ? reject(err) : resolve())));
  };
}
