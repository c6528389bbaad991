import assert from 'node:assert/strict';
import { Api } from 'telegram';
import { TelegramLogins } from '../../../../src/platforms/telegram/telegram-logins';
import { isPlatformError } from '../../../../src/domain/platform-port';
import { connectSession, credentials, unexpected } from './session-harness';
import { rpcError, stubFactory } from './stub-client';

describe('TelegramSession.logout', () => {
  it('logs the session out at Telegram and closes the client', async () => {
    const { session, client } = await connectSession((request) => {
      if (request instanceof Api.auth.LogOut) return new Api.auth.LoggedOut({});
      return unexpected(request);
    });
    await session.logout?.();
    assert.equal(client.sent(Api.auth.LogOut).length, 1);
    assert.equal(client.destroyed, true);
  });

  it('counts a session Telegram already revoked as logged out', async () => {
    const { session, client } = await connectSession((request) => {
      if (request instanceof Api.auth.LogOut) throw rpcError('AUTH_KEY_UNREGISTERED', request, 401);
      return unexpected(request);
    });
    await session.logout?.();
    assert.equal(client.destroyed, true);
  });

  it('reports other failures, and still closes the client', async () => {
    const { session, client } = await connectSession((request) => {
      if (request instanceof Api.auth.LogOut) throw rpcError('RPC_CALL_FAIL', request, 500);
      return unexpected(request);
    });
    await assert.rejects(session.logout!(), (err) => isPlatformError(err, 'transient'));
    assert.equal(client.destroyed, true);
  });
});

describe('TelegramLogins.end with a login', () => {
  it('ends only the login it names, not one that replaced it', async () => {
    const logins = new TelegramLogins({ ...credentials, clientFactory: stubFactory(unexpected) });
    const first = await logins.begin('acc-1');
    const second = await logins.begin('acc-1');
    await logins.end('acc-1', first);
    assert.equal(logins.get('acc-1'), second);
    await logins.end('acc-1', second);
    assert.equal(logins.get('acc-1'), undefined);
  });
});
