import assert from 'node:assert/strict';
import { generateSandboxWorld } from '../../../src/domain/sandbox-world';

const now = new Date('2026-11-23T12:00:00Z');
const owner = { name: 'Ada Lovelace', phone: '+447700900123' };

describe('generateSandboxWorld', () => {
  it('gives the same world for the same seed and another for another seed', () => {
    const a = generateSandboxWorld('telegram', 'seed-1', now, owner);
    assert.deepEqual(generateSandboxWorld('telegram', 'seed-1', now, owner), a);
    assert.notDeepEqual(generateSandboxWorld('telegram', 'seed-2', now, owner).chats, a.chats);
  });

  for (const platform of ['telegram', 'whatsapp'] as const) {
    it(`has at least 10 groups, 5 channels and 20 contacts with unique keys on ${platform}`, () => {
      const { chats } = generateSandboxWorld(platform, 'seed', now, owner);
      assert.ok(chats.filter((c) => c.type === 'group').length >= 10);
      assert.ok(chats.filter((c) => c.type === 'channel').length >= 5);
      assert.ok(chats.filter((c) => c.type === 'contact').length >= 20);
      assert.equal(new Set(chats.map((c) => c.key)).size, chats.length);
      assert.ok(chats.every((c) => c.lastActivityAt <= now && c.title.length > 0));
    });
  }

  it('uses Telegram formats: @usernames and -100 ids', () => {
    const { chats } = generateSandboxWorld('telegram', 'seed', now, owner);
    for (const c of chats.filter((c) => c.type !== 'contact')) assert.match(c.platformId, /^-100\d{10}$/);
    for (const c of chats) assert.equal(c.key, c.username ? `@${c.username}` : c.platformId);
    assert.ok(chats.some((c) => c.key === '@channel1') && chats.some((c) => c.key === '-1001234567890'));
  });

  it('uses WhatsApp formats: group JIDs and phone JIDs', () => {
    const { chats, profile } = generateSandboxWorld('whatsapp', 'seed', now, owner);
    for (const c of chats.filter((c) => c.type === 'group')) assert.match(c.key, /^\d{18}@g\.us$/);
    for (const c of chats.filter((c) => c.type === 'contact')) assert.match(c.key, /^\d+@s\.whatsapp\.net$/);
    assert.equal(profile.platformUserId, '447700900123@s.whatsapp.net');
  });

  it('seeds recent messages in every group and channel, none in contacts', () => {
    const { chats, messages } = generateSandboxWorld('telegram', 'seed', now, owner);
    for (const chat of chats.filter((c) => c.type !== 'contact')) {
      assert.ok(messages.filter((m) => m.chatKey === chat.key).length >= 4, chat.key);
    }
    const contactKeys = new Set(chats.filter((c) => c.type === 'contact').map((c) => c.key));
    assert.ok(messages.every((m) => !contactKeys.has(m.chatKey)));
  });

  it('names the profile after the account', () => {
    const { profile } = generateSandboxWorld('telegram', 'seed', now, owner);
    assert.equal(profile.firstName, 'Ada');
    assert.equal(profile.lastName, 'Lovelace');
  });
});
