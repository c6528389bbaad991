import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { ApiState } from './context';
import { buildDocument } from './openapi';

// Only these files of swagger-ui-dist are served; nothing else of node_modules is reachable.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>AutoHub API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

// A file rather than an inline script, so the page's content security policy can allow scripts from AutoHub only.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', persistAuthorization: true });\n`;

/** Serves the OpenAPI document built from the routes' zod schemas, and a docs page for it. */
export function mountDocs(router: Router<ApiState>, registry: OpenAPIRegistry, options: { version: string; publicUrl: string }): void {
  let document: object | undefined;
  router.get('/api/openapi.json', (ctx) => {
    document ??= buildDocument(registry, options);
    ctx.body = document;
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.body = INIT_SCRIPT;
  });
  const assetDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  router.get('/docs/:asset', (ctx) => {
    const type = ASSETS[ctx.params.asset!];
    if (!type) return;
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = createReadStream(path.join(assetDir, ctx.params.asset!));
  });
}
