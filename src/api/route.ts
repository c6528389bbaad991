import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { RouterMiddleware } from '@koa/router';
import type { ParameterizedContext } from 'koa';
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { NotFoundError } from '../errors';
import { requestHash, withIdempotency } from './idempotency';
import type { ApiDeps, ApiState, Caller } from './context';
import { requireAdmin } from './middleware/auth';
import { jsonBodyParser, parseJsonBytes, rawJsonBodyParser } from './middleware/body-parsers';
import { assertSafeInput } from './middleware/input-safety';
import { multipartBodyParser } from './middleware/multipart';
import { isId } from '../domain/ids';
import { documentRoute } from './openapi';
import type { RateLimits } from './rate-limits';
import { checkResponse } from './response-check';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Statuses a handler answers on success. */
export type SuccessStatus = 200 | 201 | 202 | 204;

/** Statuses of `{"error": "..."}` answers. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503;

/** What a handler gets: the validated request and the caller. */
export interface RouteRequest<Body, Query> {
  ctx: ParameterizedContext<ApiState>;
  body: Body;
  query: Query;
  params: Record<string, string>;
  caller: Caller;
  /** Files of a multipart request, by field; empty unless the route declares `multipart`. */
  files: Record<string, UploadedFile>;
  /** The JSON body's bytes, unparsed (decoded from any Content-Encoding), of a route that declares `rawBody`; undefined without a body. */
  rawBody: Buffer | undefined;
}

/** What the handler of a public route gets: the request, and no caller. */
export type PublicRouteRequest<Body, Query> = Omit<RouteRequest<Body, Query>, 'caller'>;

/** File fields a route accepts as `multipart/form-data`, besides a JSON body. */
export interface MultipartOptions {
  /** Names of the file fields, one file each; a file under another name is refused (400). */
  files: string[];
  /** Largest size of each file; a larger one is answered 413. */
  maxFileBytes: number;
}

/** A file of a multipart request, in a temporary file that is removed once the request is answered. */
export interface UploadedFile {
  path: string;
  size: number;
  /** As the client declared it; not to be trusted. */
  mimeType: string | null;
  name: string | null;
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
  /**
   * `user` (default): any valid key; `admin`: admins only; `public`: no key at all (the route
   * proves who may call it itself, as a webhook receiver does by its id and signature); such a
   * route is made with {@link publicRoute}.
   */
  access?: 'user' | 'admin' | 'public';
  body?: B;
  query?: Q;
  /** Accept `multipart/form-data` with these files too; its text fields are validated by `body`. */
  multipart?: MultipartOptions;
  /** Bytes a JSON body may have, decoded. @default MAX_JSON_BODY_BYTES (1 MiB) */
  maxJsonBytes?: number;
  /**
   * Read a JSON body's bytes (415/413 as for any JSON body) but leave them unparsed, as
   * `rawBody`, for a handler that checks a signature over the exact bytes before it parses them
   * with {@link parseRawJson}. Instead of `body`.
   */
  rawBody?: boolean;
  /**
   * Answered whatever the rate: health probes and the metrics scrape, which an orchestrator or
   * Prometheus calls on its own schedule and must never find refused.
   */
  unlimited?: boolean;
  /** Honours an `Idempotency-Key` header: the same key and body within 24 hours replays the first answer. */
  idempotent?: boolean;
  /** The operation's name in the OpenAPI document: unique, camelCase, verbNoun (`createBroadcast`). */
  operationId: string;
  /** The body schema of each success status the handler answers. */
  responses: Partial<Record<SuccessStatus, z.ZodType>>;
  /** Error statuses the handler itself answers, beyond those every route of its kind can (see `errorStatuses`). */
  errors?: ErrorStatus[];
  handler: (request: RouteRequest<z.infer<B>, z.infer<Q>>) => RouteResult;
}

/** A route of `access: 'public'`: mounted without authentication, its handler getting no caller. */
export function publicRoute<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown>(
  definition: Omit<RouteDefinition<B, Q>, 'access' | 'handler' | 'idempotent'> & {
    handler: (request: PublicRouteRequest<z.infer<B>, z.infer<Q>>) => RouteResult;
  },
): RouteDefinition {
  return { ...definition, access: 'public' } as unknown as RouteDefinition;
}

/** Keeps a definition's schema types attached to its handler. */
export function route<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown>(
  definition: RouteDefinition<B, Q>,
): RouteDefinition {
  return definition as unknown as RouteDefinition;
}

/**
 * Mounts `routes` on `router` and records them in `registry`. Each request goes through, in
 * order: authentication, its key's rate limit (its address's on a public route) and the admin
 * check, so a request without a valid key, or over its limit, is answered before a byte of its
 * body is read; the body parser, only where the route takes a body;
 * the input safety check over body, query and path parameters; the route's schemas; its handler.
 */
export function mountRoutes(
  router: Router<ApiState>,
  registry: OpenAPIRegistry,
  deps: ApiDeps,
  limits: RateLimits,
  routes: RouteDefinition[],
): void {
  const jsonBody = jsonBodyParser();
  for (const def of routes) {
    const admit: RouterMiddleware<ApiState> =
      def.access === 'public'
        ? async (ctx, next) => {
            if (!def.unlimited) await limits.consume(ctx, limits.forAddress(ctx.ip));
            await next();
          }
        : async (ctx, next) => {
            const caller = await deps.auth.authenticate(ctx);
            if (!def.unlimited) await limits.consume(ctx, limits.forKey(caller.keyId, caller.rateLimitPerMinute));
            if (def.access === 'admin') requireAdmin(caller);
            await next();
          };
    // Only routes that take a body read one; multipart only where a route declares it, with its file limits.
    const json = def.maxJsonBytes === undefined ? jsonBody : jsonBodyParser(def.maxJsonBytes);
    const parse: RouterMiddleware<ApiState>[] = def.multipart
      ? [multipartBodyParser(def.multipart, def.maxJsonBytes)]
      : def.body
        ? [json]
        : def.rawBody
          ? [rawJsonBodyParser(def.maxJsonBytes)]
          : [];
    // `caller` is undefined only on public routes, whose handlers (see publicRoute) take none.
    const handle = async (ctx: ParameterizedContext<ApiState>, caller: Caller, files: Record<string, UploadedFile>) => {
      assertSafeInput('path', ctx.params);
      assertSafeInput('query', ctx.query);
      assertSafeInput('body', ctx.request.body);
      const body = def.body ? def.body.parse(ctx.request.body ?? {}) : undefined;
      const query = def.query ? def.query.parse(ctx.query) : undefined;
      const run = async () => {
        const result = await def.handler({ ctx, body, query, params: ctx.params, caller, files, rawBody: ctx.state.rawBody });
        return { status: result.status ?? 200, body: result.body };
      };
      const idempotencyKey = def.idempotent ? ctx.get('idempotency-key') : '';
      const result = idempotencyKey
        ? await withIdempotency(deps.db, caller.user.id, idempotencyKey, requestHash(ctx.method, ctx.path, ctx.request.body), run)
        : await run();
      if (deps.config.validateResponses) checkResponse(def, result.status, result.body);
      ctx.status = result.status;
      ctx.body = result.body;
    };
    router[def.method](def.path, admit, ...parse, async (ctx) => {
      const files = uploadedFiles(ctx, def.multipart);
      try {
        await handle(ctx, ctx.state.caller!, files);
      } finally {
        await Promise.all(Object.values(files).map((f) => rm(f.path, { force: true })));
      }
    });
    documentRoute(registry, def);
  }
}

/** The files koa-body received for the route's file fields, one per field. */
function uploadedFiles(ctx: ParameterizedContext<ApiState>, options: MultipartOptions | undefined): Record<string, UploadedFile> {
  const received = (ctx.request as { files?: Record<string, unknown> }).files;
  if (!options || !received) return {};
  const files: Record<string, UploadedFile> = {};
  for (const [field, value] of Object.entries(received)) {
    for (const file of (Array.isArray(value) ? value : [value]) as FormidableFile[]) {
      if (files[field]) void rm(file.filepath, { force: true });
      else files[field] = { path: file.filepath, size: file.size, mimeType: file.mimetype ?? null, name: file.originalFilename ?? null };
    }
  }
  return files;
}

/** The fields of a formidable `File` that AutoHub reads. */
interface FormidableFile {
  filepath: string;
  size: number;
  mimetype?: string | null;
  originalFilename?: string | null;
}

/**
 * The `rawBody` of a route that declares it, parsed: undefined for no body; 400 for one that is
 * not UTF-8 or not JSON, or holds text no field may (NUL characters, lone surrogates).
 */
export function parseRawJson(rawBody: Buffer | undefined): unknown {
  const value = rawBody && parseJsonBytes(rawBody);
  assertSafeInput('body', value);
  return value;
}

/** A `success: true` body. */
export function ok(fields: Record<string, unknown> = {}, status = 200): { status: number; body: unknown } {
  return { status, body: { success: true, ...fields } };
}

/** The path parameter `name` as a resource id; anything that is not a UUID names nothing (404). */
export function idParam(params: Record<string, string>, name = 'id'): string {
  const value = params[name];
  if (!value || !isId(value)) throw new NotFoundError();
  return value.toLowerCase();
}
