/**
 * Translation of GramJS failures into {@link PlatformError}s.
 *
 * GramJS gives flood waits their own classes (whose `errorMessage` is just "FLOOD", hence
 * `instanceof` and `.seconds`); every other Telegram refusal is an `RPCError` whose
 * `errorMessage` is Telegram's own code, such as CHAT_WRITE_FORBIDDEN. Network trouble arrives
 * as plain `Error`s from the socket layer.
 */
import { errors } from 'telegram';
import { PlatformError, type PlatformErrorKind } from '../../domain/platform-port';

/**
 * Start of the message of the `invalid` error for a username someone else holds, so the API can
 * tell "taken" (409) from other invalid input (400). The sandbox words it the same way.
 */
export const USERNAME_TAKEN = 'username is taken';

interface Rule {
  kind: PlatformErrorKind;
  why: string;
}

const rule = (kind: PlatformErrorKind, why: string): Rule => ({ kind, why });

/** Telegram error codes (`errorMessage`) with a known meaning for AutoHub. */
const RULES: Record<string, Rule> = {
  CHAT_WRITE_FORBIDDEN: rule('forbidden', 'the account may not write in this chat'),
  CHAT_SEND_PLAIN_FORBIDDEN: rule('forbidden', 'text messages are not allowed in this chat'),
  CHAT_SEND_MEDIA_FORBIDDEN: rule('forbidden', 'media is not allowed in this chat'),
  CHAT_SEND_PHOTOS_FORBIDDEN: rule('forbidden', 'photos are not allowed in this chat'),
  CHAT_SEND_DOCS_FORBIDDEN: rule('forbidden', 'files are not allowed in this chat'),
  CHAT_GUEST_SEND_FORBIDDEN: rule('forbidden', 'the account must join this chat before writing'),
  CHAT_RESTRICTED: rule('forbidden', 'the chat is restricted'),
  CHAT_ADMIN_REQUIRED: rule('forbidden', 'admin rights are required'),
  USER_ADMIN_INVALID: rule('forbidden', 'the account may not moderate this member (not an admin with that right, or the member is an admin)'),
  RIGHT_FORBIDDEN: rule('forbidden', 'the account lacks the admin right this action needs'),
  MESSAGE_DELETE_FORBIDDEN: rule('forbidden', 'the account may not delete this message (not an admin with the right to delete)'),
  USER_CREATOR: rule('forbidden', "the chat's creator cannot be restricted or removed"),
  CHANNEL_PRIVATE: rule('forbidden', 'the channel is private or the account was removed from it'),
  CHANNEL_PUBLIC_GROUP_NA: rule('forbidden', 'the channel is not available'),
  USER_BANNED_IN_CHANNEL: rule('forbidden', 'the account is banned from sending in this chat'),
  USER_IS_BLOCKED: rule('forbidden', 'the user has blocked the account'),
  YOU_BLOCKED_USER: rule('forbidden', 'the account has blocked this user'),
  USER_IS_BOT: rule('forbidden', 'bots cannot be written to by this method'),
  USER_PRIVACY_RESTRICTED: rule('forbidden', "the user's privacy settings forbid this"),
  PRIVACY_PREMIUM_REQUIRED: rule('forbidden', 'the user accepts messages from Premium accounts only'),
  ALLOW_PAYMENT_REQUIRED: rule('forbidden', 'the user charges Stars for messages'),

  PEER_ID_INVALID: rule('not_found', 'the chat or user is unknown to this account'),
  USERNAME_NOT_OCCUPIED: rule('not_found', 'no chat or user has this username'),
  USERNAME_INVALID: rule('not_found', 'no chat or user can have this username'),
  CHANNEL_INVALID: rule('not_found', 'the channel is unknown to this account'),
  CHAT_ID_INVALID: rule('not_found', 'the group is unknown to this account'),
  USER_ID_INVALID: rule('not_found', 'the user is unknown to this account'),
  INPUT_USER_DEACTIVATED: rule('not_found', 'the user has deleted their account'),
  USER_NOT_PARTICIPANT: rule('not_found', 'the user is not a member of this chat'),
  PARTICIPANT_ID_INVALID: rule('not_found', 'the member is unknown to this chat'),

  PEER_FLOOD: rule('restricted', 'Telegram limits this account for spam: it may not message new people for now'),
  USER_RESTRICTED: rule('restricted', 'Telegram restricts this account for spam'),
  FROZEN_METHOD_INVALID: rule('restricted', 'the account is frozen by Telegram'),

  AUTH_KEY_UNREGISTERED: rule('auth_revoked', 'the session is not logged in'),
  AUTH_KEY_INVALID: rule('auth_revoked', 'the session key is invalid'),
  AUTH_KEY_PERM_EMPTY: rule('auth_revoked', 'the session key is temporary and unbound'),
  AUTH_KEY_DUPLICATED: rule('auth_revoked', 'the session was used from two places at once and Telegram revoked it'),
  SESSION_REVOKED: rule('auth_revoked', 'the session was terminated from another device'),
  SESSION_EXPIRED: rule('auth_revoked', 'the session expired'),
  USER_DEACTIVATED: rule('auth_revoked', 'the account was deleted'),
  USER_DEACTIVATED_BAN: rule('auth_revoked', 'the account was banned by Telegram'),
  SESSION_PASSWORD_NEEDED: rule('auth_revoked', 'the session is waiting for its 2FA password'),

  RPC_CALL_FAIL: rule('transient', 'Telegram failed internally'),
  RPC_MCGET_FAIL: rule('transient', 'Telegram failed internally'),
  TIMEOUT: rule('transient', 'Telegram timed out'),
  WORKER_BUSY_TOO_LONG_RETRY: rule('transient', 'Telegram is overloaded'),

  MESSAGE_TOO_LONG: rule('invalid', 'the message is too long (4096 characters at most)'),
  MESSAGE_EMPTY: rule('invalid', 'the message is empty'),
  MSG_ID_INVALID: rule('invalid', 'the message to reply to does not exist'),
  MESSAGE_ID_INVALID: rule('invalid', 'the message id is invalid'),
  UNTIL_DATE_INVALID: rule('invalid', 'the restriction end date is invalid'),
  RANDOM_ID_DUPLICATE: rule('invalid', 'a message with this client message id was already sent'),
  ENTITY_BOUNDS_INVALID: rule('invalid', 'the message formatting is invalid'),
  MEDIA_CAPTION_TOO_LONG: rule('invalid', 'the caption is too long (1024 characters at most, 4096 with Premium)'),
  USERNAME_OCCUPIED: rule('invalid', USERNAME_TAKEN),
  USERNAME_PURCHASE_AVAILABLE: rule('invalid', `${USERNAME_TAKEN} (it can be bought on Fragment)`),
  USERNAME_NOT_MODIFIED: rule('invalid', 'the username is already set'),
  USERNAMES_ACTIVE_TOO_MUCH: rule('invalid', 'the account has too many active usernames'),
  FIRSTNAME_INVALID: rule('invalid', 'the first name is invalid'),
  LASTNAME_INVALID: rule('invalid', 'the last name is invalid'),
  ABOUT_TOO_LONG: rule('invalid', 'the bio is too long'),
  PHOTO_INVALID_DIMENSIONS: rule('invalid', 'the photo dimensions are invalid'),
  PHOTO_CROP_SIZE_SMALL: rule('invalid', 'the photo is too small'),
  IMAGE_PROCESS_FAILED: rule('invalid', 'Telegram could not process the image'),
  PHOTO_EXT_INVALID: rule('invalid', 'the photo is not in a format Telegram accepts'),
  PHOTO_SAVE_FILE_INVALID: rule('invalid', 'Telegram could not store the photo'),
  FILE_PARTS_INVALID: rule('invalid', 'the file has too many parts (it is too large)'),
  PHONE_NUMBER_INVALID: rule('invalid', 'the phone number is invalid'),
  PHONE_NUMBER_BANNED: rule('invalid', 'the phone number is banned from Telegram'),
  PHONE_NUMBER_UNOCCUPIED: rule('invalid', 'no Telegram account uses this phone number'),
  PHONE_CODE_INVALID: rule('invalid', 'the login code is wrong'),
  PHONE_CODE_EXPIRED: rule('invalid', 'the login code has expired; request a new one'),
  PHONE_CODE_EMPTY: rule('invalid', 'the login code is empty'),
  PASSWORD_HASH_INVALID: rule('invalid', 'the 2FA password is wrong'),
  SRP_ID_INVALID: rule('invalid', 'the 2FA check expired; try the password again'),
  AUTH_TOKEN_EXPIRED: rule('invalid', 'the QR login token has expired'),
  API_ID_INVALID: rule('invalid', 'the configured Telegram apiId/apiHash pair is invalid'),
};

/** Wait assumed for a flood error that names no wait of its own. */
const DEFAULT_FLOOD_WAIT_SECONDS = 60;

/** Socket-level error codes that mean "the network failed, try again". */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);

/** Messages GramJS throws as plain errors when the connection is down or a peer is unknown. */
const TRANSIENT_TEXT = /disconnected|not connected|socket was closed|no data received|reconnection|request was unsuccessful|timed? ?out/i;
const UNKNOWN_PEER_TEXT = /could not find the input entity|cannot find any entity|no user has .* as username/i;

/** Telegram's own error code (`errorMessage`) of a GramJS RPC error, or undefined for anything else. */
export function telegramErrorCode(err: unknown): string | undefined {
  return err instanceof errors.RPCError ? err.errorMessage : undefined;
}

/**
 * Maps any failure from GramJS (or around it) to a {@link PlatformError}, keeping Telegram's own
 * error code in the message and the original error as `cause`. PlatformErrors pass through.
 */
export function toPlatformError(err: unknown): PlatformError {
  if (err instanceof PlatformError) return err;
  if (err instanceof errors.RPCError) return fromRpcError(err);
  const cause = { cause: err };
  const message = err instanceof Error ? err.message : String(err);
  if (UNKNOWN_PEER_TEXT.test(message)) {
    return new PlatformError('not_found', `PEER_ID_INVALID: ${message}`, undefined, cause);
  }
  const code = errorCodeOf(err);
  if ((code !== undefined && NETWORK_CODES.has(code)) || TRANSIENT_TEXT.test(message)) {
    return new PlatformError('transient', `network: ${message}`, undefined, cause);
  }
  // Anything unrecognised is treated as passing trouble: the activity's bounded retries decide.
  return new PlatformError('transient', `unexpected Telegram client failure: ${message}`, undefined, cause);
}

/** True for the `invalid` error {@link toPlatformError} makes of USERNAME_OCCUPIED and kin. */
export function isUsernameTaken(err: unknown): boolean {
  return err instanceof PlatformError && err.kind === 'invalid' && err.message.includes(USERNAME_TAKEN);
}

function fromRpcError(err: errors.RPCError): PlatformError {
  const cause = { cause: err };
  const seconds = waitSeconds(err);
  if (seconds !== undefined) {
    const name = err instanceof errors.SlowModeWaitError ? 'SLOWMODE_WAIT' : 'FLOOD_WAIT';
    return new PlatformError('rate_limited', `${name}_${seconds}: ${err.message}`, seconds, cause);
  }
  const known = RULES[err.errorMessage];
  if (known) return new PlatformError(known.kind, `${err.errorMessage}: ${known.why}`, undefined, cause);
  const message = `${err.errorMessage}: ${err.message}`;
  // A flood refusal without a stated wait still means "slow down", not "give up".
  if (err.code === 420) return new PlatformError('rate_limited', message, DEFAULT_FLOOD_WAIT_SECONDS, cause);
  return new PlatformError(kindForCode(err.code), message, undefined, cause);
}

/**
 * Seconds to wait for flood-type errors: GramJS's wait classes carry `.seconds`; other waits
 * (e.g. 2FA_CONFIRM_WAIT_<n>) keep the number only in Telegram's code.
 */
function waitSeconds(err: errors.RPCError): number | undefined {
  if (err instanceof errors.FloodError && 'seconds' in err && typeof err.seconds === 'number') {
    return err.seconds;
  }
  const match = /_WAIT_(\d+)$/.exec(err.errorMessage);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Kind by the HTTP-like class of an RPC error Telegram did not name in {@link RULES}. */
function kindForCode(code: number | undefined): PlatformErrorKind {
  if (code === undefined) return 'transient';
  // Telegram reports some internal failures with negative codes (-500, -503).
  if (Math.abs(code) >= 500) return 'transient';
  switch (code) {
    case 303:
      return 'transient';
    case 401:
      return 'auth_revoked';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    default:
      return 'invalid';
  }
}

function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}
