import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { RouterMiddleware } from '@koa/router';
import type { ParameterizedContext } from 'koa';
import { koaBody } from 'koa-body';
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { BadRequestError, NotFoundError, PayloadTooLargeError } from '../errors';
import { requestHash, withIdempotency } from './idempotency';
import type { ApiDeps, ApiState, Caller } from './context';
import { requireAdmin } from './middleware/auth';
import { MAX_JSON_BODY_BYTES } from './middleware/errors';
import { documentRoute } from './openapi';
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
}

/** File fields a route accepts as `multipart/form-data`, besides a JSON body. */
export interface MultipartOptions {
  /** Names of the file fields; files under other names are ignored. */
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
  /** `user` (default): any valid key; `admin`: admins only. */
  access?: 'user' | 'admin';
  body?: B;
  query?: Q;
  /** Accept `multipart/form-data` with these files too; its text fields are validated by `body`. */
  multipart?: MultipartOptions;
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
    // Multipart is parsed only where a route asks for it, with that route's file limits.
    const parse: RouterMiddleware<ApiState>[] = def.multipart
      ? [multipartParser(def.multipart)]
      : def.body
        ? [bodyParser]
        : [];
    const handle = async (ctx: ParameterizedContext<ApiState>, files: Record<string, UploadedFile>) => {
      const caller = await deps.auth.authenticate(ctx);
      if (def.access === 'admin') requireAdmin(caller);
      const body = def.body ? def.body.parse(ctx.request.body ?? {}) : undefined;
      const query = def.query ? def.query.parse(ctx.query) : undefined;
      const run = async () => {
        const result = await def.handler({ ctx, body, query, params: ctx.params, caller, files });
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
    router[def.method](def.path, ...parse, async (ctx) => {
      const files = uploadedFiles(ctx, def.multipart);
      try {
        await handle(ctx, files);
      } finally {
        await Promise.all(Object.values(files).map((f) => rm(f.path, { force: true })));
      }
    });
    documentRoute(registry, def);
  }
}

/** A body parser for JSON and for multipart with `options`' files, mapping upload failures to 400/413. */
function multipartParser(options: MultipartOptions): RouterMiddleware<ApiState> {
  return koaBody({
    jsonLimit: MAX_JSON_BODY_BYTES,
    formLimit: MAX_JSON_BODY_BYTES,
    textLimit: MAX_JSON_BODY_BYTES,
    multipart: true,
    formidable: {
      maxFiles: options.files.length,
      maxFileSize: options.maxFileBytes,
      maxTotalFileSize: options.maxFileBytes * options.files.length,
      maxFieldsSize: MAX_JSON_BODY_BYTES,
      filter: (part) => part.name !== null && options.files.includes(part.name),
    },
    onError: (err) => {
      throw uploadError(err, options);
    },
  }) as RouterMiddleware<ApiState>;
}

// formidable's error codes (formidable/src/FormidableError.js) that name the client's mistake.
const FORMIDABLE_TOO_LARGE = new Set([1009, 1016]);
const FORMIDABLE_TOO_MANY_FILES = 1015;
const FORMIDABLE_EMPTY_FILE = 1010;

function uploadError(err: Error, options: MultipartOptions): Error {
  const { code, httpCode } = err as { code?: unknown; httpCode?: unknown };
  if (typeof code !== 'number' || typeof httpCode !== 'number') return err;
  if (FORMIDABLE_TOO_LARGE.has(code) || httpCode === 413) {
    const mib = options.maxFileBytes / (1024 * 1024);
    return new PayloadTooLargeError(`an uploaded file exceeds ${options.maxFileBytes} bytes (${mib} MiB)`);
  }
  if (code === FORMIDABLE_TOO_MANY_FILES) return new BadRequestError(`send at most one file for each of: ${options.files.join(', ')}`);
  if (code === FORMIDABLE_EMPTY_FILE) return new BadRequestError('an uploaded file is empty');
  if (httpCode >= 400 && httpCode < 500) return new BadRequestError(`malformed multipart body: ${err.message}`);
  return err;
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
