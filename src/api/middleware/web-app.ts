import { send } from '@koa/send';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Middleware } from 'koa';

/** Paths that are AutoHub's own, never the dashboard's: everything else GET-able is the dashboard. */
const SERVER_PATHS = /^\/(api|docs|metrics|healthz|readyz)(\/|$)/;
/** Vite names bundled files after their content, so a browser may keep them for good. */
const ASSETS_PREFIX = '/assets/';
const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Serves the dashboard's build from `dist`: its files, and index.html for every other path a
 * browser navigates to (the app routes in the browser), never cached, so a new build shows at the
 * next load. API paths are left to the router; a missing file under /assets is a 404, not the app.
 */
export function webApp(dist: string): Middleware {
  const index = path.join(dist, 'index.html');
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || SERVER_PATHS.test(ctx.path) || !existsSync(index)) return next();
    if (ctx.path.startsWith(ASSETS_PREFIX)) {
      await send(ctx, ctx.path, { root: dist, immutable: true, maxage: YEAR_MS }).catch(() => undefined);
      if (ctx.status === 404) return next();
      return;
    }
    const file = ctx.path !== '/' && (await send(ctx, ctx.path, { root: dist, index: false }).catch(() => undefined));
    if (file) return;
    // Only a browser navigating gets the app for a path it does not know; a script asking for
    // one (no text/html in Accept) gets the JSON 404 every other unknown path answers.
    if (!ctx.get('accept').includes('text/html')) return next();
    ctx.set('Cache-Control', 'no-cache');
    await send(ctx, 'index.html', { root: dist });
  };
}
