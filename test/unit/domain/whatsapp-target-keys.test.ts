import assert from 'node:assert/strict';
import { isPlatformError } from '../../../src/domain/platform-port';
import { parseWhatsAppTarget, phoneDigits } from '../../../src/domain/whatsapp-target-keys';

describe('parseWhatsAppTarget', () => {
  it('keeps group JIDs, new and old style', () => {
    assert.deepEqual(parseWhatsAppTarget('120363025246125486@g.us'), { kind: 'group', jid: '120363025246125486@g.us' });
    assert.deepEqual(parseWhatsAppTarget('4915100000001-1600000000@g.us'), {
      kind: 'group',
      jid: '4915100000001-1600000000@g.us',
    });
  });

  it('normalises person JIDs, dropping the device and the legacy c.us server', () => {
    assert.deepEqual(parseWhatsAppTarget('4915123456789@s.whatsapp.net'), {
      kind: 'phone',
      jid: '4915123456789@s.whatsapp.net',
      phone: '+4915123456789',
    });
    assert.equal(parseWhatsAppTarget('4915123456789:12@s.whatsapp.net').jid, '4915123456789@s.whatsapp.net');
    assert.equal(parseWhatsAppTarget('4915123456789@c.us').jid, '4915123456789@s.whatsapp.net');
    assert.deepEqual(parseWhatsAppTarget('123456789012345@lid'), { kind: 'lid', jid: '123456789012345@lid' });
    assert.equal(parseWhatsAppTarget('123456789012345:3@lid').jid, '123456789012345@lid');
  });

  it('keeps channel JIDs', () => {
    assert.deepEqual(parseWhatsAppTarget('120363012345678901@newsletter'), { kind: 'newsletter', jid: '120363012345678901@newsletter' });
  });

  it('turns phone numbers in +E.164 form, with spaces, dashes or brackets, into JIDs', () => {
    for (const key of ['+4915123456789', '+49 151 2345-6789', '+49 (151) 23456789', '4915123456789', ' +49.151.23456789 ']) {
      assert.deepEqual(parseWhatsAppTarget(key), {
        kind: 'phone',
        jid: '4915123456789@s.whatsapp.net',
        phone: '+4915123456789',
      }, key);
    }
  });

  it('rejects anything else as invalid', () => {
    for (const key of ['', '@alice', 'alice', '0151 2345678', '+123', '+1234567890123456', 'x@g.us', '-100123', '123@broadcast']) {
      assert.throws(() => parseWhatsAppTarget(key), (err: unknown) => isPlatformError(err, 'invalid'), key);
    }
  });
});

describe('phoneDigits', () => {
  it('answers null for numbers without a country code', () => {
    assert.equal(phoneDigits('+1 (415) 555-0100'), '14155550100');
    assert.equal(phoneDigits('0151 23456789'), null);
  });
});
