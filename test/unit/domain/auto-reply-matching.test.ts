import assert from 'node:assert/strict';
import { isCatchAll, keywordMatches, type KeywordMatcher, type MatchMode } from '../../../src/domain/auto-reply-matching';
import { MAX_PATTERN_COST, patternCost, patternMatches, patternProblem } from '../../../src/domain/re2-patterns';

const rule = (matchMode: MatchMode, keyword: string, options: Partial<KeywordMatcher> = {}): KeywordMatcher => ({
  keyword,
  matchMode,
  caseSensitive: false,
  accentSensitive: false,
  ...options,
});

describe('auto-reply matching', () => {
  describe('exact', () => {
    it('matches the whole text, ignoring case, accents and surrounding or repeated whitespace', () => {
      assert.equal(keywordMatches(rule('exact', 'Café au lait'), '  CAFE   au LAIT '), true);
      assert.equal(keywordMatches(rule('exact', 'cafe'), 'cafe please'), false);
    });

    it('tells case and accents apart when the rule says so', () => {
      assert.equal(keywordMatches(rule('exact', 'Hello', { caseSensitive: true }), 'hello'), false);
      assert.equal(keywordMatches(rule('exact', 'Hello', { caseSensitive: true }), 'Hello'), true);
      assert.equal(keywordMatches(rule('exact', 'café', { accentSensitive: true }), 'cafe'), false);
      assert.equal(keywordMatches(rule('exact', 'café', { accentSensitive: true }), 'CAFÉ'), true);
    });

    it('treats composed and decomposed accents as one text when accents count', () => {
      assert.equal(keywordMatches(rule('exact', 'caf\u00e9', { accentSensitive: true }), 'cafe\u0301'), true);
    });
  });

  describe('contains, starts_with, ends_with', () => {
    it('finds the keyword anywhere, at the start or at the end', () => {
      assert.equal(keywordMatches(rule('contains', 'hello'), 'well, HÉLLO there'), true);
      assert.equal(keywordMatches(rule('contains', 'hello'), 'help'), false);
      assert.equal(keywordMatches(rule('starts_with', 'price'), 'Price of BTC?'), true);
      assert.equal(keywordMatches(rule('starts_with', 'price'), 'the price'), false);
      assert.equal(keywordMatches(rule('ends_with', 'thanks'), 'many THANKS  '), true);
      assert.equal(keywordMatches(rule('ends_with', 'thanks'), 'thanks a lot'), false);
    });
  });

  describe('word', () => {
    it('matches whole words only, with punctuation as a boundary', () => {
      const hello = rule('word', 'hello');
      assert.equal(keywordMatches(hello, 'hello!'), true);
      assert.equal(keywordMatches(hello, '(hello), world'), true);
      assert.equal(keywordMatches(hello, 'say hello'), true);
      assert.equal(keywordMatches(hello, 'hellothere'), false);
      assert.equal(keywordMatches(hello, 'othello'), false);
      assert.equal(keywordMatches(hello, 'hello_world'), false);
    });

    it('knows the letters of every script, accents included', () => {
      assert.equal(keywordMatches(rule('word', 'cafe'), 'un café, merci'), true);
      assert.equal(keywordMatches(rule('word', 'cafe'), 'cafés'), false);
      assert.equal(keywordMatches(rule('word', 'привет'), 'Привет, друг'), true);
      assert.equal(keywordMatches(rule('word', 'привет'), 'приветствую'), false);
      assert.equal(keywordMatches(rule('word', 'née', { accentSensitive: true }), 'renée'), false);
    });

    it('finds a later whole-word occurrence after a partial one, and phrases of several words', () => {
      assert.equal(keywordMatches(rule('word', 'cat'), 'concatenate the cat'), true);
      assert.equal(keywordMatches(rule('word', 'good morning'), 'Good   morning, all'), true);
    });

    it('needs no boundary where the keyword itself begins or ends with punctuation', () => {
      assert.equal(keywordMatches(rule('word', 'c++'), 'I like c++code'), true);
      assert.equal(keywordMatches(rule('word', 'c++'), 'abc++'), false);
    });

    it('treats a letter outside the Basic Multilingual Plane as a letter', () => {
      assert.equal(keywordMatches(rule('word', 'x'), '\u{1D400}x'), false);
      assert.equal(keywordMatches(rule('word', 'x'), '\u{1F600}x'), true);
    });
  });

  describe('regex', () => {
    it('matches with RE2, ignoring case and accents by default', () => {
      assert.equal(keywordMatches(rule('regex', '^price of (btc|eth)'), 'PRICE of ETH?'), true);
      assert.equal(keywordMatches(rule('regex', 'caf[e]'), 'Café'), true);
      assert.equal(keywordMatches(rule('regex', 'Price', { caseSensitive: true }), 'price'), false);
      assert.equal(keywordMatches(rule('regex', '\\d{3}'), 'call 911'), true);
    });

    it('answers (a+)+$ against 50 a and a ! without backtracking', () => {
      assert.equal(patternProblem('(a+)+$'), null);
      assert.equal(keywordMatches(rule('regex', '(a+)+$'), `${'a'.repeat(50)}!`), false);
      assert.equal(keywordMatches(rule('regex', '(a+)+$'), 'a'.repeat(50)), true);
    });

    it('refuses what RE2 cannot run, saying why', () => {
      assert.match(patternProblem('(a')!, /invalid RE2 regular expression: .*missing \)/);
      assert.match(patternProblem('(?=a)b')!, /invalid RE2 regular expression: .*perl operator/);
      assert.match(patternProblem('(a)\\1')!, /invalid RE2 regular expression/);
      assert.match(patternProblem('x'.repeat(201))!, /more than 200 characters/);
    });

    it('refuses patterns whose compiled program would be too large', () => {
      assert.equal(patternCost('abc'), 3);
      assert.equal(patternCost('\\w{20}'), 400);
      assert.equal(patternCost('(ab){3}'), 6);
      assert.equal(patternCost('((a){10}){10}'), 100);
      assert.equal(patternCost('[\\p{L}]x'), 101);
      assert.ok(patternCost('\\p{L}{1000}') > MAX_PATTERN_COST);
      assert.match(patternProblem('\\p{L}{1000}')!, /too large/);
      assert.match(patternProblem('(.{100}){100}')!, /too large/);
      assert.equal(patternProblem('\\w{20}'), null);
    });

    it('keeps working after many distinct patterns, freeing those it no longer caches', function () {
      this.timeout(60_000);
      // Kept without freeing, about 880 of these fill RE2's heap.
      for (let i = 0; i < 1200; i++) assert.equal(patternMatches(`\\w{10}${i}`, `abcdefghij${i}`, true), true);
    });
  });

  describe('catch-all', () => {
    it('is a keyword matching the empty text or every unrelated one-character text', () => {
      for (const pattern of ['.*', '^', '.', '\\S', 'x|', '^$']) assert.equal(isCatchAll(rule('regex', pattern)), true, pattern);
      assert.equal(isCatchAll(rule('contains', '\u0301')), true);
      for (const pattern of ['hello', '\\d', '^a']) assert.equal(isCatchAll(rule('regex', pattern)), false, pattern);
      assert.equal(isCatchAll(rule('contains', 'hello')), false);
      assert.equal(isCatchAll(rule('contains', '\u0301', { accentSensitive: true })), false);
    });
  });
});
