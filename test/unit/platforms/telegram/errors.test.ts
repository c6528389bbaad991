import assert from 'node:assert/strict';
import { Api, errors } from 'telegram';
import { USERNAME_TAKEN, isUsernameTaken, toPlatformError } from '../../../../src/platforms/telegram/errors';
import { PlatformError, type PlatformErrorKind } from '../../../../src/domain/platform-port';
import { rpcError } from './stub-client';

const send = new Api.messages.SendMessage({ peer: new Api.InputPeerEmpty(), message: 'hi' });
const sendMedia = new Api.messages.SendMedia({ peer: new Api.InputPeerEmpty(), media: new Api.InputMediaEmpty(), message: 'hi' });

interface Row {
  name: string;
  error: () => unknown;
  kind: PlatformErrorKind;
  retryAfter?: number;
  /** Text the message must keep (Telegram's own code, mostly). */
  mentions: string;
}

const rows: Row[] = [
  { name: 'FloodWaitError', error: () => new errors.FloodWaitError({ capture: 30, request: send }), kind: 'rate_limited', retryAfter: 30, mentions: 'FLOOD_WAIT_30' },
  { name: 'FLOOD_PREMIUM_WAIT_12 (raised as FloodWaitError)', error: () => rpcError('FLOOD_PREMIUM_WAIT_12', send, 420), kind: 'rate_limited', retryAfter: 12, mentions: '12' },
  { name: 'SlowModeWaitError', error: () => new errors.SlowModeWaitError({ capture: 45, request: send }), kind: 'rate_limited', retryAfter: 45, mentions: 'SLOWMODE_WAIT_45' },
  { name: 'FloodTestPhoneWaitError', error: () => new errors.FloodTestPhoneWaitError({ capture: 7 }), kind: 'rate_limited', retryAfter: 7, mentions: '7' },
  { name: 'a wait named only in the code', error: () => new errors.RPCError('2FA_CONFIRM_WAIT_600', send, 420), kind: 'rate_limited', retryAfter: 600, mentions: '2FA_CONFIRM_WAIT_600' },
  { name: 'an unknown 420 without a wait', error: () => new errors.RPCError('SOME_FLOOD', send, 420), kind: 'rate_limited', retryAfter: 60, mentions: 'SOME_FLOOD' },

  { name: 'CHAT_WRITE_FORBIDDEN', error: () => rpcError('CHAT_WRITE_FORBIDDEN', send, 403), kind: 'forbidden', mentions: 'CHAT_WRITE_FORBIDDEN' },
  { name: 'USER_BANNED_IN_CHANNEL', error: () => rpcError('USER_BANNED_IN_CHANNEL', send), kind: 'forbidden', mentions: 'USER_BANNED_IN_CHANNEL' },
  { name: 'CHANNEL_PRIVATE', error: () => rpcError('CHANNEL_PRIVATE', send), kind: 'forbidden', mentions: 'CHANNEL_PRIVATE' },
  { name: 'CHAT_ADMIN_REQUIRED', error: () => rpcError('CHAT_ADMIN_REQUIRED', send), kind: 'forbidden', mentions: 'CHAT_ADMIN_REQUIRED' },
  { name: 'CHAT_SEND_PLAIN_FORBIDDEN', error: () => rpcError('CHAT_SEND_PLAIN_FORBIDDEN', send, 403), kind: 'forbidden', mentions: 'CHAT_SEND_PLAIN_FORBIDDEN' },
  { name: 'CHAT_SEND_MEDIA_FORBIDDEN', error: () => rpcError('CHAT_SEND_MEDIA_FORBIDDEN', sendMedia, 403), kind: 'forbidden', mentions: 'CHAT_SEND_MEDIA_FORBIDDEN' },
  { name: 'CHAT_SEND_PHOTOS_FORBIDDEN', error: () => rpcError('CHAT_SEND_PHOTOS_FORBIDDEN', sendMedia, 403), kind: 'forbidden', mentions: 'CHAT_SEND_PHOTOS_FORBIDDEN' },
  { name: 'CHAT_SEND_DOCS_FORBIDDEN', error: () => rpcError('CHAT_SEND_DOCS_FORBIDDEN', sendMedia, 403), kind: 'forbidden', mentions: 'CHAT_SEND_DOCS_FORBIDDEN' },
  { name: 'USER_IS_BLOCKED', error: () => rpcError('USER_IS_BLOCKED', send), kind: 'forbidden', mentions: 'USER_IS_BLOCKED' },
  { name: 'an unknown 403', error: () => new errors.RPCError('SOMETHING_FORBIDDEN', send, 403), kind: 'forbidden', mentions: 'SOMETHING_FORBIDDEN' },

  { name: 'PEER_ID_INVALID', error: () => rpcError('PEER_ID_INVALID', send), kind: 'not_found', mentions: 'PEER_ID_INVALID' },
  { name: 'USERNAME_NOT_OCCUPIED', error: () => rpcError('USERNAME_NOT_OCCUPIED', send), kind: 'not_found', mentions: 'USERNAME_NOT_OCCUPIED' },
  { name: 'USERNAME_INVALID', error: () => rpcError('USERNAME_INVALID', send), kind: 'not_found', mentions: 'USERNAME_INVALID' },
  { name: 'CHANNEL_INVALID', error: () => rpcError('CHANNEL_INVALID', send), kind: 'not_found', mentions: 'CHANNEL_INVALID' },
  { name: "GramJS's unknown input entity", error: () => new Error('Could not find the input entity for {"userId":"5"}.'), kind: 'not_found', mentions: 'Could not find the input entity' },
  { name: "GramJS's unknown username", error: () => new Error('No user has "ghost" as username'), kind: 'not_found', mentions: 'ghost' },

  { name: 'PEER_FLOOD', error: () => rpcError('PEER_FLOOD', send), kind: 'restricted', mentions: 'PEER_FLOOD' },

  { name: 'AUTH_KEY_UNREGISTERED', error: () => rpcError('AUTH_KEY_UNREGISTERED', send, 401), kind: 'auth_revoked', mentions: 'AUTH_KEY_UNREGISTERED' },
  { name: 'SESSION_REVOKED', error: () => rpcError('SESSION_REVOKED', send, 401), kind: 'auth_revoked', mentions: 'SESSION_REVOKED' },
  { name: 'SESSION_EXPIRED', error: () => rpcError('SESSION_EXPIRED', send, 401), kind: 'auth_revoked', mentions: 'SESSION_EXPIRED' },
  { name: 'USER_DEACTIVATED', error: () => rpcError('USER_DEACTIVATED', send, 401), kind: 'auth_revoked', mentions: 'USER_DEACTIVATED' },
  { name: 'USER_DEACTIVATED_BAN', error: () => rpcError('USER_DEACTIVATED_BAN', send, 401), kind: 'auth_revoked', mentions: 'USER_DEACTIVATED_BAN' },
  { name: 'AUTH_KEY_DUPLICATED', error: () => rpcError('AUTH_KEY_DUPLICATED', send, 406), kind: 'auth_revoked', mentions: 'AUTH_KEY_DUPLICATED' },
  { name: 'an unknown 401', error: () => new errors.RPCError('SOME_UNAUTHORIZED', send, 401), kind: 'auth_revoked', mentions: 'SOME_UNAUTHORIZED' },

  { name: 'ServerError (500)', error: () => new errors.ServerError('INTERNAL', send, 500), kind: 'transient', mentions: 'INTERNAL' },
  { name: 'RPC_CALL_FAIL', error: () => rpcError('RPC_CALL_FAIL', send, 500), kind: 'transient', mentions: 'RPC_CALL_FAIL' },
  { name: 'TimedOutError (-503)', error: () => new errors.TimedOutError('Timeout', send, -503), kind: 'transient', mentions: 'Timeout' },
  { name: 'an unknown -500', error: () => new errors.RPCError('WEIRD', send, -500), kind: 'transient', mentions: 'WEIRD' },
  { name: 'a reset socket', error: () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), kind: 'transient', mentions: 'ECONNRESET' },
  { name: "GramJS's disconnected client", error: () => new Error('Cannot send requests while disconnected. Please reconnect.'), kind: 'transient', mentions: 'disconnected' },
  { name: "GramJS's string rejection after reconnects run out", error: () => 'Maximum reconnection retries reached. Aborting!', kind: 'transient', mentions: 'Maximum reconnection' },

  { name: 'MESSAGE_TOO_LONG', error: () => rpcError('MESSAGE_TOO_LONG', send), kind: 'invalid', mentions: 'MESSAGE_TOO_LONG' },
  { name: 'MESSAGE_EMPTY', error: () => rpcError('MESSAGE_EMPTY', send), kind: 'invalid', mentions: 'MESSAGE_EMPTY' },
  { name: 'MEDIA_CAPTION_TOO_LONG', error: () => rpcError('MEDIA_CAPTION_TOO_LONG', sendMedia), kind: 'invalid', mentions: 'MEDIA_CAPTION_TOO_LONG' },
  { name: 'PHOTO_INVALID_DIMENSIONS', error: () => rpcError('PHOTO_INVALID_DIMENSIONS', sendMedia), kind: 'invalid', mentions: 'PHOTO_INVALID_DIMENSIONS' },
  { name: 'PHOTO_EXT_INVALID', error: () => rpcError('PHOTO_EXT_INVALID', sendMedia), kind: 'invalid', mentions: 'PHOTO_EXT_INVALID' },
  { name: 'IMAGE_PROCESS_FAILED', error: () => rpcError('IMAGE_PROCESS_FAILED', sendMedia), kind: 'invalid', mentions: 'IMAGE_PROCESS_FAILED' },
  { name: 'PHOTO_SAVE_FILE_INVALID', error: () => rpcError('PHOTO_SAVE_FILE_INVALID', sendMedia), kind: 'invalid', mentions: 'PHOTO_SAVE_FILE_INVALID' },
  { name: 'FILE_PARTS_INVALID', error: () => rpcError('FILE_PARTS_INVALID', sendMedia), kind: 'invalid', mentions: 'FILE_PARTS_INVALID' },
  { name: 'USERNAME_OCCUPIED', error: () => rpcError('USERNAME_OCCUPIED', send), kind: 'invalid', mentions: USERNAME_TAKEN },
  { name: 'an unknown 400', error: () => new errors.RPCError('SOMETHING_INVALID', send, 400), kind: 'invalid', mentions: 'SOMETHING_INVALID' },
];

describe('toPlatformError', () => {
  for (const row of rows) {
    it(`maps ${row.name} to ${row.kind}`, () => {
      const source = row.error();
      const mapped = toPlatformError(source);
      assert.ok(mapped instanceof PlatformError);
      assert.equal(mapped.kind, row.kind);
      assert.equal(mapped.retryAfterSeconds, row.retryAfter);
      assert.ok(mapped.message.includes(row.mentions), `"${mapped.message}" should mention ${row.mentions}`);
      assert.equal(mapped.cause, source);
    });
  }

  it('passes PlatformErrors through unchanged', () => {
    const original = new PlatformError('forbidden', 'already mapped');
    assert.equal(toPlatformError(original), original);
  });

  it('marks only the username-taken errors as taken', () => {
    assert.equal(isUsernameTaken(toPlatformError(rpcError('USERNAME_OCCUPIED', send))), true);
    assert.equal(isUsernameTaken(toPlatformError(rpcError('USERNAME_PURCHASE_AVAILABLE', send))), true);
    assert.equal(isUsernameTaken(toPlatformError(rpcError('MESSAGE_EMPTY', send))), false);
    assert.equal(isUsernameTaken(new Error(USERNAME_TAKEN)), false);
  });
});
