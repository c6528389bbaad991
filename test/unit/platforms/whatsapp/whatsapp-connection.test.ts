import assert from 'node:assert/strict';
import { Boom } from '@hapi/boom';
import { isPlatformError } from '../../../../src/domain/platform-port';
import { isPaired, makeAuthState } from '../../../../src/platforms/whatsapp/auth-state';
import { loadBaileys, type BaileysModule } from '../../../../src/platforms/whatsapp/baileys';
import { MemoryAuthStateStore } from '../../../../src/platforms/whatsapp/memory-auth-state-store';
import { backoffDelay } from '../../../../src/platforms/whatsapp/backoff';
import {
  WhatsAppConnection,
  type WhatsAppConnectionState,
  type WhatsAppConnectionStatus,
} from '../../../../src/platforms/whatsapp/whatsapp-connection';
import { ManualTimers, ME, pairedCredsJson, settle, stubSocketFactory, until } from './stub-socket';

describe('WhatsAppConnection', () => {
  let baileys: BaileysModule;
  before(async () => {
    baileys = await loadBaileys();
  });

  function setup(options: { paired?: boolean; renderQr?: (text: string) => Promise<string> } = {}) {
    const store = new MemoryAuthStateStore();
    if (options.paired) store.creds = pairedCredsJson(baileys);
    const stubs = stubSocketFactory(baileys);
    const timers = new ManualTimers();
    const connection = new WhatsAppConnection({
      accountId: 'acc-1',
      store,
      baileys,
      socketFactory: stubs.factory,
      timers,
      backoff: { initialDelayMs: 1000, maxDelayMs: 8000, factor: 2, jitter: 0 },
      renderQr: options.renderQr,
    });
    const waitFor = (status: WhatsAppConnectionStatus): Promise<WhatsAppConnectionState> =>
      connection.waitFor((s) => s.status === status, 2000);
    return { store, stubs, timers, connection, waitFor };
  }

  function closedWith(statusCode: number): Boom {
    return new Boom('Connection Failure', { statusCode });
  }

  describe('QR login', () => {
    it('shows the QR code as text and as a PNG data URL, and follows its rotation', async () => {
      const { stubs, connection, waitFor } = setup();
      await connection.start({ mode: 'login' });
      await settle();
      stubs.last().emitQr('2@first-ref,noise,identity,adv');
      const first = await waitFor('qr');
      assert.equal(first.qr, '2@first-ref,noise,identity,adv');
      const match = /^data:image\/png;base64,(.+)$/.exec(first.qrPng ?? '');
      assert.ok(match?.[1], 'qrPng is a PNG data URL');
      assert.deepEqual([...Buffer.from(match[1], 'base64').subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

      stubs.last().emitQr('2@second-ref,noise,identity,adv');
      const second = await connection.waitFor((s) => s.qr === '2@second-ref,noise,identity,adv', 2000);
      assert.notEqual(second.qrPng, first.qrPng);
      assert.equal(stubs.sockets.length, 1);
    });

    it('opens a second socket on the same auth state when the server asks for a restart after pairing', async () => {
      const { stubs, connection, store, waitFor } = setup();
      await connection.start({ mode: 'login' });
      await settle();
      stubs.last().emitQr('2@ref');
      await waitFor('qr');
      const first = stubs.last();

      await first.pair();
      assert.equal(stubs.sockets.length, 2);
      const second = stubs.last();
      assert.equal(second.input.auth, first.input.auth, 'the new socket shares the auth state');
      assert.equal(connection.state.status, 'connecting');
      assert.equal(connection.state.qr, null);

      second.emitOpen();
      const open = await waitFor('open');
      assert.deepEqual(open.me, { id: '4915100000001@s.whatsapp.net', lid: '98765@lid', name: 'Ada' });
      assert.equal(connection.socket(), second);

      // The login reached the store through creds.update, so it survives a restart.
      await settle();
      const reloaded = await makeAuthState(store, baileys);
      assert.ok(isPaired(reloaded.state.creds));
    });

    it('drops a QR code that finished rendering after the phone already linked the device', async () => {
      let finishRendering: (png: string) => void = () => undefined;
      const { stubs, connection } = setup({
        renderQr: () => new Promise<string>((resolve) => (finishRendering = resolve)),
      });
      await connection.start({ mode: 'login' });
      await settle();
      stubs.last().emitQr('2@ref');
      stubs.last().ev.emit('connection.update', { isNewLogin: true, qr: undefined });
      finishRendering('data:image/png;base64,late');
      await settle();
      assert.equal(connection.state.status, 'connecting');
      assert.equal(connection.state.qr, null);
      assert.equal(connection.state.qrPng, null);
    });

    it('gives up without reconnecting when every QR code expired unused', async () => {
      const { stubs, timers, connection, waitFor } = setup();
      await connection.start({ mode: 'login' });
      await settle();
      stubs.last().emitQr('2@ref');
      await waitFor('qr');
      await stubs.last().close(new Boom('QR refs attempts ended', { statusCode: baileys.DisconnectReason.timedOut }));
      const state = await waitFor('disconnected');
      assert.match(state.error?.message ?? '', /login timed out/);
      assert.equal(timers.size, 0);
      assert.equal(stubs.sockets.length, 1);
    });

    it('starts a fresh device link when the saved login turns out to be revoked', async () => {
      const { stubs, store, connection, waitFor } = setup({ paired: true });
      await connection.start({ mode: 'login' });
      await settle();
      await stubs.last().close(closedWith(baileys.DisconnectReason.loggedOut));
      await until(() => stubs.sockets.length === 2);
      assert.equal(store.clearCount, 1);
      assert.equal(isPaired(stubs.last().creds), false);
      stubs.last().emitQr('2@fresh');
      assert.equal((await waitFor('qr')).qr, '2@fresh');
    });
  });

  describe('pairing-code login', () => {
    it('requests the code for the phone digits once the socket is up, and reports it', async () => {
      const { stubs, store, connection, waitFor } = setup();
      await connection.start({ mode: 'login', pairingPhone: '+49 151 0000-0001' });
      await settle();
      assert.deepEqual(stubs.last().callsOf('requestPairingCode'), [], 'not before the socket is up');

      stubs.last().emitQr('2@ref');
      const state = await waitFor('pairing_code');
      assert.equal(state.pairingCode, 'ABCD1234');
      assert.equal(state.qr, null);
      assert.deepEqual(stubs.last().callsOf('requestPairingCode'), [['4915100000001']]);

      stubs.last().emitQr('2@next-ref');
      await settle();
      assert.equal(stubs.last().callsOf('requestPairingCode').length, 1, 'one code per socket');
      assert.equal(JSON.parse(store.creds ?? '{}').pairingCode, 'ABCD1234', 'creds.update was saved');
    });

    it('ends disconnected with the mapped error when the code request fails', async () => {
      const { stubs, connection, waitFor } = setup();
      await connection.start({ mode: 'login', pairingPhone: '+4915100000001' });
      await settle();
      stubs.last().pairingCodeError = new Boom('rate-overlimit', { data: 429 });
      stubs.last().emitQr('2@ref');
      const state = await waitFor('disconnected');
      assert.equal(state.error?.kind, 'rate_limited');
      assert.ok(stubs.last().ended);
    });

    it('rejects a pairing phone that is not a phone number', async () => {
      const { connection, stubs } = setup();
      await assert.rejects(
        connection.start({ mode: 'login', pairingPhone: 'my phone' }),
        (err: unknown) => isPlatformError(err, 'invalid'),
      );
      assert.equal(stubs.sockets.length, 0);
    });
  });

  describe('resuming a saved login', () => {
    it('opens with the saved creds', async () => {
      const { stubs, connection, waitFor } = setup({ paired: true });
      await connection.start({ mode: 'resume' });
      await settle();
      assert.equal(stubs.last().creds.me?.id, ME.id);
      stubs.last().emitOpen();
      assert.equal((await waitFor('open')).error, null);
    });

    it('does not open a socket without a saved login', async () => {
      const { stubs, connection } = setup();
      await connection.start({ mode: 'resume' });
      assert.equal(connection.state.status, 'disconnected');
      assert.equal(connection.state.error?.kind, 'auth_revoked');
      assert.equal(stubs.sockets.length, 0);
    });

    it('ends disconnected with auth_revoked when the server asks for a QR scan', async () => {
      const { stubs, connection, waitFor } = setup({ paired: true });
      await connection.start({ mode: 'resume' });
      await settle();
      stubs.last().emitQr('2@ref');
      const state = await waitFor('disconnected');
      assert.equal(state.error?.kind, 'auth_revoked');
      assert.ok(stubs.last().ended);
    });
  });

  describe('when the socket closes', () => {
    async function openConnection() {
      const context = setup({ paired: true });
      await context.connection.start({ mode: 'resume' });
      await settle();
      context.stubs.last().emitOpen();
      await context.waitFor('open');
      return context;
    }

    it('wipes the creds and reports disconnected with auth_revoked when logged out', async () => {
      const { stubs, store, timers, connection, waitFor } = await openConnection();
      const auth = stubs.last().input.auth;
      await auth.keys.set({ session: { 'alice.0': Buffer.from([1]) } });
      assert.equal(store.keys.size, 1);

      await stubs.last().close(closedWith(baileys.DisconnectReason.loggedOut));
      const state = await waitFor('disconnected');
      assert.equal(state.error?.kind, 'auth_revoked');
      assert.equal(store.creds, null);
      assert.equal(store.keys.size, 0);
      assert.equal(store.clearCount, 1);
      assert.equal(stubs.sockets.length, 1);
      assert.equal(timers.size, 0);
      assert.throws(() => connection.socket(), (err: unknown) => isPlatformError(err, 'auth_revoked'));
    });

    it('reports replaced and does not reconnect when another client took the session', async () => {
      const { stubs, timers, connection, waitFor } = await openConnection();
      await stubs.last().close(closedWith(baileys.DisconnectReason.connectionReplaced));
      const state = await waitFor('replaced');
      assert.ok(state.error);
      assert.equal(timers.size, 0);
      assert.equal(stubs.sockets.length, 1);
      assert.throws(() => connection.socket(), (err: unknown) => isPlatformError(err));
    });

    it('keeps the creds and stops when WhatsApp refuses the account', async () => {
      const { stubs, store, timers, waitFor } = await openConnection();
      await stubs.last().close(closedWith(baileys.DisconnectReason.forbidden));
      const state = await waitFor('disconnected');
      assert.equal(state.error?.kind, 'restricted');
      assert.notEqual(store.creds, null);
      assert.equal(timers.size, 0);
    });

    it('reconnects with exponential backoff on other closes, and resets it once open', async () => {
      const { stubs, timers, connection, waitFor } = await openConnection();
      const { connectionClosed, connectionLost, badSession, unavailableService } = baileys.DisconnectReason;

      await stubs.last().close(closedWith(connectionClosed));
      const reconnecting = await waitFor('reconnecting');
      assert.equal(reconnecting.error?.kind, 'transient');
      assert.equal(reconnecting.reconnectAttempts, 1);
      assert.throws(() => connection.socket(), (err: unknown) => isPlatformError(err, 'transient'));

      for (const code of [connectionLost, badSession, unavailableService]) {
        timers.runAll();
        await settle();
        await stubs.last().close(closedWith(code));
      }
      assert.deepEqual(timers.delays, [1000, 2000, 4000, 8000]);
      assert.equal(stubs.sockets.length, 4);
      assert.equal(stubs.last().input.auth, stubs.sockets[0]?.input.auth);

      timers.runAll();
      await settle();
      stubs.last().emitOpen();
      assert.equal((await waitFor('open')).reconnectAttempts, 0);
      await stubs.last().close(new Error('socket hang up'));
      await waitFor('reconnecting');
      assert.equal(timers.delays.at(-1), 1000);
    });
  });

  it('saves the creds on every creds.update', async () => {
    const { stubs, store, connection } = setup();
    let saves = 0;
    const saveCreds = store.saveCreds.bind(store);
    store.saveCreds = async (json) => {
      saves += 1;
      await saveCreds(json);
    };
    await connection.start({ mode: 'login' });
    await settle();
    stubs.last().ev.emit('creds.update', { nextPreKeyId: 42 });
    stubs.last().ev.emit('creds.update', { firstUnuploadedPreKeyId: 43 });
    await settle();
    assert.equal(saves, 2);
    assert.equal(JSON.parse(store.creds ?? '{}').firstUnuploadedPreKeyId, 43);
    assert.equal(JSON.parse(store.creds ?? '{}').nextPreKeyId, 42);
  });

  it('delivers subscribed events from the current socket and from sockets opened later', async () => {
    const { stubs, timers, connection } = setup({ paired: true });
    const seen: string[] = [];
    connection.subscribe('chats.delete', (ids) => seen.push(...ids));
    await connection.start({ mode: 'resume' });
    await settle();
    stubs.last().ev.emit('chats.delete', ['first']);
    await stubs.last().close(closedWith(baileys.DisconnectReason.connectionLost));
    stubs.sockets[0]?.ev.emit('chats.delete', ['from-the-old-socket']);
    timers.runAll();
    await settle();
    stubs.last().ev.emit('chats.delete', ['second']);
    assert.deepEqual(seen, ['first', 'second']);
  });

  it('close ends the socket, ignores its close event and cancels a pending reconnect', async () => {
    const { stubs, timers, connection } = setup({ paired: true });
    await connection.start({ mode: 'resume' });
    await settle();
    await stubs.last().close(closedWith(baileys.DisconnectReason.connectionLost));
    assert.equal(timers.size, 1);
    timers.runAll();
    await settle();

    await connection.close();
    assert.equal(connection.state.status, 'closed');
    assert.ok(stubs.last().ended);
    assert.equal(timers.size, 0);
    assert.equal(stubs.sockets.length, 2);
    assert.equal(connection.active, false);
  });

  it('logout unlinks the device and wipes the saved login', async () => {
    const { stubs, store, connection } = setup({ paired: true });
    await connection.start({ mode: 'resume' });
    await settle();
    stubs.last().emitOpen();
    await connection.logout();
    assert.equal(stubs.last().callsOf('logout').length, 1);
    assert.equal(connection.state.status, 'disconnected');
    assert.equal(connection.state.error?.kind, 'auth_revoked');
    assert.equal(store.creds, null);
  });

  it('backoffDelay grows by the factor, stays under the cap and spreads by the jitter', () => {
    const options = { initialDelayMs: 1000, maxDelayMs: 60_000, factor: 2, jitter: 0.2 };
    assert.equal(backoffDelay(1, options, () => 0.5), 1000);
    assert.equal(backoffDelay(3, options, () => 0.5), 4000);
    assert.equal(backoffDelay(20, options, () => 0.5), 60_000);
    assert.equal(backoffDelay(1, options, () => 0), 800);
    assert.equal(backoffDelay(1, options, () => 1), 1200);
    assert.equal(backoffDelay(20, options, () => 1), 60_000);
  });
});
