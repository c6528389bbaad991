import assert from 'node:assert/strict';
import type { WAMessage } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { isPlatformError } from '../../../../src/domain/platform-port';
import { loadBaileys, type BaileysModule } from '../../../../src/platforms/whatsapp/baileys';
import {
  messageIdFor,
  messageText,
  numericMessageId,
  outgoingContent,
  toInboundMessage,
  toMemberEvents,
} from '../../../../src/platforms/whatsapp/messages';
import { ME } from './stub-socket';

describe('whatsapp message translation', () => {
  let baileys: BaileysModule;
  before(async () => {
    baileys = await loadBaileys();
  });

  const GROUP = '120363000000000001@g.us';
  const ALICE = '4915111111111@s.whatsapp.net';

  function received(overrides: Partial<WAMessage> & { key?: WAMessage['key'] } = {}): WAMessage {
    return baileys.proto.WebMessageInfo.fromObject({
      key: { remoteJid: GROUP, fromMe: false, id: 'ABC123', participant: `4915111111111:3@s.whatsapp.net` },
      message: { conversation: 'hello group' },
      messageTimestamp: 1_700_000_000,
      pushName: 'Alice',
      ...overrides,
    }) as WAMessage;
  }

  describe('messageIdFor', () => {
    it('derives the same Baileys-shaped id from the same client message id', () => {
      const id = messageIdFor('broadcast-7-run-1:120363@g.us');
      assert.equal(id, messageIdFor('broadcast-7-run-1:120363@g.us'));
      assert.match(id, /^3EB0[0-9A-F]{18}$/);
      assert.notEqual(id, messageIdFor('broadcast-7-run-2:120363@g.us'));
    });
  });

  it('numericMessageId is a safe integer that depends on chat and id', () => {
    const n = numericMessageId(GROUP, 'ABC');
    assert.ok(Number.isSafeInteger(n) && n >= 0);
    assert.equal(n, numericMessageId(GROUP, 'ABC'));
    assert.notEqual(n, numericMessageId(ALICE, 'ABC'));
  });

  describe('messageText', () => {
    it('reads conversation, extended text and captions, unwrapping ephemeral envelopes', () => {
      assert.equal(messageText(baileys, { conversation: 'plain' }), 'plain');
      assert.equal(messageText(baileys, { extendedTextMessage: { text: 'with link' } }), 'with link');
      assert.equal(messageText(baileys, { imageMessage: { caption: 'look' } }), 'look');
      assert.equal(messageText(baileys, { videoMessage: { caption: 'watch' } }), 'watch');
      assert.equal(
        messageText(baileys, { ephemeralMessage: { message: { extendedTextMessage: { text: 'vanishing' } } } }),
        'vanishing',
      );
      assert.equal(messageText(baileys, { stickerMessage: {} }), '');
    });

    it('answers null for reactions, protocol messages and empty content', () => {
      assert.equal(messageText(baileys, { reactionMessage: { text: '👍' } }), null);
      assert.equal(messageText(baileys, { protocolMessage: { type: 0 } }), null);
      assert.equal(messageText(baileys, undefined), null);
    });
  });

  describe('toInboundMessage', () => {
    it('translates a group message, naming the sender without their device', () => {
      const event = toInboundMessage(baileys, 'acc-1', received());
      assert.deepEqual(event, {
        type: 'message',
        accountId: 'acc-1',
        chatKey: GROUP,
        messageId: numericMessageId(GROUP, 'ABC123'),
        from: { id: ALICE, username: null, name: 'Alice' },
        text: 'hello group',
        date: new Date(1_700_000_000_000),
      });
    });

    it('says when a message was forwarded', () => {
      const forwarded = received({ message: { extendedTextMessage: { text: 'fwd', contextInfo: { isForwarded: true, forwardingScore: 1 } } } });
      assert.equal(toInboundMessage(baileys, 'acc-1', forwarded)?.forwarded, true);
      assert.equal(toInboundMessage(baileys, 'acc-1', received())?.forwarded, undefined);
    });

    it('uses the chat as sender in a private chat', () => {
      const event = toInboundMessage(
        baileys,
        'acc-1',
        received({ key: { remoteJid: ALICE, fromMe: false, id: 'P1' }, message: { extendedTextMessage: { text: 'hi' } } }),
      );
      assert.equal(event?.chatKey, ALICE);
      assert.equal(event?.from.id, ALICE);
      assert.equal(event?.text, 'hi');
    });

    it('skips own messages, status broadcasts, channels and reactions', () => {
      assert.equal(toInboundMessage(baileys, 'a', received({ key: { remoteJid: GROUP, fromMe: true, id: 'X' } })), null);
      assert.equal(toInboundMessage(baileys, 'a', received({ key: { remoteJid: 'status@broadcast', id: 'X', participant: ALICE } })), null);
      assert.equal(toInboundMessage(baileys, 'a', received({ key: { remoteJid: '1203@newsletter', id: 'X' } })), null);
      assert.equal(toInboundMessage(baileys, 'a', received({ message: { reactionMessage: { text: '❤' } } })), null);
    });
  });

  describe('toMemberEvents', () => {
    it('turns add and remove into join and leave for each participant object', () => {
      const date = new Date('2025-01-01T00:00:00Z');
      const joins = toMemberEvents(
        baileys,
        'acc-1',
        {
          id: GROUP,
          author: ALICE,
          action: 'add',
          participants: [
            { id: '111@lid', phoneNumber: '4915122222222@s.whatsapp.net', notify: 'Bob', username: 'bob' },
            { id: '4915133333333:2@s.whatsapp.net' },
          ],
        },
        [ME.id],
        date,
      );
      assert.deepEqual(joins, [
        { type: 'join', accountId: 'acc-1', chatKey: GROUP, user: { id: '111@lid', username: 'bob', name: 'Bob' }, date },
        {
          type: 'join',
          accountId: 'acc-1',
          chatKey: GROUP,
          user: { id: '4915133333333@s.whatsapp.net', username: null, name: null },
          date,
        },
      ]);
      const leaves = toMemberEvents(baileys, 'acc-1', { id: GROUP, author: ALICE, action: 'remove', participants: [{ id: ALICE }] }, [], date);
      assert.deepEqual(leaves.map((e) => [e.type, e.type !== 'message' && e.user.id]), [['leave', ALICE]]);
    });

    it('ignores promotions and changes about the account itself', () => {
      assert.deepEqual(
        toMemberEvents(baileys, 'a', { id: GROUP, author: ALICE, action: 'promote', participants: [{ id: ALICE }] }, []),
        [],
      );
      const self = toMemberEvents(
        baileys,
        'a',
        { id: GROUP, author: ALICE, action: 'add', participants: [{ id: '98765@lid' }] },
        [ME.id, ME.lid ?? ''],
      );
      assert.deepEqual(self, []);
    });
  });

  describe('outgoingContent', () => {
    it('sends text as text and media with the text as caption', () => {
      const data = Buffer.from('png');
      const sha256 = 'ab';
      assert.deepEqual(outgoingContent('hi'), { text: 'hi' });
      assert.deepEqual(outgoingContent('look', { data, mimeType: 'image/png', sha256 }), { image: data, caption: 'look', mimetype: 'image/png' });
      assert.deepEqual(outgoingContent('', { data, mimeType: 'video/mp4', sha256 }), { video: data, caption: undefined, mimetype: 'video/mp4' });
      assert.deepEqual(outgoingContent('doc', { data, mimeType: 'application/pdf', sha256, fileName: 'a.pdf' }), {
        document: data,
        mimetype: 'application/pdf',
        fileName: 'a.pdf',
        caption: 'doc',
      });
    });

    it('rejects a message with neither text nor media as invalid', () => {
      assert.throws(() => outgoingContent(''), (err: unknown) => isPlatformError(err, 'invalid'));
    });
  });
});
