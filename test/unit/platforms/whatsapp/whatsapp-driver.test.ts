import assert from 'node:assert/strict';
import { Boom } from '@hapi/boom';
import type { GroupMetadata, WAMessage } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { isPlatformError, type InboundEvent, type SessionAccount } from '../../../../src/domain/platform-port';
import { loadBaileys, type BaileysModule } from '../../../../src/platforms/whatsapp/baileys';
import { MemoryAuthStateStore } from '../../../../src/platforms/whatsapp/memory-auth-state-store';
import { messageIdFor, numericMessageId } from '../../../../src/platforms/whatsapp/messages';
import { WhatsAppDriver } from '../../../../src/platforms/whatsapp/whatsapp-driver';
import { ManualTimers, ME, pairedCredsJson, settle, stubSocketFactory, until, type StubSocket } from './stub-socket';

const ACCOUNT: SessionAccount = { id: 'acc-1', platform: 'whatsapp', phone: '+4915100000001' };
const GROUP = '120363000000000001@g.us';
const ANNOUNCE = '120363000000000002@g.us';
const ALICE = '4915111111111@s.whatsapp.net';

function group(id: string, subject: string, overrides: Partial<GroupMetadata> = {}): GroupMetadata {
  return {
    id,
    subject,
    owner: ALICE,
    participants: [
      { id: ALICE, admin: 'superadmin' },
      { id: '98765@lid', phoneNumber: '4915100000001@s.whatsapp.net' },
      { id: '4915122222222@s.whatsapp.net' },
    ],
    ...overrides,
  };
}

describe('WhatsAppDriver', () => {
  let baileys: BaileysModule;
  before(async () => {
    baileys = await loadBaileys();
  });

  function setup(options: { paired?: boolean } = {}) {
    const stores = new Map<string, MemoryAuthStateStore>();
    const storeOf = (accountId: string): MemoryAuthStateStore => {
      let store = stores.get(accountId);
      if (!store) {
        store = new MemoryAuthStateStore();
        stores.set(accountId, store);
      }
      return store;
    };
    if (options.paired) storeOf(ACCOUNT.id).creds = pairedCredsJson(baileys);
    const stubs = stubSocketFactory(baileys);
    const timers = new ManualTimers();
    const driver = new WhatsAppDriver({
      authStore: storeOf,
      socketFactory: stubs.factory,
      timers,
      connectTimeoutMs: 2000,
      loginTimeoutMs: 2000,
    });
    return { driver, stubs, timers, storeOf };
  }

  /** Connects with a saved login; the stub socket opens as soon as it exists. */
  async function connected(configure: (sock: StubSocket) => void = () => undefined) {
    const context = setup({ paired: true });
    const connecting = context.driver.connect(ACCOUNT);
    await until(() => context.stubs.sockets.length === 1);
    const sock = context.stubs.last();
    configure(sock);
    sock.emitOpen();
    const session = await connecting;
    return { ...context, sock, session };
  }

  it('is the whatsapp driver', () => {
    assert.equal(setup().driver.name, 'whatsapp');
  });

  describe('connect', () => {
    it('opens a session on the saved login, and returns the same one while it is open', async () => {
      const { driver, stubs, session } = await connected();
      assert.equal(session.accountId, 'acc-1');
      assert.equal(await driver.connect(ACCOUNT), session);
      assert.equal(stubs.sockets.length, 1);
      assert.equal(driver.loginState(ACCOUNT.id)?.status, 'open');
    });

    it('fails with auth_revoked without opening a socket when the account never logged in', async () => {
      const { driver, stubs } = setup();
      await assert.rejects(driver.connect(ACCOUNT), (err: unknown) => isPlatformError(err, 'auth_revoked'));
      assert.equal(stubs.sockets.length, 0);
    });

    it('rejects accounts of another platform', async () => {
      const { driver } = setup();
      await assert.rejects(
        driver.connect({ ...ACCOUNT, platform: 'telegram' }),
        (err: unknown) => isPlatformError(err, 'invalid'),
      );
    });

    it('opens one socket for concurrent connects of the same account', async () => {
      const { driver, stubs } = setup({ paired: true });
      const both = Promise.all([driver.connect(ACCOUNT), driver.connect(ACCOUNT)]);
      await until(() => stubs.sockets.length === 1);
      stubs.last().emitOpen();
      const [first, second] = await both;
      assert.equal(first, second);
      assert.equal(stubs.sockets.length, 1);
    });
  });

  describe('login', () => {
    it('returns the QR code, then hands the logged-in connection to connect', async () => {
      const { driver, stubs } = setup();
      const login = driver.startLogin(ACCOUNT, { method: 'qr' });
      await until(() => stubs.sockets.length === 1);
      await settle();
      stubs.last().emitQr('2@ref,noise,identity,adv');
      const state = await login;
      assert.equal(state.status, 'qr');
      assert.equal(state.qr, '2@ref,noise,identity,adv');
      assert.match(state.qrPng ?? '', /^data:image\/png;base64,/);

      await assert.rejects(driver.connect(ACCOUNT), (err: unknown) => isPlatformError(err, 'auth_revoked'));

      await stubs.last().pair();
      stubs.last().emitOpen();
      const session = await driver.connect(ACCOUNT);
      assert.equal(session.accountId, ACCOUNT.id);
      assert.equal(stubs.sockets.length, 2, 'the login socket plus the one after the restart, nothing more');
    });

    it('logs in with a pairing code for the account phone', async () => {
      const { driver, stubs } = setup();
      const login = driver.startLogin(ACCOUNT, { method: 'pairing_code' });
      await until(() => stubs.sockets.length === 1);
      await settle();
      stubs.last().emitQr('2@ref');
      const state = await login;
      assert.equal(state.status, 'pairing_code');
      assert.equal(state.pairingCode, 'ABCD1234');
      assert.deepEqual(stubs.last().callsOf('requestPairingCode'), [['4915100000001']]);
    });

    it('refuses a pairing-code login without a phone number', async () => {
      const { driver } = setup();
      await assert.rejects(
        driver.startLogin({ ...ACCOUNT, phone: null }, { method: 'pairing_code' }),
        (err: unknown) => isPlatformError(err, 'invalid'),
      );
    });

    it('answers the open state without a new socket when the account is already connected', async () => {
      const { driver, stubs } = await connected();
      const state = await driver.startLogin(ACCOUNT, { method: 'qr' });
      assert.equal(state.status, 'open');
      assert.equal(stubs.sockets.length, 1);
    });

    it('logout wipes the saved login of a connected account', async () => {
      const { driver, storeOf, sock } = await connected();
      await driver.logout(ACCOUNT.id);
      assert.equal(sock.callsOf('logout').length, 1);
      assert.equal(storeOf(ACCOUNT.id).creds, null);
      assert.equal(driver.loginState(ACCOUNT.id)?.status, 'disconnected');
    });
  });

  describe('session', () => {
    it('lists groups with their members and the contacts it has seen', async () => {
      const { session, sock } = await connected((s) => {
        s.groups = { [GROUP]: group(GROUP, 'Friends') };
      });
      sock.ev.emit('contacts.upsert', [
        { id: ALICE, name: 'Alice Smith' },
        { id: '777@lid', notify: 'Carol', username: 'carol' },
        { id: GROUP },
      ]);
      sock.ev.emit('messages.upsert', {
        type: 'notify',
        messages: [inbound(GROUP, 'M1', 'hi', 1_700_000_100)],
      });

      const chats = await session.listChats();
      assert.deepEqual(chats, [
        { key: GROUP, id: GROUP, type: 'group', title: 'Friends', username: null, members: 3, lastActivityAt: new Date(1_700_000_100_000) },
        { key: ALICE, id: ALICE, type: 'contact', title: 'Alice Smith', username: null, members: null, lastActivityAt: null },
        { key: '777@lid', id: '777@lid', type: 'contact', title: 'Carol', username: 'carol', members: null, lastActivityAt: null },
      ]);
    });

    describe('resolveTarget', () => {
      it('resolves a group, writable unless it is an announcement group and the account no admin', async () => {
        const { session } = await connected((s) => {
          s.groups = {
            [GROUP]: group(GROUP, 'Friends'),
            [ANNOUNCE]: group(ANNOUNCE, 'News', { announce: true }),
          };
        });
        assert.deepEqual(await session.resolveTarget(GROUP), {
          key: GROUP,
          id: GROUP,
          type: 'group',
          title: 'Friends',
          username: null,
          members: 3,
          writable: true,
        });
        assert.equal((await session.resolveTarget(ANNOUNCE)).writable, false);
      });

      it('answers not_found for a group the account is not in', async () => {
        const { session } = await connected();
        await assert.rejects(session.resolveTarget(GROUP), (err: unknown) => isPlatformError(err, 'not_found'));
      });

      it('resolves a phone number that has WhatsApp to its JID, and not_found otherwise', async () => {
        const { session, sock } = await connected((s) => s.registered.add('4915111111111'));
        sock.ev.emit('contacts.upsert', [{ id: ALICE, notify: 'Alice' }]);
        const target = await session.resolveTarget('+49 151 1111 1111');
        assert.deepEqual(target, {
          key: ALICE,
          id: ALICE,
          type: 'contact',
          title: 'Alice',
          username: null,
          members: null,
          writable: true,
        });
        await assert.rejects(session.resolveTarget('+4915199999999'), (err: unknown) => isPlatformError(err, 'not_found'));
        await assert.rejects(session.resolveTarget('@alice'), (err: unknown) => isPlatformError(err, 'invalid'));
      });
    });

    describe('sendMessage', () => {
      it('sends under the message id derived from the client message id', async () => {
        const { session, sock } = await connected();
        const sent = await session.sendMessage({ targetKey: GROUP, text: 'Hello', clientMessageId: 'run-1:g1' });
        assert.deepEqual(sock.callsOf('sendMessage'), [[GROUP, { text: 'Hello' }, { messageId: messageIdFor('run-1:g1'), quoted: undefined }]]);
        assert.deepEqual(sent, {
          messageId: messageIdFor('run-1:g1'),
          sentAt: new Date(1_700_000_000_000),
          deduplicated: false,
        });
      });

      it('does not send again for a repeated client message id, and reuses the id across sessions', async () => {
        const { session, sock } = await connected();
        const message = { targetKey: GROUP, text: 'Hello', clientMessageId: 'run-1:g1' };
        const first = await session.sendMessage(message);
        const again = await session.sendMessage(message);
        assert.equal(sock.callsOf('sendMessage').length, 1);
        assert.deepEqual(again, { ...first, deduplicated: true });

        // A retry from another process (after a crash) sends with the same id, which WhatsApp de-duplicates.
        const other = await connected();
        await other.session.sendMessage(message);
        const [, , options] = other.sock.callsOf('sendMessage')[0] ?? [];
        assert.equal((options as { messageId?: string }).messageId, first.messageId);
      });

      it('sends an image with the text as caption', async () => {
        const { session, sock } = await connected((s) => s.registered.add('4915111111111'));
        const data = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
        await session.sendMessage({
          targetKey: '+4915111111111',
          text: 'Look',
          clientMessageId: 'c-img',
          media: { data, mimeType: 'image/png', sha256: 'ab' },
        });
        const [jid, content] = sock.callsOf('sendMessage')[0] ?? [];
        assert.equal(jid, ALICE);
        assert.deepEqual(content, { image: data, caption: 'Look', mimetype: 'image/png' });
      });

      it('quotes the inbound message it replies to', async () => {
        const { session, sock } = await connected();
        const events: InboundEvent[] = [];
        session.onInbound((event) => void events.push(event));
        const question = inbound(GROUP, 'Q1', 'price?', 1_700_000_000);
        sock.ev.emit('messages.upsert', { type: 'notify', messages: [question] });
        await until(() => events.length > 0);
        const replyTo = events[0]?.type === 'message' ? events[0].messageId : -1;
        await session.sendMessage({ targetKey: GROUP, text: '10 EUR', clientMessageId: 'r1', replyTo });
        const [, , options] = sock.callsOf('sendMessage')[0] ?? [];
        assert.equal((options as { quoted?: WAMessage }).quoted, question);
      });

      it('maps Baileys failures to platform errors', async () => {
        const { session, sock } = await connected();
        sock.sendError = new Boom('rate-overlimit', { data: 429 });
        await assert.rejects(
          session.sendMessage({ targetKey: GROUP, text: 'x', clientMessageId: 'e1' }),
          (err: unknown) => isPlatformError(err, 'rate_limited') && err.retryAfterSeconds === 60,
        );
        sock.sendError = new Boom('Connection Closed', { statusCode: baileys.DisconnectReason.connectionClosed });
        await assert.rejects(
          session.sendMessage({ targetKey: GROUP, text: 'x', clientMessageId: 'e2' }),
          (err: unknown) => isPlatformError(err, 'transient'),
        );
        await assert.rejects(
          session.sendMessage({ targetKey: 'nobody', text: 'x', clientMessageId: 'e3' }),
          (err: unknown) => isPlatformError(err, 'invalid'),
        );
      });

      it('fails transient while the connection is reconnecting', async () => {
        const { session, sock } = await connected();
        await sock.close(new Boom('Connection Lost', { statusCode: baileys.DisconnectReason.connectionLost }));
        await assert.rejects(
          session.sendMessage({ targetKey: GROUP, text: 'x', clientMessageId: 'down' }),
          (err: unknown) => isPlatformError(err, 'transient'),
        );
      });
    });

    it('says message search, usernames and discovery are not supported on whatsapp', async () => {
      const { session } = await connected();
      const search = { query: 'x', chatKeys: [GROUP], perChatLimit: 10, since: null, until: null };
      await assert.rejects(session.searchMessages(search), (err: unknown) => {
        assert.ok(isPlatformError(err, 'invalid'));
        assert.match(err.message, /no server-side search/);
        return true;
      });
      await assert.rejects(session.setUsername('ada'), (err: unknown) => {
        assert.ok(isPlatformError(err, 'invalid'));
        assert.match(err.message, /not supported on whatsapp/);
        return true;
      });
      await assert.rejects(session.discoverChats({ keywords: 'x', limit: 5 }), (err: unknown) => isPlatformError(err, 'invalid'));
    });

    describe('profile', () => {
      it('reads name, phone, about and photo of the account', async () => {
        const { session } = await connected();
        assert.deepEqual(await session.getProfile(), {
          id: '4915100000001@s.whatsapp.net',
          firstName: 'Ada',
          lastName: '',
          username: null,
          phone: '+4915100000001',
          about: 'Available',
          photo: false,
        });
      });

      it('updates the name (first and last joined) and the about text', async () => {
        const { session, sock } = await connected();
        const profile = await session.updateProfile({ firstName: 'Ada', lastName: 'Lovelace', about: 'Counting' });
        assert.deepEqual(sock.callsOf('updateProfileName'), [['Ada Lovelace']]);
        assert.deepEqual(sock.callsOf('updateProfileStatus'), [['Counting']]);
        assert.equal(profile.firstName, 'Ada Lovelace');
        assert.equal(profile.about, 'Counting');
      });

      it('rejects names and about texts over the WhatsApp limits', async () => {
        const { session, sock } = await connected();
        await assert.rejects(session.updateProfile({ firstName: 'x'.repeat(26) }), (err: unknown) => isPlatformError(err, 'invalid'));
        await assert.rejects(session.updateProfile({ about: 'x'.repeat(140) }), (err: unknown) => isPlatformError(err, 'invalid'));
        assert.deepEqual(sock.callsOf('updateProfileName'), []);
        assert.deepEqual(sock.callsOf('updateProfileStatus'), []);
      });

      it('sets and deletes the profile photo of the account', async () => {
        const { session, sock } = await connected();
        const data = Buffer.from('jpeg');
        await session.setPhoto({ data, mimeType: 'image/jpeg' });
        assert.deepEqual(sock.callsOf('updateProfilePicture'), [['4915100000001@s.whatsapp.net', data]]);
        assert.equal((await session.getProfile()).photo, true);
        await session.deletePhoto();
        assert.deepEqual(sock.callsOf('removeProfilePicture'), [['4915100000001@s.whatsapp.net']]);
        await assert.rejects(session.setPhoto({ data, mimeType: 'text/plain' }), (err: unknown) => isPlatformError(err, 'invalid'));
      });
    });

    describe('onInbound', () => {
      it('emits received messages and member joins and leaves, not own or history messages', async () => {
        const { session, sock } = await connected();
        const events: InboundEvent[] = [];
        const unsubscribe = session.onInbound((event) => void events.push(event));

        sock.ev.emit('messages.upsert', {
          type: 'notify',
          messages: [
            inbound(GROUP, 'M1', 'hello', 1_700_000_000),
            { ...inbound(GROUP, 'M2', 'mine', 1_700_000_001), key: { remoteJid: GROUP, fromMe: true, id: 'M2' } },
          ],
        });
        sock.ev.emit('messages.upsert', { type: 'append', messages: [inbound(GROUP, 'M3', 'old', 1_600_000_000)] });
        sock.ev.emit('group-participants.update', {
          id: GROUP,
          author: ALICE,
          action: 'add',
          participants: [{ id: '4915122222222@s.whatsapp.net', notify: 'Bob' }, { id: ME.id }],
        });
        sock.ev.emit('group-participants.update', {
          id: GROUP,
          author: ALICE,
          action: 'remove',
          participants: [{ id: '4915122222222@s.whatsapp.net' }],
        });

        await until(() => events.length >= 3);
        assert.deepEqual(
          events.map((event) => [event.type, event.chatKey, event.type === 'message' ? event.text : event.user.id]),
          [
            ['message', GROUP, 'hello'],
            ['join', GROUP, '4915122222222@s.whatsapp.net'],
            ['leave', GROUP, '4915122222222@s.whatsapp.net'],
          ],
        );
        assert.equal(events[0]?.type === 'message' && events[0].messageId, numericMessageId(GROUP, 'M1'));

        unsubscribe();
        sock.ev.emit('messages.upsert', { type: 'notify', messages: [inbound(GROUP, 'M4', 'later', 1_700_000_002)] });
        await settle();
        assert.equal(events.length, 3);
      });

      it('keeps delivering after a reconnect, and a throwing listener does not stop the others', async () => {
        const { session, sock, stubs, timers } = await connected();
        const texts: string[] = [];
        session.onInbound(() => {
          throw new Error('listener bug');
        });
        session.onInbound((event) => void texts.push(event.type === 'message' ? event.text : event.type));
        await sock.close(new Boom('Connection Lost', { statusCode: baileys.DisconnectReason.connectionLost }));
        timers.runAll();
        await settle();
        stubs.last().emitOpen();
        stubs.last().ev.emit('messages.upsert', { type: 'notify', messages: [inbound(GROUP, 'N1', 'after', 1_700_000_000)] });
        await until(() => texts.length > 0);
        assert.deepEqual(texts, ['after']);
      });
    });

    it('disconnect ends the socket, and a later connect opens a new one', async () => {
      const { driver, session, sock, stubs } = await connected();
      await session.disconnect();
      assert.ok(sock.ended);
      assert.equal(driver.loginState(ACCOUNT.id), null);

      const reconnecting = driver.connect(ACCOUNT);
      await until(() => stubs.sockets.length === 2);
      stubs.last().emitOpen();
      assert.notEqual(await reconnecting, session);
    });
  });
});

function inbound(chat: string, id: string, text: string, timestamp: number): WAMessage {
  return {
    key: { remoteJid: chat, fromMe: false, id, participant: ALICE },
    message: { conversation: text },
    messageTimestamp: timestamp,
    pushName: 'Alice',
  };
}
