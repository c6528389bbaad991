import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Middleware, ParameterizedContext } from 'koa';
import { BadRequestError, HttpError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';
import type { ApiState } from '../context';

/*
 * Why not koa-body/co-body for JSON: they hand a body that its Content-Encoding cannot decode to
 * zlib and pass zlib's error on without a status (a 500), accept form bodies on JSON routes, and
 * leave a refused body paused on the connection, so the answer may never reach a client that is
 * still sending. Node's zlib streams and TextDecoder do the real work here; this module only says
 * which request gets which answer.
 */

/** Bytes a JSON body may have, after any `Content-Encoding` is undone. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** Media types read as JSON: `application/json` and any `application/<x>+json`. */
const JSON_TYPES = ['application/json', 'application/*+json'];

/** The `Content-Encoding`s a body may arrive in, each with the stream that undoes it. */
const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** True when the request carries a body (possibly still unread), whatever its content type. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/** True when the request's body is JSON by its `Content-Type`. */
export function isJsonRequest(ctx: ParameterizedContext<ApiState>): boolean {
  return ctx.request.is(JSON_TYPES) !== false;
}

/**
 * A body parser for JSON routes: a body that is not JSON by its `Content-Type` is 415, one in an
 * unknown `Content-Encoding` 415, one its encoding cannot decode 400, one over
 * {@link MAX_JSON_BODY_BYTES} (decoded) 413, one that is not UTF-8 or not JSON 400. A request
 * without a body leaves `ctx.request.body` undefined.
 */
export function jsonBodyParser(maxBytes = MAX_JSON_BODY_BYTES): Middleware<ApiState> {
  return async (ctx, next) => {
    if (hasBody(ctx.req)) {
      if (!isJsonRequest(ctx)) throw new UnsupportedMediaTypeError(`Content-Type must be application/json, not ${contentTypeOf(ctx)}`);
      ctx.request.body = (await readJson(ctx, maxBytes)) as typeof ctx.request.body;
    }
    await next();
  };
}

/**
 * A body parser for routes that verify a signature over the exact bytes of a JSON body: the
 * rules of {@link jsonBodyParser} up to the bytes (415 for another content type or encoding, 413
 * past `maxBytes`), which are left unparsed in `ctx.state.rawBody` (see {@link parseJsonBytes}).
 */
export function rawJsonBodyParser(maxBytes = MAX_JSON_BODY_BYTES): Middleware<ApiState> {
  return async (ctx, next) => {
    if (hasBody(ctx.req)) {
      if (!isJsonRequest(ctx)) throw new UnsupportedMediaTypeError(`Content-Type must be application/json, not ${contentTypeOf(ctx)}`);
      ctx.state.rawBody = await readJsonBytes(ctx, maxBytes);
    }
    await next();
  };
}

/** The request's body as parsed JSON, under the rules of {@link jsonBodyParser}. */
export async function readJson(ctx: ParameterizedContext<ApiState>, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  return parseJsonBytes(await readJsonBytes(ctx, maxBytes));
}

/** The bytes of a JSON body, its encoding undone; 415 for a charset other than UTF-8, 413 past `maxBytes`. */
async function readJsonBytes(ctx: ParameterizedContext<ApiState>, maxBytes: number): Promise<Buffer> {
  const charset = ctx.request.charset.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaTypeError(`a JSON body must be UTF-8, not charset ${ctx.request.charset}`);
  }
  return readBytes(ctx.req, maxBytes);
}

/** JSON bytes parsed: undefined for none (or only whitespace); 400 for bytes that are not UTF-8 or not JSON. */
export function parseJsonBytes(bytes: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadRequestError('the body is not valid UTF-8');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('malformed JSON body');
  }
}

/** The request's `Content-Encoding`, lower-cased; `identity` when it names none. */
export function contentEncodingOf(req: IncomingMessage): string {
  return (req.headers['content-encoding'] ?? '').trim().toLowerCase() || 'identity';
}

function contentTypeOf(ctx: ParameterizedContext<ApiState>): string {
  return ctx.get('content-type') ? JSON.stringify(ctx.get('content-type')) : 'none';
}

/**
 * Reads the body, undoing its `Content-Encoding`, and refuses it once it grows past `limit`
 * bytes. A refused body is not left paused on the connection: the rest of it is discarded as it
 * arrives (never buffered), so the answer reaches the client and the connection stays usable.
 */
async function readBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = contentEncodingOf(req);
  const tooLarge = () => new PayloadTooLargeError(`request body exceeds ${limit} bytes (${limit / (1024 * 1024)} MiB)`);
  if (encoding === 'identity') {
    if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
    return collect(req, { limit, tooLarge, broken: () => new BadRequestError('the request body was cut off'), abandon: () => req.resume() });
  }
  const decoder = DECODERS[encoding];
  if (!decoder) {
    throw new UnsupportedMediaTypeError(`Content-Encoding ${JSON.stringify(encoding)} is not supported; use ${Object.keys(DECODERS).join(', ')} or identity`);
  }
  const decoded = decoder();
  req.on('error', (err) => decoded.destroy(err));
  req.pipe(decoded);
  return collect(decoded, {
    limit,
    tooLarge,
    broken: () => new BadRequestError(`the body is not valid ${encoding} data (Content-Encoding: ${encoding})`),
    abandon: () => {
      req.unpipe(decoded);
      decoded.destroy();
      req.resume();
    },
  });
}

interface CollectOptions {
  limit: number;
  tooLarge: () => HttpError;
  broken: () => HttpError;
  /** Lets go of the rest of the body once it is refused. */
  abandon: () => void;
}

/**
 * Gathers `stream` into one buffer. Past `limit` it rejects with `tooLarge()`, on a stream error
 * (or a client gone mid-body) with `broken()`; either way the rest of the body is abandoned.
 */
function collect(stream: Readable, { limit, tooLarge, broken, abandon }: CollectOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onError);
      // Later errors of an abandoned stream (the client going away) are no one's concern.
      stream.on('error', () => undefined);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        abandon();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = () => {
      stop();
      abandon();
      reject(broken());
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    // A client that goes away mid-body closes the stream without an end.
    stream.once('close', onError);
  });
}
