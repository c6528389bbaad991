/**
 * The login state machines as the login workflow drives them: the real activities over real
 * PostgreSQL (a database of their own, with no worker reacting to it), the real Telegram login
 * and WhatsApp driver, and stub Telegram clients and WhatsApp sockets.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Knex } from 'knex';
import { Api } from 'telegram';
import { createLoginActivities, type LoginActivities } from '../../src/activities/login.activities';
import { insertAccount } from '../../src/db/repos/accounts.repo';
import { findAccountLogin, readSessionSecret } from '../../src/db/repos/sessions.repo';
import { PgAuthStateStore } from '../../src/db/repos/whatsapp-auth.repo';
import { SecretBox } from '../../src/db/secret-box';
import { createLogger } from '../../src/logger';
import { SessionPool } from '../../src/platforms/session-pool';
import { TelegramLogins } from '../../src/platforms/telegram';
import { loadBaileys, type BaileysModule } from '../../src/platforms/whatsapp/baileys';
import { WhatsAppDriver } from '../../src/platforms/whatsapp/whatsapp-driver';
import { LoginFailureTypes, type LoginFailureDetails } from '../../src/workflows/account-login.shared';
import { user } from '../unit/platforms/telegram/fixtures';
import { SrpServer } from '../unit/platforms/telegram/srp-server';
import { rpcError, settle as tick, stubFactory, type Responder } from '../unit/platforms/telegram/stub-client';
import { settle, stubSocketFactory } from '../unit/platforms/whatsapp/stub-socket';
import { scratchDatabase, type ScratchDatabase } from './login-stack';

const credentials = { apiId: 12345, apiHash: '0123456789abcdef0123456789abcdef' };
const me = user(5001, { username: 'alice', firstName: 'Alice', phone: '15550001111', self: true });
const secrets = new SecretBox(randomBytes(32).toString('hex'));
const logger = createLogger('silent');

function phoneServer(options: { code: string; srp?: SrpServer; expired?: boolean }): Responder {
  return async (request) => {
    if (request instanceof Api.auth.SendCode) {
      if (request.phoneNumber === '+19999999999') throw rpcError('PHONE_NUMBER_BANNED', request);
      return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeApp({ length: 5 }), phoneCodeHash: 'hash-1' });
    }
    if (request instanceof Api.auth.SignIn) {
      if (options.expired) throw rpcError('PHONE_CODE_EXPIRED', request);
      if (request.phoneCode !== options.code) throw rpcError('PHONE_CODE_INVALID', request);
      if (options.srp) throw rpcError('SESSION_PASSWORD_NEEDED', request, 401);
      return new Api.auth.Authorization({ user: me });
    }
    if (request instanceof Api.account.GetPassword && options.srp) return options.srp.passwordParams();
    if (request instanceof Api.auth.CheckPassword && options.srp) {
      if ((await options.srp.verify(request.password)) !== 'ok') throw rpcError('PASSWORD_HASH_INVALID', request);
      return new Api.auth.Authorization({ user: me });
    }
    throw new Error(`unexpected request ${request.className}`);
  };
}

/** Waits until `condition` holds, polling: the activities go through the database meanwhile. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i++) await tick(5);
  assert.ok(condition(), 'condition did not hold');
}

/** The login step failure an activity threw, checked for its type. */
function failure(type: keyof typeof LoginFailureTypes, message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, String(err));
    assert.equal(err.type, type);
    assert.match(err.message, message);
    return true;
  };
}

describe('login activities', () => {
  let scratch: ScratchDatabase;
  let db: Knex;
  let baileys: BaileysModule;
  let userId: string;
  before(async function () {
    this.timeout(120_000);
    scratch = await scratchDatabase('autohub_login_activities');
    db = scratch.db;
    baileys = await loadBaileys();
    const [row] = await db('users').insert({ name: 'login-activities', role: 'user' }).returning('id');
    userId = row.id;
  });
  after(async function () {
    this.timeout(60_000);
    await scratch?.drop();
  });

  const newAccount = async (platform: 'telegram' | 'whatsapp', phone: string | null = '+15550001111') =>
    (await insertAccount(db, { userId, platform, name: 'real', phone, sandbox: false, status: 'disconnected' })).id;
  const statusOf = async (id: string) => ((await db('accounts').where({ id }).first()) as { status: string }).status;

  /** Runs activities as attempt `runId` of the login workflow. */
  function attempt(runId: string) {
    // Failed steps are expected here; the SDK would log each one.
    const quiet = new DefaultLogger('ERROR', () => undefined);
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'login-x', runId } }, { logger: quiet });
    return {
      env,
      run: <K extends keyof LoginActivities>(
        name: K,
        activities: LoginActivities,
        ...args: Parameters<LoginActivities[K]>
      ): Promise<Awaited<ReturnType<LoginActivities[K]>>> =>
        env.run(activities[name] as (...a: Parameters<LoginActivities[K]>) => Promise<Awaited<ReturnType<LoginActivities[K]>>>, ...args),
    };
  }

  function telegramSetup(respond: Responder) {
    const factory = stubFactory(respond);
    const logins = new TelegramLogins({ ...credentials, clientFactory: factory, qrMinRefreshMs: 10 });
    const pool = new SessionPool({ drivers: {}, loadAccount: async () => undefined, onInbound: () => undefined, logger });
    const activities = createLoginActivities({ db, pool, secrets, telegramLogins: logins, heartbeatMs: 20 });
    return { factory, logins, activities };
  }

  describe('Telegram phone login', () => {
    it('goes code → password → connected, recording each state and the sealed session', async () => {
      const srp = new SrpServer('pw', 'pet name');
      const { activities, logins } = telegramSetup(phoneServer({ code: '12345', srp }));
      const id = await newAccount('telegram');
      const a = attempt('run-1');

      assert.deepEqual(await a.run('beginAccountLogin', activities, { accountId: id, method: 'phone', phone: null }), { status: 'code_sent' });
      assert.equal((await findAccountLogin(db, id))?.status, 'code_sent');
      assert.equal(await statusOf(id), 'code_sent');

      await assert.rejects(a.run('submitLoginCode', activities, { accountId: id, code: '00000' }), (err: unknown) => {
        failure('LoginRejected', /PHONE_CODE_INVALID/)(err);
        assert.deepEqual((err as ApplicationFailure).details, [{ kind: 'invalid', retryAfterSeconds: null } satisfies LoginFailureDetails]);
        return true;
      });
      assert.equal((await findAccountLogin(db, id))?.status, 'code_sent', 'a wrong code leaves the login waiting');

      assert.deepEqual(await a.run('submitLoginCode', activities, { accountId: id, code: '12345' }), { status: 'password_required', hint: 'pet name' });
      assert.equal((await findAccountLogin(db, id))?.hint, 'pet name');
      assert.equal(await statusOf(id), 'password_required');

      await assert.rejects(
        a.run('submitLoginPassword', activities, { accountId: id, sealedPassword: secrets.seal('wrong') }),
        failure('LoginRejected', /PASSWORD_HASH_INVALID/),
      );
      await assert.rejects(
        a.run('submitLoginPassword', activities, { accountId: id, sealedPassword: 'pw' }),
        failure('LoginRejected', /could not be decrypted/),
      );
      assert.deepEqual(await a.run('submitLoginPassword', activities, { accountId: id, sealedPassword: secrets.seal('pw') }), { status: 'connected' });
      assert.equal(await statusOf(id), 'connected');
      assert.equal(await findAccountLogin(db, id), undefined);
      assert.ok(((await readSessionSecret(db, secrets, id)) ?? '').length > 100);
      assert.equal(logins.get(id), undefined, 'the finished login is let go');
    });

    it('ends the login on an expired code, and later steps find no login', async () => {
      const { activities } = telegramSetup(phoneServer({ code: '12345', expired: true }));
      const id = await newAccount('telegram');
      const a = attempt('run-2');
      await a.run('beginAccountLogin', activities, { accountId: id, method: 'phone', phone: '+15550001111' });
      await assert.rejects(a.run('submitLoginCode', activities, { accountId: id, code: '12345' }), failure('LoginEnded', /PHONE_CODE_EXPIRED/));
      const login = await findAccountLogin(db, id);
      assert.equal(login?.status, 'failed');
      assert.match(login?.error ?? '', /PHONE_CODE_EXPIRED/);
      assert.equal(await statusOf(id), 'disconnected');
      await assert.rejects(a.run('submitLoginCode', activities, { accountId: id, code: '12345' }), failure('LoginEnded', /no longer held/));
    });

    it('fails the first step with Telegram’s reason and records nothing', async () => {
      const { activities } = telegramSetup(phoneServer({ code: '1' }));
      const id = await newAccount('telegram');
      await assert.rejects(
        attempt('run-3').run('beginAccountLogin', activities, { accountId: id, method: 'phone', phone: '+19999999999' }),
        failure('LoginEnded', /PHONE_NUMBER_BANNED/),
      );
      await assert.rejects(
        attempt('run-3b').run('beginAccountLogin', activities, { accountId: id, method: 'pairing_code', phone: '+15550001111' }),
        failure('LoginEnded', /phone code or a QR code/),
      );
      assert.equal(await findAccountLogin(db, id), undefined);
      assert.equal(await statusOf(id), 'disconnected');
    });

    it('drops the writes of an attempt that a newer one replaced', async () => {
      const { activities } = telegramSetup(phoneServer({ code: '12345' }));
      const id = await newAccount('telegram');
      await attempt('old').run('beginAccountLogin', activities, { accountId: id, method: 'phone', phone: null });
      await attempt('new').run('beginAccountLogin', activities, { accountId: id, method: 'phone', phone: null });
      // The old attempt's code reaches the new login object but its records are ignored.
      await attempt('old').run('submitLoginCode', activities, { accountId: id, code: '12345' });
      assert.equal((await findAccountLogin(db, id))?.attempt, 'new');
      assert.equal(await readSessionSecret(db, secrets, id), null);
    });
  });

  describe('Telegram QR login', () => {
    it('records every refreshed QR code and connects when the phone accepts it', async () => {
      let scanned = false;
      let token = 0;
      const { activities, factory } = telegramSetup((request) => {
        assert.ok(request instanceof Api.auth.ExportLoginToken);
        if (scanned) return new Api.auth.LoginTokenSuccess({ authorization: new Api.auth.Authorization({ user: me }) });
        token += 1;
        return new Api.auth.LoginToken({ expires: Math.floor(Date.now() / 1000), token: Buffer.from([token]) });
      });
      const id = await newAccount('telegram', null);
      const a = attempt('qr-1');
      assert.deepEqual(await a.run('beginAccountLogin', activities, { accountId: id, method: 'qr', phone: null }), { status: 'qr' });
      const first = await findAccountLogin(db, id);
      assert.equal(first?.qr, `tg://login?token=${Buffer.from([1]).toString('base64url')}`);
      assert.match(first?.qrPng ?? '', /^data:image\/png;base64,/);
      assert.equal(await statusOf(id), 'qr');

      const heartbeats: unknown[] = [];
      a.env.on('heartbeat', (d) => heartbeats.push(d));
      const watching = a.run('watchAccountLogin', activities, { accountId: id });
      for (let i = 0; i < 200 && ((await findAccountLogin(db, id))?.qr ?? '') === first?.qr; i++) await tick(10);
      assert.notEqual((await findAccountLogin(db, id))?.qr, first?.qr, 'the refreshed code is recorded');

      scanned = true;
      await factory.clients[0]!.emit(new Api.UpdateLoginToken());
      assert.deepEqual(await watching, { status: 'connected' });
      assert.equal(await statusOf(id), 'connected');
      assert.ok(await readSessionSecret(db, secrets, id));
      assert.ok(heartbeats.length > 0, 'the watch heartbeats');
    });

    it('stops watching without writing when the activity is cancelled', async () => {
      const { activities, logins } = telegramSetup(() => new Api.auth.LoginToken({ expires: Math.floor(Date.now() / 1000) + 60, token: Buffer.from([9]) }));
      const id = await newAccount('telegram', null);
      const a = attempt('qr-2');
      await a.run('beginAccountLogin', activities, { accountId: id, method: 'qr', phone: null });
      const watching = a.run('watchAccountLogin', activities, { accountId: id });
      await tick(50);
      a.env.cancel();
      assert.deepEqual(await watching, { status: 'failed', error: 'the login was superseded by a newer one' });
      assert.equal((await findAccountLogin(db, id))?.status, 'qr', 'the successor owns the record');
      await logins.endAll();
    });

    it('cancelAccountLogin ends the login and records why', async () => {
      const { activities, logins } = telegramSetup(phoneServer({ code: '1' }));
      const id = await newAccount('telegram');
      const a = attempt('cancel-1');
      await a.run('beginAccountLogin', activities, { accountId: id, method: 'phone', phone: null });
      await a.run('cancelAccountLogin', activities, { accountId: id, reason: 'the login expired' });
      assert.equal(logins.get(id), undefined);
      assert.equal((await findAccountLogin(db, id))?.error, 'the login expired');
      assert.equal(await statusOf(id), 'disconnected');
    });
  });

  describe('WhatsApp login', () => {
    function whatsappSetup() {
      const stubs = stubSocketFactory(baileys);
      const driver = new WhatsAppDriver({
        authStore: (accountId) => new PgAuthStateStore(db, secrets, accountId),
        socketFactory: stubs.factory,
        loginTimeoutMs: 2_000,
        connectTimeoutMs: 2_000,
      });
      const pool = new SessionPool({ drivers: { whatsapp: driver }, loadAccount: async () => undefined, onInbound: () => undefined, logger });
      const activities = createLoginActivities({ db, pool, secrets, whatsapp: driver, heartbeatMs: 20 });
      return { stubs, driver, activities };
    }

    /** Begins a login and answers it with a QR code from the stub socket. */
    async function beginWithQr(setup: ReturnType<typeof whatsappSetup>, id: string, a: ReturnType<typeof attempt>) {
      const begun = a.run('beginAccountLogin', setup.activities, { accountId: id, method: 'qr', phone: null });
      const count = setup.stubs.sockets.length;
      await until(() => setup.stubs.sockets.length > count);
      await settle();
      setup.stubs.last().emitQr('2@first');
      return begun;
    }

    it('records the rotating QR code, then connects once paired, keeping the auth state in PostgreSQL', async () => {
      const setup = whatsappSetup();
      const id = await newAccount('whatsapp');
      const a = attempt('wa-1');
      assert.deepEqual(await beginWithQr(setup, id, a), { status: 'qr' });
      assert.equal((await findAccountLogin(db, id))?.qr, '2@first');

      const watching = a.run('watchAccountLogin', setup.activities, { accountId: id });
      setup.stubs.last().emitQr('2@second');
      for (let i = 0; i < 200 && (await findAccountLogin(db, id))?.qr !== '2@second'; i++) await tick(10);
      const rotated = await findAccountLogin(db, id);
      assert.equal(rotated?.qr, '2@second');
      assert.match(rotated?.qrPng ?? '', /^data:image\/png;base64,/);

      await setup.stubs.last().pair();
      await until(() => setup.stubs.sockets.length === 2);
      setup.stubs.last().emitOpen();
      assert.deepEqual(await watching, { status: 'connected' });
      assert.equal(await statusOf(id), 'connected');
      assert.equal(await findAccountLogin(db, id), undefined);
      assert.ok(await db('whatsapp_auth_creds').where({ account_id: id }).first());
      await setup.driver.closeAll();
    });

    it('records the pairing code for the phone number', async () => {
      const setup = whatsappSetup();
      const id = await newAccount('whatsapp', '+4915100000001');
      const begun = attempt('wa-2').run('beginAccountLogin', setup.activities, { accountId: id, method: 'pairing_code', phone: null });
      await until(() => setup.stubs.sockets.length === 1);
      await settle();
      setup.stubs.last().emitQr('2@ignored');
      assert.deepEqual(await begun, { status: 'pairing_code' });
      const login = await findAccountLogin(db, id);
      assert.equal(login?.pairingCode, 'ABCD1234');
      assert.equal(login?.qr, null);
      assert.equal(await statusOf(id), 'code_sent');
      await setup.driver.closeAll();
    });

    it('fails the login when its QR codes expire unused', async () => {
      const setup = whatsappSetup();
      const id = await newAccount('whatsapp');
      const a = attempt('wa-3');
      await beginWithQr(setup, id, a);
      const watching = a.run('watchAccountLogin', setup.activities, { accountId: id });
      const { Boom } = await import('@hapi/boom');
      await setup.stubs.last().close(new Boom('QR refs attempts ended', { statusCode: baileys.DisconnectReason.timedOut }));
      const outcome = await watching;
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.error ?? '', /timed out/);
      assert.equal(await statusOf(id), 'disconnected');
      assert.match((await findAccountLogin(db, id))?.error ?? '', /timed out/);
    });

    it('logOutAccount unlinks a connected device and wipes its auth state', async () => {
      const setup = whatsappSetup();
      const id = await newAccount('whatsapp');
      const a = attempt('wa-4');
      await beginWithQr(setup, id, a);
      const watching = a.run('watchAccountLogin', setup.activities, { accountId: id });
      await setup.stubs.last().pair();
      await until(() => setup.stubs.sockets.length === 2);
      setup.stubs.last().emitOpen();
      await watching;

      assert.deepEqual(await a.run('logOutAccount', setup.activities, { accountId: id }), { loggedOut: true, error: null });
      assert.equal(setup.stubs.last().callsOf('logout').length, 1);
      assert.equal(await db('whatsapp_auth_creds').where({ account_id: id }).first(), undefined);
    });
  });
});
