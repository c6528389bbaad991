import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { formatZodError, HttpError } from '../../errors';
import type { ApiState } from '../context';

/**
 * The only place that writes error bodies: `{"error": "..."}` with the status the error stands
 * for. Anything unexpected is logged with the request id and answered as a bare 500.
 */
export function errorMiddleware(logger: Logger): Middleware<ApiState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: 'not found' };
      }
    } catch (err) {
      const { status, message } = describe(err);
      if (status >= 500) logger.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'request failed');
      ctx.status = status;
      ctx.body = { error: message };
    }
  };
}

function describe(err: unknown): { status: number; message: string } {
  if (err instanceof HttpError) return { status: err.status, message: err.message };
  if (err instanceof ZodError) return { status: 400, message: formatZodError(err) };
  if (err instanceof WorkflowNotFoundError) return { status: 404, message: 'not found' };
  if (err instanceof WorkflowExecutionAlreadyStartedError) return { status: 409, message: 'already running' };
  // @koa/router's allowedMethods throws http-errors' 405.
  const status = (err as { status?: unknown }).status;
  if (status === 405) return { status: 405, message: 'method not allowed' };
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: (err as Error).message || 'bad request' };
  }
  return { status: 500, message: 'internal error' };
}

export { formatZodError };
