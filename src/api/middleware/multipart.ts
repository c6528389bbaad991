import { rm } from 'node:fs/promises';
import type { Middleware, ParameterizedContext } from 'koa';
import { koaBody } from 'koa-body';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';
import type { ApiState } from '../context';
import type { MultipartOptions } from '../route';
import { contentEncodingOf, hasBody, isJsonRequest, MAX_JSON_BODY_BYTES, readJson } from './body-parsers';

/** The file fields one multipart request sent, as the parser saw them go by. */
interface SeenFiles {
  /** File fields the route does not take. */
  unknown: Set<string>;
  /** Fields of the route that came with more than one file. */
  repeated: Set<string>;
  /** How many files each field sent. */
  counts: Map<string, number>;
  /** The field of the file being received, to name it when it turns out too large. */
  current: string | null;
}

/**
 * A body parser for routes that take files: `multipart/form-data` with `options`' file fields, or
 * a JSON body (read as {@link readJson} does). Any other content type is 415. Each field takes one
 * file of at most `maxFileBytes`; a second file in a field, or a file in a field the route does
 * not take, is 400 naming the fields it does take.
 */
export function multipartBodyParser(options: MultipartOptions, maxJsonBytes = MAX_JSON_BODY_BYTES): Middleware<ApiState> {
  return async (ctx, next) => {
    if (!hasBody(ctx.req)) return next();
    if (isJsonRequest(ctx)) {
      ctx.request.body = (await readJson(ctx, maxJsonBytes)) as typeof ctx.request.body;
      return next();
    }
    if (!ctx.request.is('multipart/form-data')) {
      throw new UnsupportedMediaTypeError('Content-Type must be application/json or multipart/form-data');
    }
    if (contentEncodingOf(ctx.req) !== 'identity') {
      throw new UnsupportedMediaTypeError('a multipart body must not have a Content-Encoding');
    }
    const seen: SeenFiles = { unknown: new Set(), repeated: new Set(), counts: new Map(), current: null };
    await parseMultipart(ctx, options, seen);
    const problem = filesProblem(options, seen);
    if (problem) {
      await removeReceivedFiles(ctx);
      throw problem;
    }
    return next();
  };
}

/** Runs koa-body's formidable over the request, with a file filter that records what it refuses. */
async function parseMultipart(ctx: ParameterizedContext<ApiState>, options: MultipartOptions, seen: SeenFiles): Promise<void> {
  const parser = koaBody({
    json: false,
    urlencoded: false,
    text: false,
    multipart: true,
    formidable: {
      maxFiles: options.files.length,
      maxFileSize: options.maxFileBytes,
      maxTotalFileSize: options.maxFileBytes * options.files.length,
      maxFieldsSize: MAX_JSON_BODY_BYTES,
      // Refused files are skipped, not stored; the request is refused once the body is read.
      filter: (part) => {
        const name = part.name ?? '';
        if (!options.files.includes(name)) {
          seen.unknown.add(name);
          return false;
        }
        const count = (seen.counts.get(name) ?? 0) + 1;
        seen.counts.set(name, count);
        if (count > 1) {
          seen.repeated.add(name);
          return false;
        }
        seen.current = name;
        return true;
      },
    },
    onError: (err) => {
      throw uploadError(err, options, seen);
    },
  });
  await parser(ctx, async () => undefined);
}

function filesProblem(options: MultipartOptions, seen: SeenFiles): BadRequestError | null {
  const accepted = options.files.map((f) => `"${f}"`).join(', ');
  if (seen.unknown.size > 0) {
    const names = [...seen.unknown].map((f) => JSON.stringify(f)).join(', ');
    return new BadRequestError(`file field ${names} is not accepted here; send the file in ${accepted}`);
  }
  if (seen.repeated.size > 0) {
    const names = [...seen.repeated].map((f) => `"${f}"`).join(', ');
    return new BadRequestError(`send one file per field: ${names} came with ${[...seen.repeated].map((f) => seen.counts.get(f)).join(', ')} files`);
  }
  return null;
}

// formidable's error codes (formidable/src/FormidableError.js) that name the client's mistake.
const FORMIDABLE = {
  fieldsTooLarge: 1006,
  tooManyFields: 1007,
  totalTooLarge: 1009,
  emptyFile: 1010,
  tooManyFiles: 1015,
  fileTooLarge: 1016,
} as const;

/** The HTTP error for a formidable failure; anything that is not the client's doing is passed on. */
function uploadError(err: Error, options: MultipartOptions, seen: SeenFiles): Error {
  const { code, httpCode } = err as { code?: unknown; httpCode?: unknown };
  if (typeof code !== 'number' || typeof httpCode !== 'number') return err;
  const field = seen.current ? `"${seen.current}"` : 'an uploaded file';
  switch (code) {
    case FORMIDABLE.fileTooLarge:
    case FORMIDABLE.totalTooLarge: {
      const mib = options.maxFileBytes / (1024 * 1024);
      return new PayloadTooLargeError(`file field ${field} exceeds ${options.maxFileBytes} bytes (${mib} MiB)`);
    }
    case FORMIDABLE.fieldsTooLarge:
      return new PayloadTooLargeError(`the multipart text fields exceed ${MAX_JSON_BODY_BYTES} bytes (1 MiB) together`);
    case FORMIDABLE.tooManyFields:
      return new BadRequestError('too many multipart fields');
    case FORMIDABLE.tooManyFiles:
      return new BadRequestError(`send one file per field, in ${options.files.map((f) => `"${f}"`).join(', ')}`);
    case FORMIDABLE.emptyFile:
      return new BadRequestError(`file field ${field} is empty`);
  }
  if (httpCode >= 400 && httpCode < 500) return new BadRequestError(`malformed multipart body: ${err.message}`);
  return err;
}

async function removeReceivedFiles(ctx: ParameterizedContext<ApiState>): Promise<void> {
  const received = (ctx.request as { files?: Record<string, unknown> }).files ?? {};
  const files = Object.values(received).flatMap((v) => (Array.isArray(v) ? v : [v])) as Array<{ filepath: string }>;
  await Promise.all(files.map((f) => rm(f.filepath, { force: true })));
}
