import assert from 'node:assert/strict';
import {
  applyResolved,
  discoveryQuery,
  mergeCandidates,
  normalizeUsername,
  rankDiscovered,
  summarizeSources,
  usernamesToResolve,
  type DiscoveryCandidate,
  type RankOptions,
} from '../../../src/domain/discovery';

const candidate = (over: Partial<DiscoveryCandidate>): DiscoveryCandidate => ({
  title: 'Crypto Group',
  username: 'cryptogroup',
  members: 1000,
  type: 'group',
  description: '',
  ...over,
});

const options = (over: Partial<RankOptions> = {}): RankOptions => ({
  keywords: 'crypto',
  minMembers: 0,
  includeChannels: false,
  exclude: [],
  maxResults: 40,
  ...over,
});

describe('discoveryQuery', () => {
  it('searches the keywords, else the category', () => {
    assert.equal(discoveryQuery(' crypto ', 'finance'), 'crypto');
    assert.equal(discoveryQuery(undefined, 'finance'), 'finance');
    assert.equal(discoveryQuery('  ', ''), '');
  });
});

describe('normalizeUsername', () => {
  it('drops @ and blanks, keeps case', () => {
    assert.equal(normalizeUsername('@CryptoX'), 'CryptoX');
    assert.equal(normalizeUsername(''), null);
    assert.equal(normalizeUsername(null), null);
  });
});

describe('mergeCandidates', () => {
  it('merges the same chat from several sources by username, ignoring case, and fills unknown facts', () => {
    const merged = mergeCandidates([
      { name: 'telegram', ok: true, chats: [candidate({ username: 'CryptoGroup', members: null, type: 'group' })] },
      { name: 'duckduckgo', ok: true, chats: [candidate({ username: '@cryptogroup', members: 5000, type: null, description: 'longer text' })] },
      { name: 'bing', ok: true, chats: [candidate({ username: 'other_chat', title: 'Other' })] },
    ]);
    assert.equal(merged.length, 2);
    assert.deepEqual(merged[0], {
      title: 'Crypto Group',
      username: 'CryptoGroup',
      members: 5000,
      type: 'group',
      description: 'longer text',
      sources: ['telegram', 'duckduckgo'],
    });
  });

  it('ignores failed sources and merges chats without a username by title', () => {
    const merged = mergeCandidates([
      { name: 'telegram', ok: true, chats: [candidate({ username: null, title: 'Private Club' })] },
      { name: 'bing', ok: true, chats: [candidate({ username: null, title: 'private club' })] },
      { name: 'tgstat', ok: false, error: 'offline', chats: [candidate({ username: 'x_chat' })] },
    ]);
    assert.deepEqual(merged.map((c) => [c.title, c.sources]), [['Private Club', ['telegram', 'bing']]]);
  });
});

describe('usernamesToResolve and applyResolved', () => {
  it('resolves candidates with unknown members or type, fills their facts and drops the non-existent', () => {
    const merged = mergeCandidates([
      {
        name: 'bing',
        ok: true,
        chats: [
          candidate({ username: 'known', members: 10, type: 'group' }),
          candidate({ username: 'unknown_a', members: null, type: null, title: 'unknown_a' }),
          candidate({ username: 'gone', members: null, type: null }),
          candidate({ username: 'unread', members: null, type: null }),
        ],
      },
    ]);
    assert.deepEqual(usernamesToResolve(merged, 10), ['unknown_a', 'gone', 'unread']);
    assert.deepEqual(usernamesToResolve(merged, 1), ['unknown_a']);
    const applied = applyResolved(merged, { UNKNOWN_A: { title: 'Unknown A', members: 77, type: 'channel' }, gone: null });
    assert.deepEqual(
      applied.map((c) => [c.username, c.title, c.members, c.type]),
      [
        ['known', 'Crypto Group', 10, 'group'],
        ['unknown_a', 'Unknown A', 77, 'channel'],
        ['unread', 'Crypto Group', null, null],
      ],
    );
  });
});

describe('rankDiscovered', () => {
  const merged = mergeCandidates([
    {
      name: 'telegram',
      ok: true,
      chats: [
        candidate({ title: 'Crypto Group', username: 'cryptogroup', members: 1000 }),
        candidate({ title: 'Crypto Channel', username: 'cryptochannel', members: 90_000, type: 'channel' }),
        candidate({ title: 'Cooking', username: 'cooking', members: 100_000 }),
        candidate({ title: 'Crypto Mystery', username: 'cryptomystery', members: null, type: null }),
        candidate({ title: 'Crypto Private', username: null, members: 300 }),
      ],
    },
  ]);

  it('answers title, username, members, link, type and relevance_score, best first', () => {
    const ranked = rankDiscovered(merged, options());
    assert.deepEqual(Object.keys(ranked[0]!).sort(), ['link', 'members', 'relevance_score', 'title', 'type', 'username']);
    assert.equal(ranked[0]!.username, 'cryptogroup');
    assert.equal(ranked[0]!.link, 't.me/cryptogroup');
    const scores = ranked.map((g) => g.relevance_score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    assert.equal(ranked.find((g) => g.username === null)!.link, null);
  });

  it('leaves channels and chats of unknown type out unless include_channels', () => {
    assert.ok(rankDiscovered(merged, options()).every((g) => g.type === 'group'));
    const all = rankDiscovered(merged, options({ includeChannels: true })).map((g) => g.username);
    assert.ok(all.includes('cryptochannel') && all.includes('cryptomystery'));
  });

  it('keeps only chats with at least min_members, dropping unknown counts', () => {
    const ranked = rankDiscovered(merged, options({ includeChannels: true, minMembers: 500 }));
    assert.deepEqual(ranked.map((g) => g.username).sort(), ['cooking', 'cryptochannel', 'cryptogroup']);
  });

  it('drops excluded usernames in any case and with @', () => {
    const ranked = rankDiscovered(merged, options({ exclude: ['@CryptoGroup'] }));
    assert.ok(!ranked.some((g) => g.username === 'cryptogroup'));
  });

  it('returns at most max_results', () => {
    assert.equal(rankDiscovered(merged, options({ includeChannels: true, maxResults: 2 })).length, 2);
  });
});

describe('summarizeSources', () => {
  it('reports name, ok, count and the error of failed sources', () => {
    assert.deepEqual(
      summarizeSources([
        { name: 'telegram', ok: true, chats: [candidate({})] },
        { name: 'tgstat', ok: false, error: 'not configured', chats: [] },
      ]),
      [
        { name: 'telegram', ok: true, count: 1 },
        { name: 'tgstat', ok: false, count: 0, error: 'not configured' },
      ],
    );
  });
});
