import assert from 'node:assert/strict';
import { Boom } from '@hapi/boom';
import type { GroupMetadata, WAMessage } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { loadBaileys, type BaileysModule } from '../../src/platforms/whatsapp/baileys';
import { numericMessageId } from '../../src/platforms/whatsapp/messages';
import { eventually } from '../support/http';
import type { StubSocket } from '../unit/platforms/whatsapp/stub-socket';
import { WHATSAPP_ME, newStackUser, startLoginStack, type LoginStack, type StackClient } from './login-stack';

const GROUP = '120363000000000001@g.us';
const ALICE = '4915111111111@s.whatsapp.net';

function group(id: string, subject: string): GroupMetadata {
  return { id, subject, owner: ALICE, participants: [{ id: ALICE }, { id: WHATSAPP_ME.id }, { id: '4915122222222@s.whatsapp.net' }] };
}

function inbound(chat: string, id: string, text: string): WAMessage {
  return {
    key: { remoteJid: chat, fromMe: false, id, participant: ALICE },
    message: { conversation: text },
    messageTimestamp: Math.floor(Date.now() / 1000),
    pushName: 'Alice',
  };
}

describe('WhatsApp login through HTTP, Temporal and the worker (stubbed WhatsApp)', () => {
  let stack: LoginStack;
  let api: StackClient;
  let baileys: BaileysModule;
  before(async function () {
    this.timeout(180_000);
    baileys = await loadBaileys();
    stack = await startLoginStack();
    stack.whatsapp.groups[GROUP] = group(GROUP, 'Friends');
    ({ api } = await newStackUser(stack));
  });
  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
  });

  const account = async (id: string) => (await api.get(`/api/v1/accounts/${id}`)).body.account;
  /** The account's newest socket (other accounts' sockets open meanwhile, after a restart say). */
  const socketOf = (id: string): StubSocket => {
    const socket = stack.whatsapp.sockets.filter((s) => s.input.accountId === id).at(-1);
    if (!socket) throw new Error(`no socket was opened for ${id}`);
    return socket;
  };
  const status = (id: string, wanted: string) =>
    eventually(
      async () => {
        const shown = await account(id);
        return shown.status === wanted ? shown : undefined;
      },
      30_000,
      `account status ${wanted}`,
    );
  /** Waits for the pool's session of the account (a pending connect counts only once it succeeded). */
  const sessionLive = (id: string) => stack.roles.worker!.pool.get(id);

  /** A WhatsApp account logged in by QR code. */
  async function loggedIn(): Promise<string> {
    const created = await api.post('/api/v1/accounts', { platform: 'whatsapp', login: 'qr' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: string = created.body.account.id;
    await socketOf(id).pair();
    await status(id, 'connected');
    await sessionLive(id);
    return id;
  }

  it('logs in by QR code: shows the rotating code, connects once paired, and lists its groups', async () => {
    const created = await api.post('/api/v1/accounts', { platform: 'whatsapp', login: 'qr', name: 'Shop' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.success, true);
    const id: string = created.body.account.id;
    const shown = created.body.account;
    assert.equal(shown.status, 'qr');
    assert.match(shown.qr, /^2@qr-\d+$/);
    assert.match(shown.qr_png, /^data:image\/png;base64,/);
    assert.equal(shown.qr_url, undefined, 'qr_url is Telegram’s');

    socketOf(id).emitQr('2@rotated');
    const rotated = await eventually(async () => {
      const now = await account(id);
      return now.qr === '2@rotated' ? now : undefined;
    }, 30_000, 'the QR code to rotate');
    assert.match(rotated.qr_png, /^data:image\/png;base64,/);

    // Scanning: Baileys stores the new creds, the server asks for a restart, the new socket opens.
    const loginSocket = socketOf(id);
    await loginSocket.pair();
    const connected = await status(id, 'connected');
    assert.equal(connected.connected, true);
    assert.equal(connected.qr, undefined);
    assert.notEqual(socketOf(id), loginSocket);

    const creds = await stack.db('whatsapp_auth_creds').where({ account_id: id }).first();
    assert.match(creds.creds, /^v1\./, 'the creds are stored sealed');
    assert.doesNotMatch(creds.creds, /4915100000001/);

    const groups = await eventually(async () => {
      const reply = await api.get(`/api/v1/groups?account_id=${id}`);
      return reply.body.count > 0 ? reply.body.groups : undefined;
    }, 30_000, 'the groups to be stored');
    assert.deepEqual(
      groups.map((g: any) => [g.key, g.title, g.type, g.members, g.platform]),
      [[GROUP, 'Friends', 'group', 3, 'whatsapp']],
    );
  });

  it('logs in with a pairing code for the phone number', async () => {
    const created = await api.post('/api/v1/accounts', { platform: 'whatsapp', login: 'pairing_code', phone: '+4915100000001' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: string = created.body.account.id;
    assert.equal(created.body.account.pairing_code, 'ABCD1234');
    assert.equal(created.body.account.status, 'code_sent');
    assert.equal(created.body.account.login, 'pairing_code');
    assert.deepEqual(socketOf(id).callsOf('requestPairingCode'), [['4915100000001']]);

    await socketOf(id).pair();
    const connected = await status(id, 'connected');
    assert.equal(connected.pairing_code, undefined);
  });

  it('stores received messages where the session searches them, and hands them to the router', async () => {
    const id = await loggedIn();
    socketOf(id).ev.emit('messages.upsert', { type: 'notify', messages: [inbound(GROUP, 'M1', 'is the zebra still for sale?')] });

    const stored = await eventually(async () => (await stack.db('inbound_messages').where({ account_id: id }).first()) ?? undefined, 30_000, 'the message to be stored');
    assert.equal(stored.text, 'is the zebra still for sale?');
    assert.equal(stored.message_id, numericMessageId(GROUP, 'M1'));
    const found = await stack.roles.worker!.pool.use(id, (session) =>
      session.searchMessages({ query: 'ZEBRA', chatKeys: [GROUP], perChatLimit: 10, since: null, until: null }),
    );
    assert.deepEqual(found.map((m) => [m.chatKey, m.chatTitle, m.text, m.fromName]), [[GROUP, 'Friends', 'is the zebra still for sale?', 'Alice']]);
    const routed = await eventually(
      async () => (await stack.db('events').where({ account_id: id, type: 'inbound.message' }).first()) ?? undefined,
      30_000,
      'the message to reach the inbound router',
    );
    assert.equal(routed.data.text, 'is the zebra still for sale?');
  });

  it('restores the session after a restart from the stored auth state, without a new QR code', async () => {
    const id = await loggedIn();
    const socketsBefore = stack.whatsapp.sockets.length;
    await stack.restart();
    await stack.roles.worker!.pool.get(id);
    const reopened = stack.whatsapp.sockets.slice(socketsBefore);
    assert.ok(reopened.length >= 1);
    const mine = reopened.filter((socket) => socket.input.accountId === id);
    assert.equal(mine.length, 1, 'one socket per account');
    assert.equal(mine[0]?.creds.me?.id, WHATSAPP_ME.id, 'the saved login was resumed');
    assert.equal(mine[0]?.callsOf('requestPairingCode').length, 0);
    assert.equal((await account(id)).status, 'connected');
    assert.equal((await account(id)).qr, undefined);
  });

  it('marks the account disconnected and wipes its creds when the phone logs the device out', async () => {
    const id = await loggedIn();
    await socketOf(id).close(new Boom('Connection Failure', { statusCode: baileys.DisconnectReason.loggedOut }));
    await status(id, 'disconnected');
    assert.equal(await stack.db('whatsapp_auth_creds').where({ account_id: id }).first(), undefined);
    assert.equal((await stack.db('whatsapp_auth_keys').where({ account_id: id })).length, 0);
    const event = await eventually(
      async () =>
        (await stack.db('events').where({ account_id: id, type: 'account.status_changed' }).whereRaw(`data->>'status' = 'disconnected'`).first()) ?? undefined,
    );
    assert.equal(event.data.previous, 'connected');
    assert.match(event.data.reason, /logged out/);
  });

  it('marks the account replaced, and does not reconnect, when another client takes the session', async () => {
    const id = await loggedIn();
    const sockets = stack.whatsapp.sockets.length;
    await socketOf(id).close(new Boom('Stream Errored (conflict)', { statusCode: baileys.DisconnectReason.connectionReplaced }));
    await status(id, 'replaced');
    assert.ok(await stack.db('whatsapp_auth_creds').where({ account_id: id }).first(), 'a replaced session keeps its creds');
    assert.equal(stack.whatsapp.sockets.length, sockets);
  });

  it('DELETE unlinks the device and wipes the saved login', async () => {
    const id = await loggedIn();
    const socket = socketOf(id);
    const deleted = await api.delete(`/api/v1/accounts/${id}`);
    assert.equal(deleted.status, 200);
    assert.equal(socket.callsOf('logout').length, 1);
    assert.equal((await api.get(`/api/v1/accounts/${id}`)).status, 404);
    assert.equal(await stack.db('whatsapp_auth_creds').where({ account_id: id }).first(), undefined);
  });

  it('ends a login whose QR codes all expired, showing why', async () => {
    const created = await api.post('/api/v1/accounts', { platform: 'whatsapp' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: string = created.body.account.id;
    assert.equal(created.body.account.login, 'qr', 'QR is the default WhatsApp login');
    await socketOf(id).close(new Boom('QR refs attempts ended', { statusCode: baileys.DisconnectReason.timedOut }));
    const failed = await status(id, 'disconnected');
    assert.match(failed.login_error, /timed out/);
    assert.equal(failed.qr, undefined);
  });
});
