import assert from 'node:assert/strict';
import { ContactInputSchema, neutralizeCell, normalizeContact, normalizePhone, normalizeUsername, recordToContact } from '../../../src/domain/contacts';
import { isOptOutMessage, optOutForm } from '../../../src/domain/opt-out';

describe('contacts', () => {
  describe('normalizePhone', () => {
    it('writes a number that parses in E.164, reading national numbers in the default country', () => {
      assert.deepEqual(normalizePhone('+49 (151) 2345-6789'), { phone: '+4915123456789', e164: '+4915123456789' });
      assert.deepEqual(normalizePhone('0151 23456789', 'DE'), { phone: '+4915123456789', e164: '+4915123456789' });
      assert.deepEqual(normalizePhone('(415) 555-2671', 'US'), { phone: '+14155552671', e164: '+14155552671' });
    });

    it('keeps what does not parse as given, with no E.164 form', () => {
      assert.deepEqual(normalizePhone('+1234'), { phone: '+1234', e164: null });
      assert.deepEqual(normalizePhone('0151 23456789'), { phone: '0151 23456789', e164: null });
      assert.deepEqual(normalizePhone('call me'), { phone: 'call me', e164: null });
    });
  });

  describe('identities', () => {
    it('reads a Telegram username with or without @ or t.me/, in lower case', () => {
      for (const raw of ['@Greta_B', 'greta_b', 'https://t.me/Greta_B', 't.me/greta_b']) assert.equal(normalizeUsername(raw), 'greta_b');
      for (const raw of ['abc', '1greta', 'greta-b', '@']) assert.throws(() => normalizeUsername(raw), /username/);
    });

    it('normalises a contact: given fields only, null clearing, tags once, a bad Telegram id refused', () => {
      const input = ContactInputSchema.parse({ name: '  Ann ', phone: '+49 151 11111111', tags: ['a', 'a', 'b'], segment: '' });
      assert.deepEqual(normalizeContact(input), { name: 'Ann', phone: '+4915111111111', phoneE164: '+4915111111111', tags: ['a', 'b'], segment: null });
      assert.deepEqual(normalizeContact(ContactInputSchema.parse({ username: null })), { username: null });
      assert.throws(() => normalizeContact(ContactInputSchema.parse({ telegram_id: '12a' })), /telegram_id/);
      assert.equal(normalizeContact(ContactInputSchema.parse({ whatsapp_jid: '+49 151 11111111' })).whatsappJid, '4915111111111@s.whatsapp.net');
    });

    it('refuses unstorable text in any field', () => {
      assert.equal(ContactInputSchema.safeParse({ name: 'A\u0000' }).success, false);
      assert.equal(ContactInputSchema.safeParse({ fields: { note: '\ud800' } }).success, false);
      assert.equal(ContactInputSchema.safeParse({ tags: ['x\u0000'] }).success, false);
    });
  });

  describe('CSV', () => {
    it('neutralises every cell a spreadsheet would read as a formula', () => {
      for (const cell of ['=1+1', '+49151', '-2', '@SUM(A1)', '\tx', '\rx']) assert.equal(neutralizeCell(cell), `'${cell}`);
      for (const cell of ['Ann', '', '1=1', "'quoted"]) assert.equal(neutralizeCell(cell), cell);
    });

    it('maps a record through a mapping, splitting tags and reading custom fields and opt-outs', () => {
      const record = { Who: 'Ann', Tel: '+4915111111111', Labels: 'a; b,c', Plan: 'pro', Out: 'Yes', Skip: 'x', Empty: ' ' };
      assert.deepEqual(recordToContact(record, { Who: 'name', Tel: 'phone', Labels: 'tags', Plan: 'fields.plan', Out: 'opted_out', Empty: 'segment' }), {
        name: 'Ann',
        phone: '+4915111111111',
        tags: ['a', 'b', 'c'],
        opted_out: true,
        fields: { plan: 'pro' },
      });
      assert.deepEqual(recordToContact({ Name: 'Bo', Phone: '1', Other: 'x' }, undefined), { name: 'Bo', phone: '1' });
    });
  });

  describe('opt-out words', () => {
    it('matches a whole message in any case, accents and closing punctuation ignored', () => {
      const words = ['stop', 'unsubscribe'];
      for (const text of ['STOP', ' stop! ', 'Unsubscribe.', 'stöp']) assert.equal(isOptOutMessage(text, words), true, text);
      for (const text of ['stop it', 'please stop', '', 'unsubscribed']) assert.equal(isOptOutMessage(text, words), false, text);
      assert.equal(optOutForm('  Arrêt !!'), 'arret');
    });
  });
});
