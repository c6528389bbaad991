import assert from 'node:assert/strict';
import { AbStatsInputError, pickWinner, twoProportionZTest, type VariantResult } from '../../../src/domain/ab-stats';

/**
 * Expected z and p computed with Python's math module (pooled two-proportion z-test,
 * p = math.erfc(|z| / sqrt(2))). z is exact arithmetic; p goes through simple-statistics'
 * error function, accurate to about 1e-7.
 */
const Z_TOLERANCE = 1e-9;
const P_TOLERANCE = 1e-6;

function assertClose(actual: number | null | undefined, expected: number, tolerance: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what} is a number`);
  assert.ok(Math.abs(actual! - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

/** A variant that sent `sent` messages, `delivered` of them delivered and the rest failed. */
const variant = (name: string, sent: number, delivered: number, replies?: number): VariantResult => ({
  name,
  sent,
  delivered,
  failed: sent - delivered,
  ...(replies === undefined ? {} : { replies }),
});

describe('A/B statistics', () => {
  describe('twoProportionZTest', () => {
    for (const [a, b, z, p] of [
      [{ successes: 120, trials: 1000 }, { successes: 90, trials: 1000 }, 2.188265884623, 0.028650240398],
      [{ successes: 45, trials: 200 }, { successes: 30, trials: 250 }, 2.969848480983, 0.002979466656],
      [{ successes: 52, trials: 100 }, { successes: 48, trials: 100 }, 0.565685424949, 0.571607644953],
      [{ successes: 880, trials: 1000 }, { successes: 900, trials: 1000 }, -1.429300849823, 0.152917781864],
    ] as const) {
      it(`gives z = ${z} and p = ${p} for ${a.successes}/${a.trials} against ${b.successes}/${b.trials}`, () => {
        const test = twoProportionZTest(a, b);
        assertClose(test?.z, z, Z_TOLERANCE, 'z');
        assertClose(test?.p, p, P_TOLERANCE, 'p');
      });
    }

    it('negates z and keeps p when the sides are swapped', () => {
      const ab = twoProportionZTest({ successes: 45, trials: 200 }, { successes: 30, trials: 250 })!;
      const ba = twoProportionZTest({ successes: 30, trials: 250 }, { successes: 45, trials: 200 })!;
      assertClose(ba.z, -ab.z, 1e-12, 'z');
      assert.equal(ba.p, ab.p);
    });

    it('gives z = 0 and p = 1 for identical rates', () => {
      const test = twoProportionZTest({ successes: 50, trials: 100 }, { successes: 25, trials: 50 });
      assert.equal(test?.z, 0);
      assertClose(test?.p, 1, P_TOLERANCE, 'p');
    });

    it('gives a p-value of (almost) 0, never below, for a huge difference', () => {
      const test = twoProportionZTest({ successes: 900, trials: 1000 }, { successes: 100, trials: 1000 });
      assertClose(test?.z, 35.777087639997, Z_TOLERANCE, 'z');
      assert.ok(test!.p >= 0 && test!.p < 1e-12, String(test!.p));
    });

    it('is null when a side has no trials', () => {
      assert.equal(twoProportionZTest({ successes: 0, trials: 0 }, { successes: 5, trials: 10 }), null);
      assert.equal(twoProportionZTest({ successes: 5, trials: 10 }, { successes: 0, trials: 0 }), null);
    });

    it('is null when the pooled variance is 0: all successes or all failures on both sides', () => {
      assert.equal(twoProportionZTest({ successes: 0, trials: 100 }, { successes: 0, trials: 50 }), null);
      assert.equal(twoProportionZTest({ successes: 100, trials: 100 }, { successes: 50, trials: 50 }), null);
    });

    it('refuses negative or fractional counts and more successes than trials', () => {
      assert.throws(() => twoProportionZTest({ successes: -1, trials: 10 }, { successes: 1, trials: 10 }), /a\.successes must be a whole number ≥ 0, got -1/);
      assert.throws(() => twoProportionZTest({ successes: 1, trials: 10 }, { successes: 1, trials: 2.5 }), /b\.trials must be a whole number/);
      assert.throws(() => twoProportionZTest({ successes: 11, trials: 10 }, { successes: 1, trials: 10 }), AbStatsInputError);
    });
  });

  describe('pickWinner', () => {
    it('names the variant with the higher delivery rate when the difference is significant', () => {
      const pick = pickWinner([variant('A', 1000, 930), variant('B', 1000, 900)]);
      assert.equal(pick.winner, 'A');
      assert.equal(pick.significant, true);
      assert.equal(pick.reason, 'significant difference');
      assert.equal(pick.metric, 'delivery');
      assert.deepEqual(pick.rates, { A: 0.93, B: 0.9 });
      assertClose(pick.z, 2.405394131062, Z_TOLERANCE, 'z');
      assertClose(pick.p, 0.016155032074, P_TOLERANCE, 'p');
    });

    it('compares reply rates (replies / delivered) when replies are tracked', () => {
      // 40/100 against 30/100 replies: p ≈ 0.138, no winner at α = 0.05 — the delivery rates alone would not be compared.
      const pick = pickWinner([variant('A', 120, 100, 40), variant('B', 110, 100, 30)]);
      assert.equal(pick.metric, 'reply');
      assert.deepEqual(pick.rates, { A: 0.4, B: 0.3 });
      assert.equal(pick.winner, null);
      assert.equal(pick.significant, false);
      assert.equal(pick.reason, 'no significant difference');
      assertClose(pick.z, 1.482498633322, Z_TOLERANCE, 'z');
      assertClose(pick.p, 0.138207666974, P_TOLERANCE, 'p');
    });

    it('compares delivery rates when asked to, even when replies are tracked', () => {
      const pick = pickWinner([variant('A', 1000, 930, 1), variant('B', 1000, 900, 500)], { metric: 'delivery' });
      assert.equal(pick.metric, 'delivery');
      assert.equal(pick.winner, 'A');
    });

    it('compares delivery rates when a variant has no reply count, and refuses the reply metric then', () => {
      const results = [variant('A', 1000, 930, 10), variant('B', 1000, 900)];
      assert.equal(pickWinner(results).metric, 'delivery');
      assert.throws(() => pickWinner(results, { metric: 'reply' }), /the reply metric needs replies for every variant/);
    });

    it('names no winner when the best and runner-up have too few sends, but still reports the test', () => {
      // 18/30 against 10/30: p ≈ 0.038, significant with the default minimum of 30 sends.
      const results = [variant('A', 30, 18), variant('B', 30, 10)];
      assert.equal(pickWinner(results).winner, 'A');
      const pick = pickWinner(results, { minSample: 31 });
      assert.equal(pick.winner, null);
      assert.equal(pick.significant, false);
      assert.equal(pick.reason, 'too few sends');
      assertClose(pick.z, 2.070196678027, Z_TOLERANCE, 'z');
      assertClose(pick.p, 0.038433930237, P_TOLERANCE, 'p');
    });

    it('counts deliveries, not sends, as the sample of the reply metric', () => {
      const pick = pickWinner([variant('A', 100, 29, 20), variant('B', 100, 100, 10)]);
      assert.equal(pick.metric, 'reply');
      assert.equal(pick.reason, 'too few sends');
      assert.equal(pickWinner([variant('A', 100, 30, 20), variant('B', 100, 100, 10)]).winner, 'A');
    });

    it('needs p below alpha', () => {
      const results = [variant('A', 30, 18), variant('B', 30, 10)];
      const strict = pickWinner(results, { alpha: 0.01 });
      assert.equal(strict.winner, null);
      assert.equal(strict.reason, 'no significant difference');
      assert.equal(pickWinner(results, { alpha: 0.04 }).winner, 'A');
    });

    it('names no winner for identical rates', () => {
      const pick = pickWinner([variant('A', 200, 180), variant('B', 100, 90)]);
      assert.equal(pick.winner, null);
      assert.equal(pick.reason, 'no significant difference');
      assert.equal(pick.z, 0);
      assertClose(pick.p, 1, P_TOLERANCE, 'p');
    });

    it('names no winner, with no test, when every send of best and runner-up was delivered', () => {
      const pick = pickWinner([variant('A', 100, 100), variant('B', 200, 200)]);
      assert.deepEqual([pick.winner, pick.z, pick.p, pick.reason], [null, null, null, 'no significant difference']);
    });

    it('rates a variant with nothing sent 0, and names no winner against it', () => {
      const pick = pickWinner([variant('A', 0, 0), variant('B', 100, 50)]);
      assert.deepEqual(pick.rates, { A: 0, B: 0.5 });
      assert.deepEqual([pick.winner, pick.z, pick.p, pick.reason], [null, null, null, 'too few sends']);
      assert.equal(pickWinner([variant('A', 0, 0), variant('B', 100, 50)], { minSample: 0 }).reason, 'no significant difference');
    });

    it('tests the best of three variants against the runner-up, whatever order they come in', () => {
      const results = [variant('A', 1000, 880), variant('B', 1000, 930), variant('C', 1000, 900)];
      for (const order of [results, [...results].reverse(), [results[2]!, results[0]!, results[1]!]]) {
        const pick = pickWinner(order);
        assert.equal(pick.winner, 'B');
        assert.deepEqual(pick.rates, { A: 0.88, B: 0.93, C: 0.9 });
        // B against C (930 against 900 of 1000), not against A.
        assertClose(pick.z, 2.405394131062, Z_TOLERANCE, 'z');
      }
    });

    it('breaks a tie for runner-up in favour of the larger sample', () => {
      // B and C both deliver 80 %; C's 1000 sends make it the runner-up: z ≈ 6.26, not ≈ 3.06 against B.
      for (const order of [
        [variant('A', 1000, 900), variant('B', 100, 80), variant('C', 1000, 800)],
        [variant('C', 1000, 800), variant('B', 100, 80), variant('A', 1000, 900)],
      ]) {
        assertClose(pickWinner(order).z, 6.262242910851, Z_TOLERANCE, 'z');
      }
    });

    it('names no winner with fewer than two variants', () => {
      const none = pickWinner([]);
      assert.deepEqual([none.winner, none.reason, none.rates, none.z, none.p], [null, 'fewer than two variants', {}, null, null]);
      const one = pickWinner([variant('A', 1000, 900)]);
      assert.deepEqual([one.winner, one.reason, one.rates], [null, 'fewer than two variants', { A: 0.9 }]);
    });

    it('refuses invalid counts, repeated names and invalid options', () => {
      const ok = variant('B', 10, 5);
      for (const [results, message] of [
        [[{ name: 'A', sent: 10, delivered: 11, failed: 0 }, ok], /A: delivered \+ failed \(11\) exceed sent \(10\)/],
        [[{ name: 'A', sent: 10, delivered: 5, failed: 6 }, ok], /A: delivered \+ failed \(11\) exceed sent \(10\)/],
        [[{ name: 'A', sent: -1, delivered: 0, failed: 0 }, ok], /A\.sent must be a whole number/],
        [[variant('A', 10, 5, 6), ok], /A: replies \(6\) exceed delivered \(5\)/],
        [[variant('A', 10, 5), variant('A', 10, 5)], /variant "A" is listed twice/],
      ] as const) {
        assert.throws(() => pickWinner(results), message);
      }
      for (const alpha of [0, 1, -0.1, Number.NaN]) assert.throws(() => pickWinner([ok], { alpha }), /alpha must be between 0 and 1/);
      assert.throws(() => pickWinner([ok], { minSample: 2.5 }), /minSample must be a whole number/);
    });
  });
});
