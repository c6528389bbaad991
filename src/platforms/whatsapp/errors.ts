/**
 * Maps Baileys failures to {@link PlatformError} kinds.
 *
 * Baileys fails in two shapes, both `Boom` errors from `@hapi/boom`:
 * - query errors: the server answered an IQ with `<error code=… text=…>`; Baileys throws
 *   `new Boom(text, { data: code })`, so the status code is in `data` and `output.statusCode` is 500;
 * - connection errors: the socket closed; `output.statusCode` holds a `DisconnectReason`.
 */
import { PlatformError, type PlatformErrorKind } from '../../domain/platform-port';

/**
 * Baileys' `DisconnectReason` codes, mirrored so mapping needs no loaded Baileys module
 * (the unit tests compare them with the real enum).
 */
export const DISCONNECT_REASON = {
  connectionClosed: 428,
  connectionLost: 408,
  connectionReplaced: 440,
  timedOut: 408,
  loggedOut: 401,
  badSession: 500,
  restartRequired: 515,
  multideviceMismatch: 411,
  forbidden: 403,
  unavailableService: 503,
} as const;

/**
 * Seconds to wait after WhatsApp answers `rate-overlimit`. WhatsApp gives no retry-after; a
 * minute clears its short per-query windows without stalling a broadcast for long.
 */
export const RATE_LIMIT_RETRY_SECONDS = 60;

interface BoomLike {
  isBoom: true;
  message: string;
  output: { statusCode: number };
  data?: unknown;
}

function isBoom(err: unknown): err is BoomLike {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { isBoom?: unknown }).isBoom === true &&
    typeof (err as { output?: { statusCode?: unknown } }).output?.statusCode === 'number'
  );
}

/** The `DisconnectReason` status code of a connection error, if it has one. */
export function disconnectStatusCode(err: unknown): number | undefined {
  return isBoom(err) ? err.output.statusCode : undefined;
}

/** IQ error texts WhatsApp sends, by the kind they mean. */
const QUERY_ERROR_TEXTS: Readonly<Record<string, PlatformErrorKind>> = {
  'rate-overlimit': 'rate_limited',
  'not-authorized': 'forbidden',
  forbidden: 'forbidden',
  'item-not-found': 'not_found',
  'bad-request': 'invalid',
  'not-acceptable': 'invalid',
  'internal-server-error': 'transient',
  'service-unavailable': 'transient',
};

function kindOfQueryCode(code: number): PlatformErrorKind {
  if (code === 429) return 'rate_limited';
  // Inside a query, 401/403 mean "not allowed here" (a group we left), not a dead session.
  if (code === 401 || code === 403) return 'forbidden';
  if (code === 404 || code === 410) return 'not_found';
  if (code === 400 || code === 406 || code === 409) return 'invalid';
  return 'transient';
}

function kindOfConnectionCode(code: number): PlatformErrorKind {
  if (code === 429) return 'rate_limited';
  if (code === DISCONNECT_REASON.loggedOut) return 'auth_revoked';
  // WhatsApp refuses the whole account (banned or blocked); sending cannot work until that is lifted.
  if (code === DISCONNECT_REASON.forbidden) return 'restricted';
  if (code === 404) return 'not_found';
  if (code === 400) return 'invalid';
  return 'transient';
}

function make(kind: PlatformErrorKind, message: string, cause: unknown): PlatformError {
  const retryAfter = kind === 'rate_limited' ? RATE_LIMIT_RETRY_SECONDS : undefined;
  return new PlatformError(kind, message, retryAfter, { cause });
}

/**
 * Turns anything Baileys (or a WhatsApp call) threw into a {@link PlatformError}.
 *
 * `context` prefixes the message (`sendMessage to 123@g.us`). A `PlatformError` passes through
 * unchanged. Errors that are not Boom errors are `transient`: they are network or library
 * hiccups far more often than permanent faults, and a retry is cheap.
 */
export function toPlatformError(err: unknown, context?: string): PlatformError {
  if (err instanceof PlatformError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  const message = context ? `whatsapp ${context}: ${detail}` : `whatsapp: ${detail}`;
  if (!isBoom(err)) return make('transient', message, err);

  const byText = QUERY_ERROR_TEXTS[err.message.trim().toLowerCase()];
  if (byText) return make(byText, message, err);
  if (typeof err.data === 'number' && Number.isFinite(err.data)) {
    return make(kindOfQueryCode(err.data), message, err);
  }
  return make(kindOfConnectionCode(err.output.statusCode), message, err);
}

/** What the connection should do after its socket closed. */
export type DisconnectAction =
  /** The server wants a fresh socket on the same creds (after pairing): reconnect at once. */
  | 'restart'
  /** The device was unlinked: wipe the creds; a new login is needed. */
  | 'logged_out'
  /** Another client opened this session: stop, reconnecting would fight it. */
  | 'replaced'
  /** WhatsApp refuses the account: stop and keep the creds. */
  | 'refused'
  /** Anything else: reconnect with backoff. */
  | 'reconnect';

/** Decides what to do about the error a socket closed with (`lastDisconnect.error`). */
export function classifyDisconnect(err: unknown): DisconnectAction {
  switch (disconnectStatusCode(err)) {
    case DISCONNECT_REASON.restartRequired:
      return 'restart';
    case DISCONNECT_REASON.loggedOut:
      return 'logged_out';
    case DISCONNECT_REASON.connectionReplaced:
      return 'replaced';
    case DISCONNECT_REASON.forbidden:
      return 'refused';
    default:
      return 'reconnect';
  }
}
