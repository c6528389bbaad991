import assert from 'node:assert/strict';
import { isPlatformError } from '../../../../src/domain/platform-port';
import { resolveTarget } from '../../../../src/platforms/whatsapp/jids';

describe('whatsapp target resolution', () => {
  describe('resolveTarget', () => {
    function lookup(registered: Record<string, string>) {
      const asked: string[][] = [];
      return {
        asked,
        socket: {
          async onWhatsApp(...jids: string[]) {
            asked.push(jids);
            return jids.flatMap((jid) => {
              const canonical = registered[jid];
              return canonical ? [{ jid: canonical, exists: true }] : [];
            });
          },
        },
      };
    }

    it('checks a phone number with onWhatsApp and takes the JID WhatsApp answers', async () => {
      // WhatsApp knows some Brazilian mobiles without the ninth digit.
      const { socket, asked } = lookup({ '5511987654321@s.whatsapp.net': '551187654321@s.whatsapp.net' });
      const target = await resolveTarget('+55 11 98765-4321', socket);
      assert.deepEqual(asked, [['5511987654321@s.whatsapp.net']]);
      assert.deepEqual(target, { kind: 'phone', jid: '551187654321@s.whatsapp.net', phone: '+551187654321' });
    });

    it('throws not_found for a number without WhatsApp', async () => {
      const { socket } = lookup({});
      await assert.rejects(resolveTarget('+4915123456789', socket), (err: unknown) => {
        assert.ok(isPlatformError(err, 'not_found'));
        assert.match(err.message, /\+4915123456789 is not on WhatsApp/);
        return true;
      });
    });

    it('does not look up groups or LIDs', async () => {
      const { socket, asked } = lookup({});
      assert.equal((await resolveTarget('1203630@g.us', socket)).kind, 'group');
      assert.equal((await resolveTarget('77@lid', socket)).kind, 'lid');
      assert.deepEqual(asked, []);
    });

    it('throws invalid before asking WhatsApp about a malformed key', async () => {
      const { socket, asked } = lookup({});
      await assert.rejects(resolveTarget('hello', socket), (err: unknown) => isPlatformError(err, 'invalid'));
      assert.deepEqual(asked, []);
    });
  });
});
