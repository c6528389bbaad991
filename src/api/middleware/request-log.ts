import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { ApiState } from '../context';

/** What a request's log line gains once it has been handled: its route template and its caller. */
const DETAILS = Symbol('autohub.request-details');

type LoggedResponse = ServerResponse & { [DETAILS]?: { route: string | null; user_id: string | null } };

/** The path of a request URL without its query string, which may carry `api_key=`. */
function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?', 1)[0]!;
}

/**
 * One log line per request (pino-http), when its response has been sent: its request id (the
 * `X-Request-Id` answered), method, path, route template, status, duration and the caller's user
 * id. Only those: no headers, no query string and no body, so a key, a login code, a password or
 * a secret cannot reach the log this way (and the root logger redacts such fields anywhere).
 * Answers of 500 and above log as errors, the rest as info. Above `info` (LOG_LEVEL warn, error…)
 * there is no request log at all, not even its per-request child loggers: the error middleware
 * still logs every 500 with its request id.
 */
export function requestLog(logger: Logger): Middleware<ApiState> {
  if (!logger.isLevelEnabled('info')) return (_ctx, next) => next();
  const log = pinoHttp<IncomingMessage, LoggedResponse>({
    logger: logger.child({ module: 'http' }),
    genReqId: (_req, res) => String(res.getHeader('x-request-id') ?? ''),
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, path: pathOf(req.url) }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (_req, res, fields: object) => ({ ...fields, ...res[DETAILS] }),
    customErrorObject: (_req, res, _err, fields: object) => ({ ...fields, ...res[DETAILS] }),
  });
  return async (ctx, next) => {
    log(ctx.req, ctx.res as LoggedResponse);
    try {
      await next();
    } finally {
      // Before Koa writes the answer, so the line written when it is sent has them.
      (ctx.res as LoggedResponse)[DETAILS] = {
        route: (ctx as { _matchedRoute?: string })._matchedRoute ?? null,
        user_id: ctx.state.caller?.user.id ?? null,
      };
    }
  };
}
