import assert from 'node:assert/strict';
import { Boom } from '@hapi/boom';
import { PlatformError } from '../../../../src/domain/platform-port';
import { loadBaileys, type BaileysModule } from '../../../../src/platforms/whatsapp/baileys';
import {
  DISCONNECT_REASON,
  RATE_LIMIT_RETRY_SECONDS,
  classifyDisconnect,
  toPlatformError,
} from '../../../../src/platforms/whatsapp/errors';
import { iqError } from './stub-socket';

describe('whatsapp error mapping', () => {
  let baileys: BaileysModule;
  before(async () => {
    baileys = await loadBaileys();
  });

  /** The error Baileys itself throws for an IQ answered with `<error code text>`. */
  function queryError(code: number, text: string): unknown {
    try {
      baileys.assertNodeErrorFree(iqError(code, text));
    } catch (err) {
      return err;
    }
    throw new Error('assertNodeErrorFree did not throw');
  }

  function closed(statusCode: number, message = 'Connection Failure'): Boom {
    return new Boom(message, { statusCode });
  }

  it('mirrors every DisconnectReason code of Baileys', () => {
    for (const [name, code] of Object.entries(DISCONNECT_REASON)) {
      assert.equal(baileys.DisconnectReason[name as keyof typeof DISCONNECT_REASON], code, name);
    }
  });

  it('maps rate-overlimit to rate_limited with a retry delay', () => {
    for (const err of [queryError(429, 'rate-overlimit'), new Boom('rate-overlimit'), closed(429, 'Too Many')]) {
      const mapped = toPlatformError(err);
      assert.equal(mapped.kind, 'rate_limited');
      assert.equal(mapped.retryAfterSeconds, RATE_LIMIT_RETRY_SECONDS);
    }
  });

  it('maps a refused query (not-authorized, forbidden) to forbidden, not to a revoked login', () => {
    assert.equal(toPlatformError(queryError(401, 'not-authorized')).kind, 'forbidden');
    assert.equal(toPlatformError(queryError(403, 'forbidden')).kind, 'forbidden');
  });

  it('maps a logged-out connection to auth_revoked and a refused account to restricted', () => {
    assert.equal(toPlatformError(closed(baileys.DisconnectReason.loggedOut)).kind, 'auth_revoked');
    assert.equal(toPlatformError(closed(baileys.DisconnectReason.forbidden)).kind, 'restricted');
  });

  it('maps item-not-found and 404 to not_found', () => {
    assert.equal(toPlatformError(queryError(404, 'item-not-found')).kind, 'not_found');
    assert.equal(toPlatformError(queryError(404, 'gone-away')).kind, 'not_found');
  });

  it('maps bad requests to invalid', () => {
    assert.equal(toPlatformError(queryError(400, 'bad-request')).kind, 'invalid');
    assert.equal(toPlatformError(queryError(406, 'something')).kind, 'invalid');
  });

  it('maps closed, lost, timed-out and 5xx connections to transient', () => {
    const { connectionClosed, connectionLost, timedOut, badSession, unavailableService, restartRequired } =
      baileys.DisconnectReason;
    for (const code of [connectionClosed, connectionLost, timedOut, badSession, unavailableService, restartRequired]) {
      assert.equal(toPlatformError(closed(code)).kind, 'transient', String(code));
    }
    assert.equal(toPlatformError(new Boom('Timed Out', { statusCode: 408 })).kind, 'transient');
    assert.equal(toPlatformError(queryError(500, 'internal-server-error')).kind, 'transient');
  });

  it('treats errors that are not Boom errors as transient', () => {
    assert.equal(toPlatformError(new Error('socket hang up')).kind, 'transient');
    assert.equal(toPlatformError('weird').kind, 'transient');
  });

  it('passes a PlatformError through unchanged', () => {
    const original = new PlatformError('not_found', 'gone');
    assert.equal(toPlatformError(original, 'x'), original);
  });

  it('names the operation in the message and keeps the original error as cause', () => {
    const err = queryError(404, 'item-not-found');
    const mapped = toPlatformError(err, 'groupMetadata 1@g.us');
    assert.equal(mapped.message, 'whatsapp groupMetadata 1@g.us: item-not-found');
    assert.equal(mapped.cause, err);
  });

  describe('classifyDisconnect', () => {
    it('restarts on restartRequired, stops on loggedOut, connectionReplaced and forbidden', () => {
      const reason = baileys.DisconnectReason;
      assert.equal(classifyDisconnect(closed(reason.restartRequired)), 'restart');
      assert.equal(classifyDisconnect(closed(reason.loggedOut)), 'logged_out');
      assert.equal(classifyDisconnect(closed(reason.connectionReplaced)), 'replaced');
      assert.equal(classifyDisconnect(closed(reason.forbidden)), 'refused');
    });

    it('reconnects on every other close, including one without an error', () => {
      const reason = baileys.DisconnectReason;
      for (const code of [reason.connectionClosed, reason.connectionLost, reason.badSession, reason.unavailableService]) {
        assert.equal(classifyDisconnect(closed(code)), 'reconnect', String(code));
      }
      assert.equal(classifyDisconnect(undefined), 'reconnect');
      assert.equal(classifyDisconnect(new Error('ECONNRESET')), 'reconnect');
    });
  });
});
