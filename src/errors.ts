import type { ZodError } from 'zod';

/**
 * Errors that carry an HTTP status. The API's error middleware is the only place that turns
 * them into response bodies: `{"error": message}` with `status`.
 */
export abstract class HttpError extends Error {
  abstract readonly status: number;
}

/** A request that is malformed or breaks a validation rule. */
export class BadRequestError extends HttpError {
  override readonly name = 'BadRequestError';
  readonly status = 400;
}

/** A request without valid credentials; the message is one of the reference's two 401 bodies. */
export class UnauthorizedError extends HttpError {
  override readonly name = 'UnauthorizedError';
  readonly status = 401;
  constructor(message: 'unauthorized' | 'Invalid or missing API key' = 'unauthorized') {
    super(message);
  }
}

/** A webhook request whose Standard Webhooks signature is missing, wrong or too old (401). */
export class WebhookSignatureError extends HttpError {
  override readonly name = 'WebhookSignatureError';
  readonly status = 401;
}

/** A `/metrics` request without the bearer token `METRICS_TOKEN` sets (401). */
export class MetricsTokenError extends HttpError {
  override readonly name = 'MetricsTokenError';
  readonly status = 401;
  constructor() {
    super('metrics need the bearer token METRICS_TOKEN sets: Authorization: Bearer <token>');
  }
}

/** An authenticated caller who may not do this. */
export class ForbiddenError extends HttpError {
  override readonly name = 'ForbiddenError';
  readonly status = 403;
  constructor(message = 'forbidden') {
    super(message);
  }
}

/** A resource that does not exist, or that belongs to someone else. */
export class NotFoundError extends HttpError {
  override readonly name = 'NotFoundError';
  readonly status = 404;
  constructor(message = 'not found') {
    super(message);
  }
}

/** A request that contradicts the current state (a name taken, a resource in use). */
export class ConflictError extends HttpError {
  override readonly name = 'ConflictError';
  readonly status = 409;
}

/** A body over the size limit. */
export class PayloadTooLargeError extends HttpError {
  override readonly name = 'PayloadTooLargeError';
  readonly status = 413;
}

/** A caller over a rate limit. */
export class TooManyRequestsError extends HttpError {
  override readonly name = 'TooManyRequestsError';
  readonly status = 429;
}

/** The account's platform session cannot be reached right now; the request may be tried again. */
export class ServiceUnavailableError extends HttpError {
  override readonly name = 'ServiceUnavailableError';
  readonly status = 503;
}

/** A request method that no route of AutoHub answers, or not on this path. */
export class MethodNotAllowedError extends HttpError {
  override readonly name = 'MethodNotAllowedError';
  readonly status = 405;
}

/** A body in a content type or content encoding the route does not read. */
export class UnsupportedMediaTypeError extends HttpError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
}

/** One line naming each offending field, e.g. `target_keys: at most 50 targets`. */
export function formatZodError(err: ZodError): string {
  return err.issues
    .map((issue) => {
      const field = issue.path.join('.');
      const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
      if (missing) return `${field} is required`;
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
