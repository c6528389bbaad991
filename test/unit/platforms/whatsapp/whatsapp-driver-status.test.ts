import assert from 'node:assert/strict';
import { Boom } from '@hapi/boom';
import type { WAMessage } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { SessionAccount } from '../../../../src/domain/platform-port';
import { loadBaileys, type BaileysModule } from '../../../../src/platforms/whatsapp/baileys';
import { MemoryAuthStateStore } from '../../../../src/platforms/whatsapp/memory-auth-state-store';
import { MemoryInboundMessageStore } from '../../../../src/platforms/whatsapp/message-store';
import { numericMessageId } from '../../../../src/platforms/whatsapp/messages';
import { WhatsAppDriver, type WhatsAppStatusChange } from '../../../../src/platforms/whatsapp/whatsapp-driver';
import type { WhatsAppConnectionState } from '../../../../src/platforms/whatsapp/whatsapp-connection';
import { ManualTimers, pairedCredsJson, settle, stubSocketFactory, until } from './stub-socket';

/** Waits for `condition` by the clock: QR codes render on libuv's thread pool, not in a few loop turns. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'condition did not hold');
}

const ACCOUNT: SessionAccount = { id: 'acc-1', platform: 'whatsapp', phone: '+4915100000001' };
const GROUP = '120363000000000001@g.us';

function message(id: string, text: string, fromMe = false): WAMessage {
  return {
    key: { remoteJid: GROUP, fromMe, id, participant: '4915111111111@s.whatsapp.net' },
    message: { conversation: text },
    messageTimestamp: 1_700_000_000,
    pushName: 'Alice',
  };
}

describe('WhatsAppDriver account statuses, login watching and message store', () => {
  let baileys: BaileysModule;
  before(async () => {
    baileys = await loadBaileys();
  });

  function setup(options: { paired?: boolean } = {}) {
    const store = new MemoryAuthStateStore();
    if (options.paired) store.creds = pairedCredsJson(baileys);
    const stubs = stubSocketFactory(baileys);
    const changes: Array<Omit<WhatsAppStatusChange, 'session'>> = [];
    const messages = new MemoryInboundMessageStore();
    const driver = new WhatsAppDriver({
      authStore: () => store,
      socketFactory: stubs.factory,
      timers: new ManualTimers(),
      connectTimeoutMs: 2000,
      loginTimeoutMs: 2000,
      messageStore: messages,
      onStatus: (_accountId, { status, reason }) => changes.push({ status, reason }),
    });
    return { driver, stubs, changes, store, messages };
  }

  async function connected() {
    const context = setup({ paired: true });
    const connecting = context.driver.connect(ACCOUNT);
    await until(() => context.stubs.sockets.length === 1);
    context.stubs.last().emitOpen();
    return { ...context, session: await connecting, sock: context.stubs.last() };
  }

  it('reports connected when a saved login opens, and disconnected when the phone logs the device out', async () => {
    const { changes, sock, store } = await connected();
    await sock.close(new Boom('Connection Failure', { statusCode: baileys.DisconnectReason.loggedOut }));
    await settle();
    assert.deepEqual(changes.map((c) => c.status), ['connected', 'disconnected']);
    assert.match(changes[1]?.reason ?? '', /logged out/);
    assert.equal(store.creds, null);
  });

  it('reports replaced, and restricted when WhatsApp refuses the account', async () => {
    const replaced = await connected();
    await replaced.sock.close(new Boom('conflict', { statusCode: baileys.DisconnectReason.connectionReplaced }));
    assert.deepEqual(replaced.changes.map((c) => c.status), ['connected', 'replaced']);

    const refused = await connected();
    // Baileys ends a refused connection with its `failure` node: "Connection Failure", status 403.
    await refused.sock.close(new Boom('Connection Failure', { statusCode: baileys.DisconnectReason.forbidden, data: { reason: '403' } }));
    assert.deepEqual(refused.changes.map((c) => c.status), ['connected', 'restricted']);
  });

  it('reports a saved login that is gone as disconnected', async () => {
    const { driver, changes } = setup();
    await assert.rejects(driver.connect(ACCOUNT));
    assert.deepEqual(changes.map((c) => c.status), ['disconnected']);
  });

  it('leaves the failures of a login that never opened to the login, and reports it once it opens', async () => {
    const failing = setup();
    const login = failing.driver.startLogin(ACCOUNT, { method: 'qr' });
    await until(() => failing.stubs.sockets.length === 1);
    await settle();
    failing.stubs.last().emitQr('2@qr');
    await login;
    await failing.stubs.last().close(new Boom('QR refs attempts ended', { statusCode: baileys.DisconnectReason.timedOut }));
    assert.equal(failing.driver.loginState(ACCOUNT.id)?.status, 'disconnected');
    assert.deepEqual(failing.changes, []);

    const pairing = setup();
    const started = pairing.driver.startLogin(ACCOUNT, { method: 'qr' });
    await until(() => pairing.stubs.sockets.length === 1);
    await settle();
    pairing.stubs.last().emitQr('2@qr');
    await started;
    await pairing.stubs.last().pair();
    pairing.stubs.last().emitOpen();
    assert.deepEqual(pairing.changes.map((c) => c.status), ['connected']);
  });

  it('treats a logout after a completed login as the device unlinked, not as a stale login to redo', async () => {
    const { driver, stubs, changes, store } = setup();
    const started = driver.startLogin(ACCOUNT, { method: 'qr' });
    await until(() => stubs.sockets.length === 1);
    await settle();
    stubs.last().emitQr('2@qr');
    await started;
    await stubs.last().pair();
    stubs.last().emitOpen();
    await stubs.last().close(new Boom('Connection Failure', { statusCode: baileys.DisconnectReason.loggedOut }));
    await settle();
    assert.equal(driver.loginState(ACCOUNT.id)?.status, 'disconnected');
    assert.equal(stubs.sockets.length, 2, 'no new device link is started');
    assert.deepEqual(changes.map((c) => c.status), ['connected', 'disconnected']);
    assert.equal(store.creds, null);
  });

  it('lets a login be watched state by state, and cancelled', async () => {
    const { driver, stubs } = setup();
    assert.equal(driver.onLoginStateChange(ACCOUNT.id, () => undefined), null);
    const started = driver.startLogin(ACCOUNT, { method: 'qr' });
    await until(() => stubs.sockets.length === 1);
    await settle();
    stubs.last().emitQr('2@one');
    await started;

    const seen: WhatsAppConnectionState[] = [];
    const stop = driver.onLoginStateChange(ACCOUNT.id, (state) => seen.push(state));
    stubs.last().emitQr('2@two');
    await eventually(() => seen.some((s) => s.qr === '2@two'));
    stop?.();

    await driver.cancelLogin(ACCOUNT.id);
    assert.ok(stubs.last().ended);
    assert.equal(driver.loginState(ACCOUNT.id), null);
  });

  it('does not cancel an open connection', async () => {
    const { driver, sock } = await connected();
    await driver.cancelLogin(ACCOUNT.id);
    assert.equal(sock.ended, false);
    assert.equal(driver.loginState(ACCOUNT.id)?.status, 'open');
  });

  it('stores received messages, new and earlier ones but not its own, and searches them', async () => {
    const { session, sock, messages } = await connected();
    sock.ev.emit('messages.upsert', { type: 'notify', messages: [message('M1', 'zebra for sale'), message('M2', 'my zebra', true)] });
    sock.ev.emit('messages.upsert', { type: 'append', messages: [message('M0', 'an older zebra')] });
    await settle();
    const found = await session.searchMessages({ query: 'ZEBRA', chatKeys: [GROUP], perChatLimit: 10, since: null, until: null });
    assert.deepEqual(found.map((m) => m.text).sort(), ['an older zebra', 'zebra for sale']);
    assert.ok(found.some((m) => m.messageId === numericMessageId(GROUP, 'M1')));
    assert.deepEqual(await messages.search('other', { query: 'zebra', chatKeys: [GROUP], perChatLimit: 10, since: null, until: null }), []);
  });

  it('logout unlinks the device through the session', async () => {
    const { driver, session, sock, store } = await connected();
    await session.logout();
    assert.equal(sock.callsOf('logout').length, 1);
    assert.equal(store.creds, null);
    assert.equal(driver.loginState(ACCOUNT.id), null);
  });
});
