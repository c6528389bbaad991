import assert from 'node:assert/strict';
import { Boom } from '@hapi/boom';
import type { GroupMetadata, WAMessage } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { isModerationUnsupported, isPlatformError, type InboundEvent, type SessionAccount } from '../../../../src/domain/platform-port';
import { loadBaileys, type BaileysModule } from '../../../../src/platforms/whatsapp/baileys';
import { MemoryAuthStateStore } from '../../../../src/platforms/whatsapp/memory-auth-state-store';
import { MemoryInboundMessageStore } from '../../../../src/platforms/whatsapp/message-store';
import { numericMessageId } from '../../../../src/platforms/whatsapp/messages';
import { WhatsAppDriver } from '../../../../src/platforms/whatsapp/whatsapp-driver';
import { ManualTimers, pairedCredsJson, settle, stubSocketFactory, until } from './stub-socket';

const ACCOUNT: SessionAccount = { id: 'acc-1', platform: 'whatsapp', phone: '+4915100000001' };
const MODERATED = '120363000000000001@g.us';
const MEMBER_ONLY = '120363000000000002@g.us';
const ALICE = '4915111111111@s.whatsapp.net';
const SPAMMER = '4915122222222@s.whatsapp.net';
/** This account in group metadata (its LID, with its phone number), as the stub's ME is. */
const SELF = { id: '98765@lid', phoneNumber: '4915100000001@s.whatsapp.net' };

function group(id: string, selfAdmin: boolean): GroupMetadata {
  return {
    id,
    subject: id === MODERATED ? 'Moderated' : 'Member only',
    owner: ALICE,
    participants: [{ id: ALICE, admin: 'superadmin' }, { ...SELF, admin: selfAdmin ? 'admin' : null }, { id: SPAMMER }],
  };
}

function received(chat: string, id: string, text: string): WAMessage {
  return { key: { remoteJid: chat, fromMe: false, id, participant: SPAMMER }, message: { conversation: text }, messageTimestamp: 1_700_000_000, pushName: 'Spam' };
}

describe('WhatsAppSession moderation', () => {
  let baileys: BaileysModule;
  before(async () => {
    baileys = await loadBaileys();
  });

  async function connected() {
    const auth = new MemoryAuthStateStore();
    auth.creds = pairedCredsJson(baileys);
    const stubs = stubSocketFactory(baileys);
    const messages = new MemoryInboundMessageStore();
    const driver = new WhatsAppDriver({ authStore: () => auth, socketFactory: stubs.factory, timers: new ManualTimers(), connectTimeoutMs: 2000, loginTimeoutMs: 2000, messageStore: messages });
    const connecting = driver.connect(ACCOUNT);
    await until(() => stubs.sockets.length === 1);
    const sock = stubs.last();
    sock.groups = { [MODERATED]: group(MODERATED, true), [MEMBER_ONLY]: group(MEMBER_ONLY, false) };
    sock.emitOpen();
    return { session: await connecting, sock, messages };
  }

  describe("a group's admins", () => {
    it("marks an admin's message as the admin's, looking the group's admins up once", async () => {
      const { session, sock } = await connected();
      const events: InboundEvent[] = [];
      session.onInbound((event) => void events.push(event));
      const fromAlice: WAMessage = { ...received(MODERATED, 'A1', 'rules: no links'), key: { remoteJid: MODERATED, fromMe: false, id: 'A1', participant: ALICE } };
      sock.ev.emit('messages.upsert', { type: 'notify', messages: [fromAlice, received(MODERATED, 'S1', 'buy now')] });
      await until(() => events.length === 2);
      assert.deepEqual(
        events.map((e) => e.type === 'message' && [e.from.id, e.fromAdmin]),
        [
          [ALICE, true],
          [SPAMMER, undefined],
        ],
      );
      assert.equal(sock.callsOf('groupMetadata').length, 1);
    });
  });

  describe('deleteMessage', () => {
    it('revokes a received group message with its original key, in a group the account administers', async () => {
      const { session, sock } = await connected();
      const events: InboundEvent[] = [];
      session.onInbound((event) => void events.push(event));
      sock.ev.emit('messages.upsert', { type: 'notify', messages: [received(MODERATED, 'SPAM1', 'buy now')] });
      await until(() => events.length > 0);
      const messageId = events[0]?.type === 'message' ? events[0].messageId : -1;

      await session.deleteMessage({ chatKey: MODERATED, messageId });
      const sends = sock.callsOf('sendMessage');
      assert.equal(sends.length, 1);
      const [jid, content] = sends[0]!;
      assert.equal(jid, MODERATED);
      assert.deepEqual(content, { delete: { remoteJid: MODERATED, fromMe: false, id: 'SPAM1', participant: SPAMMER } });
    });

    it('rebuilds the key from the message store for a message this session did not see', async () => {
      const { session, sock, messages } = await connected();
      const messageId = numericMessageId(MODERATED, 'OLD7');
      await messages.save(ACCOUNT.id, [
        { chatKey: MODERATED, messageId, fromId: SPAMMER, fromUsername: null, fromName: null, text: 'old spam', date: new Date(), waMessageId: 'OLD7', participant: SPAMMER },
      ]);
      await session.deleteMessage({ chatKey: MODERATED, messageId });
      assert.deepEqual(sock.callsOf('sendMessage')[0]?.[1], { delete: { remoteJid: MODERATED, id: 'OLD7', fromMe: false, participant: SPAMMER } });
    });

    it('stores what rebuilds the key of every received message', async () => {
      const { sock, messages } = await connected();
      sock.ev.emit('messages.upsert', { type: 'notify', messages: [received(MODERATED, 'KEEP1', 'hello')] });
      await settle();
      assert.deepEqual(await messages.findKey(ACCOUNT.id, MODERATED, numericMessageId(MODERATED, 'KEEP1')), { waMessageId: 'KEEP1', participant: SPAMMER });
    });

    it('revokes a message the account sent by the id its send answered', async () => {
      const { session, sock } = await connected();
      const sent = await session.sendMessage({ targetKey: MEMBER_ONLY, text: 'welcome', clientMessageId: 'w1' });
      await session.deleteMessage({ chatKey: MEMBER_ONLY, messageId: sent.messageId });
      assert.deepEqual(sock.callsOf('sendMessage')[1]?.[1], { delete: { remoteJid: MEMBER_ONLY, id: sent.messageId, fromMe: true } });
    });

    it('answers forbidden for someone else\'s message in a group the account does not administer', async () => {
      const { session, sock } = await connected();
      const messageId = numericMessageId(MEMBER_ONLY, 'X1');
      sock.ev.emit('messages.upsert', { type: 'notify', messages: [received(MEMBER_ONLY, 'X1', 'spam')] });
      await assert.rejects(session.deleteMessage({ chatKey: MEMBER_ONLY, messageId }), (err) => isPlatformError(err, 'forbidden') && /not an admin/.test(err.message));
      assert.equal(sock.callsOf('sendMessage').length, 0);
    });

    it('answers not_found for a message the account never received', async () => {
      const { session } = await connected();
      await assert.rejects(session.deleteMessage({ chatKey: MODERATED, messageId: 12345 }), (err) => isPlatformError(err, 'not_found'));
    });
  });

  describe('banMember', () => {
    it('removes the member with groupParticipantsUpdate in a group the account administers', async () => {
      const { session, sock } = await connected();
      await session.banMember({ chatKey: MODERATED, userId: SPAMMER });
      assert.deepEqual(sock.callsOf('groupParticipantsUpdate'), [[MODERATED, [SPAMMER], 'remove']]);
      assert.ok(!sock.groups[MODERATED]!.participants.some((p) => p.id === SPAMMER), 'the spammer is out');
    });

    it('takes a phone number for the member, and counts one already gone as removed', async () => {
      const { session, sock } = await connected();
      await session.banMember({ chatKey: MODERATED, userId: '+49 151 2222 2222' });
      await session.banMember({ chatKey: MODERATED, userId: SPAMMER });
      assert.deepEqual(sock.callsOf('groupParticipantsUpdate').map(([, members]) => members), [[SPAMMER], [SPAMMER]]);
    });

    it('answers forbidden without asking WhatsApp when the account is not an admin', async () => {
      const { session, sock } = await connected();
      await assert.rejects(session.banMember({ chatKey: MEMBER_ONLY, userId: SPAMMER }), (err) => isPlatformError(err, 'forbidden') && /not an admin/.test(err.message));
      assert.equal(sock.callsOf('groupParticipantsUpdate').length, 0);
    });

    it('answers forbidden when WhatsApp refuses the removal (not-authorized, Boom 403)', async () => {
      const { session, sock } = await connected();
      sock.participantsError = new Boom('not-authorized', { data: 401 });
      await assert.rejects(session.banMember({ chatKey: MODERATED, userId: SPAMMER }), (err) => isPlatformError(err, 'forbidden'));
      sock.participantsError = new Boom('forbidden', { data: 403 });
      await assert.rejects(session.banMember({ chatKey: MODERATED, userId: SPAMMER }), (err) => isPlatformError(err, 'forbidden'));
    });

    it('answers forbidden for a participant WhatsApp refused to remove (status 403)', async () => {
      const { session, sock } = await connected();
      sock.groupParticipantsUpdate = async (jid, participants) => participants.map((p) => ({ status: '403', jid: p, content: { tag: 'participant', attrs: { jid, error: '403' } } }));
      await assert.rejects(session.banMember({ chatKey: MODERATED, userId: ALICE }), (err) => isPlatformError(err, 'forbidden'));
    });

    it('refuses a chat that is not a group as invalid', async () => {
      const { session } = await connected();
      await assert.rejects(session.banMember({ chatKey: ALICE, userId: SPAMMER }), (err) => isPlatformError(err, 'invalid'));
    });
  });

  describe('mutes and undoing', () => {
    it('refuses a mute as unsupported, since WhatsApp has no per-member mute', async () => {
      const { session, sock } = await connected();
      await assert.rejects(session.restrictMember({ chatKey: MODERATED, userId: SPAMMER, until: null }), (err) => isModerationUnsupported(err) && /no per-member mute/.test(err.message));
      assert.equal(sock.callsOf('groupParticipantsUpdate').length + sock.callsOf('sendMessage').length, 0);
    });

    it('has nothing to lift on unmute or unban: WhatsApp keeps no mute or ban list', async () => {
      const { session, sock } = await connected();
      const before = sock.calls.length;
      await session.unrestrictMember({ chatKey: MODERATED, userId: SPAMMER });
      await session.unbanMember({ chatKey: MODERATED, userId: SPAMMER });
      assert.equal(sock.calls.length, before, 'WhatsApp was not asked anything');
    });
  });
});
