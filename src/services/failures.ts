/** What a workflow's failure means to the caller who started it: the HTTP error it is answered with. */
import { BadRequestError, ConflictError, HttpError, ServiceUnavailableError, TooManyRequestsError } from '../errors';
import { ScanEndTypes } from '../workflows/scan.shared';
import { FailureTypes, PLATFORM_FAILURES } from '../workflows/shared';

// Failure types whose messages come from a platform driver and are safe to show; a PlatformError
// that exhausted its retries (connection trouble) keeps its class name as its type.
const PLATFORM_MESSAGE_TYPES = new Set<string>([...PLATFORM_FAILURES, 'PlatformError']);

/**
 * The HTTP error for a failure a scan or profile workflow ended with: the platform refusing the
 * request (400), a taken username, an account that cannot act or a scan cancelled or aborted
 * (409), a rate limit (429), a session out of reach (503). Anything else is an internal error whose message is not shown.
 */
export function httpErrorFor(type: string | null, message: string): HttpError | Error {
  const t = FailureTypes;
  switch (type) {
    case t.Invalid:
    case t.NotFound:
    case t.Forbidden:
    case t.UploadMissing:
      return new BadRequestError(message);
    case t.UsernameTaken:
    case t.AccountRestricted:
    case t.AuthRevoked:
    case ScanEndTypes.Cancelled:
    case ScanEndTypes.Aborted:
      return new ConflictError(message);
    case t.RateLimited:
      return new TooManyRequestsError(message);
    default:
      return type !== null && PLATFORM_MESSAGE_TYPES.has(type) ? new ServiceUnavailableError(message) : new Error(message);
  }
}
