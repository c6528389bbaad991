import assert from 'node:assert/strict';
import { isPlatformError } from '../../../../src/platforms/types';
import { parseTarget, phoneDigits, resolveTarget } from '../../../../src/platforms/whatsapp/jids';

describe('whatsapp target keys', () => {
  describe('parseTarget', () => {
    it('keeps group JIDs, new and old style', () => {
      assert.deepEqual(parseTarget('120363025246125486@g.us'), { kind: 'group', jid: '120363025246125486@g.us' });
      assert.deepEqual(parseTarget('4915100000001-1600000000@g.us'), {
        kind: 'group',
        jid: '4915100000001-1600000000@g.us',
      });
    });

    it('normalises person JIDs, dropping the device and the legacy c.us server', () => {
      assert.deepEqual(parseTarget('4915123456789@s.whatsapp.net'), {
        kind: 'phone',
        jid: '4915123456789@s.whatsapp.net',
        phone: '+4915123456789',
      });
      assert.equal(parseTarget('4915123456789:12@s.whatsapp.net').jid, '4915123456789@s.whatsapp.net');
      assert.equal(parseTarget('4915123456789@c.us').jid, '4915123456789@s.whatsapp.net');
      assert.deepEqual(parseTarget('123456789012345@lid'), { kind: 'lid', jid: '123456789012345@lid' });
      assert.equal(parseTarget('123456789012345:3@lid').jid, '123456789012345@lid');
    });

    it('turns phone numbers in +E.164 form, with spaces, dashes or brackets, into JIDs', () => {
      for (const key of ['+4915123456789', '+49 151 2345-6789', '+49 (151) 23456789', '4915123456789', ' +49.151.23456789 ']) {
        assert.deepEqual(parseTarget(key), {
          kind: 'phone',
          jid: '4915123456789@s.whatsapp.net',
          phone: '+4915123456789',
        }, key);
      }
    });

    it('rejects anything else as invalid', () => {
      for (const key of ['', '@alice', 'alice', '0151 2345678', '+123', '+1234567890123456', 'x@g.us', '-100123', '123@broadcast']) {
        assert.throws(() => parseTarget(key), (err: unknown) => isPlatformError(err, 'invalid'), key);
      }
    });
  });

  it('phoneDigits answers null for numbers without a country code', () => {
    assert.equal(phoneDigits('+1 (415) 555-0100'), '14155550100');
    assert.equal(phoneDigits('0151 23456789'), null);
  });

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
