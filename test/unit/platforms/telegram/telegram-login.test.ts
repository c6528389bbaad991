import assert from 'node:assert/strict';
import { Api, errors } from 'telegram';
import { StringSession } from 'telegram/sessions';
import { TelegramLogin, normalizePhone } from '../../../../src/platforms/telegram/telegram-login';
import { TelegramLogins } from '../../../../src/platforms/telegram/telegram-logins';
import { isPlatformError } from '../../../../src/domain/platform-port';
import { user } from './fixtures';
import { SrpServer } from './srp-server';
import { rpcError, settle, stubFactory, type Responder } from './stub-client';

const credentials = { apiId: 12345, apiHash: '0123456789abcdef0123456789abcdef' };
const me = user(5001, { username: 'alice', firstName: 'Alice', lastName: 'Liddell', phone: '15550001111', self: true });

/** Telegram's side of a phone login: one code, optionally an SRP-checked 2FA password. */
function phoneServer(options: { code: string; srp?: SrpServer; expired?: boolean }): Responder {
  return async (request) => {
    if (request instanceof Api.auth.SendCode) {
      return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeApp({ length: 5 }), phoneCodeHash: 'hash-1' });
    }
    if (request instanceof Api.auth.SignIn) {
      assert.equal(request.phoneCodeHash, 'hash-1');
      if (options.expired) throw rpcError('PHONE_CODE_EXPIRED', request);
      if (request.phoneCode !== options.code) throw rpcError('PHONE_CODE_INVALID', request);
      if (options.srp) throw rpcError('SESSION_PASSWORD_NEEDED', request, 401);
      return new Api.auth.Authorization({ user: me });
    }
    if (request instanceof Api.account.GetPassword && options.srp) return options.srp.passwordParams();
    if (request instanceof Api.auth.CheckPassword && options.srp) {
      const verdict = await options.srp.verify(request.password);
      if (verdict === 'wrong') throw rpcError('PASSWORD_HASH_INVALID', request);
      if (verdict === 'stale') throw rpcError('SRP_ID_INVALID', request);
      return new Api.auth.Authorization({ user: me });
    }
    throw new Error(`unexpected request ${request.className}`);
  };
}

function assertSessionString(session: string, dcId: number): void {
  const restored = new StringSession(session);
  assert.equal(restored.dcId, dcId);
  assert.ok(session.length > 100);
}

describe('TelegramLogin (phone)', () => {
  it('sends the code and signs in on the same client, ending connected with a session string', async () => {
    const factory = stubFactory(phoneServer({ code: '12345' }));
    const login = new TelegramLogin({ ...credentials, clientFactory: factory });

    const sent = await login.startPhoneLogin('+1 (555) 000-1111');
    assert.deepEqual(sent, { status: 'code_sent', phoneCodeHash: 'hash-1', via: 'app' });

    const done = await login.submitCode('12 345');
    assert.equal(done.status, 'connected');
    assert.equal(factory.clients.length, 1);
    const [client] = factory.clients;
    assert.deepEqual(client!.requests.map((r) => r.className), ['auth.SendCode', 'auth.SignIn']);
    const [sendCode] = client!.sent(Api.auth.SendCode);
    assert.equal(sendCode!.phoneNumber, '+15550001111');
    assert.equal(client!.sent(Api.auth.SignIn)[0]!.phoneCode, '12345');
    if (done.status !== 'connected') return;
    assertSessionString(done.session, 2);
    assert.deepEqual(done.user, { id: '5001', username: 'alice', name: 'Alice Liddell', phone: '+15550001111' });
    assert.equal(client!.destroyed, true, 'the login client is closed once the session is handed over');
  });

  it('asks for the 2FA password with its hint, then connects when the SRP proof checks out', async () => {
    const srp = new SrpServer('correct horse', 'the usual');
    const factory = stubFactory(phoneServer({ code: '12345', srp }));
    const login = new TelegramLogin({ ...credentials, clientFactory: factory });
    await login.startPhoneLogin('+15550001111');

    assert.deepEqual(await login.submitCode('12345'), { status: 'password_required', hint: 'the usual' });
    const done = await login.submitPassword('correct horse');

    assert.equal(done.status, 'connected');
    assertSessionString(done.session, 2);
    assert.equal(factory.clients.length, 1);
    assert.equal(factory.clients[0]!.sent(Api.auth.CheckPassword).length, 1);
  });

  it('rejects a wrong password as invalid and still accepts the right one afterwards', async () => {
    const srp = new SrpServer('correct horse', 'the usual');
    const login = new TelegramLogin({ ...credentials, clientFactory: stubFactory(phoneServer({ code: '12345', srp })) });
    await login.startPhoneLogin('+15550001111');
    await login.submitCode('12345');

    await assert.rejects(login.submitPassword('battery staple'), (err) => isPlatformError(err, 'invalid') && err.message.includes('PASSWORD_HASH_INVALID'));
    assert.equal(login.state.status, 'password_required');
    assert.equal((await login.submitPassword('correct horse')).status, 'connected');
  });

  it('rejects a wrong code as invalid and keeps waiting for the right one', async () => {
    const login = new TelegramLogin({ ...credentials, clientFactory: stubFactory(phoneServer({ code: '12345' })) });
    await login.startPhoneLogin('+15550001111');

    await assert.rejects(login.submitCode('99999'), (err) => isPlatformError(err, 'invalid') && err.message.includes('PHONE_CODE_INVALID'));
    assert.equal(login.state.status, 'code_sent');
    assert.equal((await login.submitCode('12345')).status, 'connected');
  });

  it('ends the login when the code has expired, so a new code must be requested', async () => {
    const factory = stubFactory(phoneServer({ code: '12345', expired: true }));
    const login = new TelegramLogin({ ...credentials, clientFactory: factory });
    await login.startPhoneLogin('+15550001111');

    await assert.rejects(login.submitCode('12345'), (err) => isPlatformError(err, 'invalid') && err.message.includes('PHONE_CODE_EXPIRED'));
    assert.equal(login.state.status, 'failed');
    assert.equal(factory.clients[0]!.destroyed, true);
    await assert.rejects(login.submitCode('12345'), (err) => isPlatformError(err, 'invalid') && err.message.includes('start the phone login'));
  });

  it('fails once, as invalid, for a number that has no Telegram account yet', async () => {
    const login = new TelegramLogin({
      ...credentials,
      clientFactory: stubFactory((request) => {
        if (request instanceof Api.auth.SendCode) return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeSms({ length: 5 }), phoneCodeHash: 'h' });
        if (request instanceof Api.auth.SignIn) return new Api.auth.AuthorizationSignUpRequired({});
        throw new Error(`unexpected ${request.className}`);
      }),
    });
    const seen: string[] = [];
    login.onChange((state) => seen.push(state.status));

    assert.equal((await login.startPhoneLogin('+15550001111')).via, 'sms');
    await assert.rejects(login.submitCode('11111'), (err) => isPlatformError(err, 'invalid') && err.message.includes('PHONE_NUMBER_UNOCCUPIED'));
    assert.deepEqual(seen, ['idle', 'code_sent', 'failed']);
  });

  it('reports a refused code request as rate limited with Telegram\'s wait', async () => {
    const login = new TelegramLogin({
      ...credentials,
      clientFactory: stubFactory((request) => {
        throw new errors.FloodWaitError({ capture: 3600, request });
      }),
    });
    await assert.rejects(login.startPhoneLogin('+15550001111'), (err) => isPlatformError(err, 'rate_limited') && err.retryAfterSeconds === 3600);
    assert.equal(login.state.status, 'failed');
  });

  it('fails clearly before connecting when apiId or apiHash is missing', async () => {
    const factory = stubFactory(phoneServer({ code: '1' }));
    const login = new TelegramLogin({ apiId: undefined, apiHash: '', clientFactory: factory });
    await assert.rejects(login.startPhoneLogin('+15550001111'), (err) => isPlatformError(err, 'invalid') && /apiId and apiHash missing/.test(err.message));
    await assert.rejects(login.startQrLogin(), (err) => isPlatformError(err, 'invalid') && err.message.includes('my.telegram.org'));
    assert.equal(factory.clients.length, 0);
  });

  it('rejects phone numbers that cannot be international numbers', () => {
    assert.equal(normalizePhone('1 555 000 1111'), '+15550001111');
    assert.throws(() => normalizePhone('call me'), (err) => isPlatformError(err, 'invalid'));
  });
});

describe('TelegramLogin (QR)', () => {
  const token1 = Buffer.from([0xfb, 0xff, 0x01, 0x02]);
  const token2 = Buffer.from([0x0a, 0x0b, 0x0c]);
  const future = () => Math.floor(Date.now() / 1000) + 30;

  it('shows a tg://login url and connects once the phone accepts the token', async () => {
    const answers: Array<() => unknown> = [
      () => new Api.auth.LoginToken({ expires: future(), token: token1 }),
      () => new Api.auth.LoginTokenSuccess({ authorization: new Api.auth.Authorization({ user: me }) }),
    ];
    const factory = stubFactory((request) => {
      assert.ok(request instanceof Api.auth.ExportLoginToken);
      assert.equal(request.apiId, credentials.apiId);
      return answers.shift()!();
    });
    const login = new TelegramLogin({ ...credentials, clientFactory: factory });

    const pending = await login.startQrLogin();
    assert.equal(pending.qrUrl, `tg://login?token=${token1.toString('base64url')}`);
    assert.equal(pending.qrUrl.split('token=')[1], '-_8BAg', 'base64url without padding, not base64');

    const next = login.waitForChange(1_000);
    await factory.clients[0]!.emit(new Api.UpdateLoginToken());
    const done = await next;
    assert.equal(done.status, 'connected');
    if (done.status === 'connected') assertSessionString(done.session, 2);
    assert.equal(factory.clients[0]!.destroyed, true);
  });

  it('ignores updates other than UpdateLoginToken while waiting', async () => {
    const factory = stubFactory(() => new Api.auth.LoginToken({ expires: future(), token: token1 }));
    const login = new TelegramLogin({ ...credentials, clientFactory: factory });
    await login.startQrLogin();
    await factory.clients[0]!.emit(new Api.UpdateConfig());
    await settle(5);
    assert.equal(factory.clients[0]!.sent(Api.auth.ExportLoginToken).length, 1);
    await login.cancel();
  });

  it('refreshes the token when it expires', async () => {
    const answers = [token1, token2];
    const factory = stubFactory(() => new Api.auth.LoginToken({ expires: Math.floor(Date.now() / 1000), token: answers.shift() ?? token2 }));
    const login = new TelegramLogin({ ...credentials, clientFactory: factory, qrMinRefreshMs: 10 });

    const first = await login.startQrLogin();
    const second = await login.waitForChange(1_000);

    assert.equal(second.status, 'qr_pending');
    if (second.status === 'qr_pending') {
      assert.notEqual(second.qrUrl, first.qrUrl);
      assert.equal(second.qrUrl, `tg://login?token=${token2.toString('base64url')}`);
    }
    await login.cancel();
    assert.equal(factory.clients[0]!.destroyed, true);
  });

  it('stays cancelled when an answer arrives after the login was cancelled', async () => {
    const answers: Array<() => unknown> = [
      () => new Api.auth.LoginToken({ expires: future(), token: token1 }),
      () => settle(20).then(() => new Api.auth.LoginTokenSuccess({ authorization: new Api.auth.Authorization({ user: me }) })),
    ];
    const factory = stubFactory(() => answers.shift()!());
    const login = new TelegramLogin({ ...credentials, clientFactory: factory });
    await login.startQrLogin();

    void factory.clients[0]!.emit(new Api.UpdateLoginToken());
    await settle(1);
    await login.cancel();
    await settle(40);

    assert.equal(login.state.status, 'idle');
    assert.equal(factory.clients[0]!.destroyed, true);
  });

  it('follows the account to its data centre and imports the token there', async () => {
    const answers: Array<() => unknown> = [
      () => new Api.auth.LoginToken({ expires: future(), token: token1 }),
      () => new Api.auth.LoginTokenMigrateTo({ dcId: 4, token: token2 }),
    ];
    const factory = stubFactory((request) => {
      if (request instanceof Api.auth.ImportLoginToken) {
        assert.deepEqual(request.token, token2);
        return new Api.auth.LoginTokenSuccess({ authorization: new Api.auth.Authorization({ user: me }) });
      }
      return answers.shift()!();
    });
    const login = new TelegramLogin({ ...credentials, clientFactory: factory });
    await login.startQrLogin();

    const next = login.waitForChange(1_000);
    await factory.clients[0]!.emit(new Api.UpdateLoginToken());
    const done = await next;

    assert.deepEqual(factory.clients[0]!.switchedTo, [4]);
    assert.equal(done.status, 'connected');
    if (done.status === 'connected') assertSessionString(done.session, 4);
  });

  it('moves to password_required when the scanned account has 2FA', async () => {
    const srp = new SrpServer('pw', 'pet name');
    let accepted = false;
    const factory = stubFactory(async (request) => {
      if (request instanceof Api.auth.ExportLoginToken) {
        if (!accepted) return new Api.auth.LoginToken({ expires: future(), token: token1 });
        throw rpcError('SESSION_PASSWORD_NEEDED', request, 401);
      }
      if (request instanceof Api.account.GetPassword) return srp.passwordParams();
      if (request instanceof Api.auth.CheckPassword) {
        if ((await srp.verify(request.password)) !== 'ok') throw rpcError('PASSWORD_HASH_INVALID', request);
        return new Api.auth.Authorization({ user: me });
      }
      throw new Error(`unexpected ${request.className}`);
    });
    const login = new TelegramLogin({ ...credentials, clientFactory: factory });
    await login.startQrLogin();

    accepted = true;
    const next = login.waitForChange(1_000);
    await factory.clients[0]!.emit(new Api.UpdateLoginToken());
    assert.deepEqual(await next, { status: 'password_required', hint: 'pet name' });
    assert.equal((await login.submitPassword('pw')).status, 'connected');
  });
});

describe('TelegramLogins', () => {
  it('cancels an earlier login of the same id when a new one begins', async () => {
    const factory = stubFactory(phoneServer({ code: '12345' }));
    const logins = new TelegramLogins({ ...credentials, clientFactory: factory });
    const first = await logins.begin('acc-1');
    await first.startPhoneLogin('+15550001111');

    const second = await logins.begin('acc-1');
    assert.equal(factory.clients[0]!.destroyed, true);
    assert.equal(first.state.status, 'idle');
    assert.equal(logins.get('acc-1'), second);
    await logins.endAll();
    assert.equal(logins.get('acc-1'), undefined);
  });

  it('forgets a login left idle too long', async () => {
    const logins = new TelegramLogins({ ...credentials, clientFactory: stubFactory(phoneServer({ code: '1' })), idleTimeoutMs: 10 });
    await logins.begin('acc-1');
    await settle(30);
    assert.equal(logins.get('acc-1'), undefined);
  });
});
