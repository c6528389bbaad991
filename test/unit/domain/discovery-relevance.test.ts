import assert from 'node:assert/strict';
import {
  agreementScore,
  keywordCoverage,
  RELEVANCE_WEIGHTS,
  relevanceScore,
  searchTerms,
  sizeScore,
} from '../../../src/domain/discovery-relevance';

const chat = (over: Partial<Parameters<typeof relevanceScore>[0]> = {}) => ({
  title: 'Crypto Signals',
  username: 'cryptosignals',
  description: '',
  members: 12_000,
  sourceCount: 1,
  ...over,
});

describe('relevanceScore', () => {
  it('weights sum to 1', () => {
    const sum = Object.values(RELEVANCE_WEIGHTS).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9);
  });

  it('follows the documented formula: 0.55·K + 0.15·C + 0.20·S + 0.10·A, rounded to 2 decimals', () => {
    // K = 1/2 ("crypto" in the title, "trading" nowhere), C = K without a category,
    // S = log10(12001)/5, A = 0 for one source.
    const expected = 0.55 * 0.5 + 0.15 * 0.5 + 0.2 * (Math.log10(12_001) / 5);
    assert.equal(relevanceScore(chat(), { keywords: 'crypto trading' }), Math.round(expected * 100) / 100);
    assert.equal(relevanceScore(chat(), { keywords: 'crypto trading' }), 0.51);
  });

  it('is 1 for a large chat matching every term and category, found by three sources', () => {
    const score = relevanceScore(chat({ members: 500_000, sourceCount: 3, description: 'finance' }), { keywords: 'crypto signals', category: 'finance' });
    assert.equal(score, 1);
  });

  it('is 0 for an unknown-size chat about something else found by one source', () => {
    assert.equal(relevanceScore(chat({ title: 'Cooking', username: 'cooking', members: null }), { keywords: 'crypto' }), 0);
  });

  it('stays within [0, 1] for any input', () => {
    for (const members of [null, -5, 0, 1, 10, 1e9]) {
      for (const sourceCount of [0, 1, 2, 10]) {
        for (const query of [{}, { keywords: 'a b c' }, { keywords: 'crypto', category: 'x' }, { category: 'crypto' }]) {
          const score = relevanceScore(chat({ members, sourceCount }), query);
          assert.ok(score >= 0 && score <= 1, `${score}`);
        }
      }
    }
  });

  it('ranks an on-topic small chat above an off-topic huge one', () => {
    const onTopic = relevanceScore(chat({ title: 'Crypto Trading', username: 'cryptotrading', members: 50 }), { keywords: 'crypto trading' });
    const offTopic = relevanceScore(chat({ title: 'Memes', username: 'memes', members: 5_000_000 }), { keywords: 'crypto trading' });
    assert.ok(onTopic > offTopic);
  });

  it('uses the category as the search terms when there are no keywords', () => {
    assert.ok(relevanceScore(chat({ title: 'Finance Hub', username: 'financehub' }), { category: 'finance' }) > 0.5);
  });

  it('counts a category match as all-or-nothing', () => {
    const matching = relevanceScore(chat({ description: 'tech news' }), { keywords: 'crypto', category: 'tech news' });
    const partial = relevanceScore(chat({ description: 'tech only' }), { keywords: 'crypto', category: 'tech news' });
    assert.equal(Math.round((matching - partial) * 100) / 100, RELEVANCE_WEIGHTS.category);
  });
});

describe('relevance factors', () => {
  it('searchTerms: lower-cased words of 2+ characters, once each, any script', () => {
    assert.deepEqual(searchTerms('Crypto  TRADING, a crypto Сигналы'), ['crypto', 'trading', 'сигналы']);
    assert.deepEqual(searchTerms(undefined), []);
  });

  it('keywordCoverage: 1 in title or username, 0.5 in the description only', () => {
    const c = { title: 'Alpha', username: 'betagroup', description: 'gamma talk' };
    assert.equal(keywordCoverage(['alpha'], c), 1);
    assert.equal(keywordCoverage(['beta'], c), 1);
    assert.equal(keywordCoverage(['gamma'], c), 0.5);
    assert.equal(keywordCoverage(['alpha', 'delta'], c), 0.5);
    assert.equal(keywordCoverage([], c), 0);
  });

  it('sizeScore: log10(members + 1) / 5, capped at 1, 0 when unknown', () => {
    assert.equal(sizeScore(null), 0);
    assert.equal(sizeScore(0), 0);
    assert.equal(sizeScore(9), 0.2);
    assert.equal(sizeScore(99_999), 1);
    assert.equal(sizeScore(10_000_000), 1);
  });

  it('agreementScore: sources beyond the first over 2, capped at 1', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map(agreementScore), [0, 0, 0.5, 1, 1]);
  });
});
