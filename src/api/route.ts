import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { RouterMiddleware } from '@koa/router';
import type { ParameterizedContext } from 'koa';
import { z } from 'zod';
import { NotFoundError } from '../errors';
import { requestHash, withIdempotency } from './idempotency';
import type { ApiDeps, ApiState, Caller } from './context';
import { requireAdmin } from './middleware/auth';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler gets: the validated request and the caller. */
export interface RouteRequest<Body, Query> {
  ctx: ParameterizedContext<ApiState>;
  body: Body;
  query: Query;
  params: Record<string, string>;
  caller: Caller;
}

/** The response body of a handler; `status` defaults to 200. */
export type RouteResult = { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>;

/**
 * One endpoint: its method, path, who may call it, its zod schemas and its handler. The same
 * definition mounts the route and documents it in the OpenAPI document.
 */
export interface RouteDefinition<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** `user` (default): any valid key; `admin`: admins only. */
  access?: 'user' | 'admin';
  body?: B;
  query?: Q;
  /** Honours an `Idempotency-Key` header: the same key and body within 24 hours replays the first answer. */
  idempotent?: boolean;
  handler: (request: RouteRequest<z.infer<B>, z.infer<Q>>) => RouteResult;
}

/** Keeps a definition's schema types attached to its handler. */
export function route<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown>(
  definition: RouteDefinition<B, Q>,
): RouteDefinition {
  return definition as unknown as RouteDefinition;
}

/** Mounts `routes` on `router` and records them in `registry`. */
export function mountRoutes(
  router: Router<ApiState>,
  registry: OpenAPIRegistry,
  deps: ApiDeps,
  routes: RouteDefinition[],
  bodyParser: RouterMiddleware<ApiState>,
): void {
  for (const def of routes) {
    // Only routes that take a body parse one; the others skip the parser's cost entirely.
    const parse: RouterMiddleware<ApiState>[] = def.body ? [bodyParser] : [];
    router[def.method](def.path, ...parse, async (ctx) => {
      const caller = await deps.auth.authenticate(ctx);
      if (def.access === 'admin') requireAdmin(caller);
      const body = def.body ? def.body.parse(ctx.request.body ?? {}) : undefined;
      const query = def.query ? def.query.parse(ctx.query) : undefined;
      const run = async () => {
        const result = await def.handler({ ctx, body, query, params: ctx.params, caller });
        return { status: result.status ?? 200, body: result.body };
      };
      const idempotencyKey = def.idempotent ? ctx.get('idempotency-key') : '';
      const result = idempotencyKey
        ? await withIdempotency(deps.db, caller.user.id, idempotencyKey, requestHash(ctx.method, ctx.path, ctx.request.body), run)
        : await run();
      ctx.status = result.status;
      ctx.body = result.body;
    });
    registry.registerPath({
      method: def.method,
      path: def.path.replace(/:(\w+)/g, '{$1}'),
      summary: def.summary,
      tags: [def.tag],
      security: [{ ApiKey: [] }],
      request: {
        params: pathParams(def.path),
        query: def.query instanceof z.ZodObject ? def.query : undefined,
        body: def.body ? { content: { 'application/json': { schema: def.body } } } : undefined,
      },
      parameters: def.idempotent
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' }, description: 'Replays the first answer for 24 hours' }]
        : undefined,
      responses: {
        200: { description: 'Success: `{"success": true, ...}`' },
        400: { description: 'Invalid request: `{"error": "..."}`' },
        401: { description: 'Missing or invalid API key' },
        404: { description: 'Not found, or not yours' },
      },
    });
  }
}

function pathParams(path: string): z.ZodObject | undefined {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (names.length === 0) return undefined;
  return z.object(Object.fromEntries(names.map((n) => [n, z.string()])));
}

/** A `success: true` body. */
export function ok(fields: Record<string, unknown> = {}, status = 200): { status: number; body: unknown } {
  return { status, body: { success: true, ...fields } };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The path parameter `name` as a resource id; anything that is not a UUID names nothing (404). */
export function idParam(params: Record<string, string>, name = 'id'): string {
  const value = params[name];
  if (!value || !UUID.test(value)) throw new NotFoundError();
  return value.toLowerCase();
}

/** True for a well-formed resource id. */
export function isId(value: string): boolean {
  return UUID.test(value);
}
