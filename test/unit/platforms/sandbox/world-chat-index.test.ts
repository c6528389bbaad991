import assert from 'node:assert/strict';
import { generateSandboxWorld, type WorldChat } from '../../../../src/domain/sandbox-world';
import { indexWorldChats } from '../../../../src/platforms/sandbox/world-chat-index';

const now = new Date('2026-12-03T12:00:00Z');
const owner = { name: 'Ada Lovelace', phone: '+447700900123' };

const chat = (c: Partial<WorldChat> & Pick<WorldChat, 'key' | 'platformId'>): WorldChat => ({
  type: 'group',
  title: c.key,
  username: null,
  members: 10,
  lastActivityAt: now,
  writable: true,
  admin: true,
  ...c,
});

describe('indexWorldChats', () => {
  for (const platform of ['telegram', 'whatsapp'] as const) {
    it(`finds every chat of a ${platform} world by its key, its platform id and its @username in lower case`, () => {
      const { chats } = generateSandboxWorld(platform, 'seed', now, owner);
      const index = indexWorldChats(chats);
      assert.ok(chats.length > 0);
      for (const c of chats) {
        assert.equal(index.get(c.key), c);
        assert.equal(index.get(c.platformId), c);
        if (c.username !== null) assert.equal(index.get(`@${c.username.toLowerCase()}`), c);
      }
    });
  }

  it('reads a username in any case as its lower-case key, and knows no other spelling', () => {
    const channel = chat({ key: '@news_daily', platformId: '-1001000000009', username: 'News_Daily' });
    const index = indexWorldChats([channel]);
    assert.equal(index.get('@news_daily'), channel);
    assert.equal(index.get('@News_Daily'), undefined);
    assert.equal(index.get('news_daily'), undefined);
  });

  it("prefers a chat's own key over another chat's platform id, and an id over a username", () => {
    const byKey = chat({ key: '-1001', platformId: '-1002' });
    const byId = chat({ key: '@other', platformId: '-1001', username: 'shared' });
    const byUsername = chat({ key: '-1003', platformId: '@shared' });
    const index = indexWorldChats([byId, byUsername, byKey]);
    assert.equal(index.get('-1001'), byKey);
    assert.equal(index.get('@shared'), byUsername);
    assert.equal(index.get('@other'), byId);
  });
});
