import { errorFunction } from 'simple-statistics';

/** Successes out of trials: one side of a two-proportion test. */
export interface Proportion {
  successes: number;
  trials: number;
}

/** Thrown when counts or options handed to the A/B statistics make no sense (negative, fractional, more successes than trials). */
export class AbStatsInputError extends Error {
  override readonly name = 'AbStatsInputError';
}

function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new AbStatsInputError(`${what} must be a whole number ≥ 0, got ${String(value)}`);
}

/**
 * Φ, the standard normal distribution function. simple-statistics' `errorFunction` is accurate
 * to about 1e-7; its `cumulativeStdNormalProbability` reads a table in steps of 0.01, too coarse
 * for p-values near a significance level.
 */
function standardNormalCdf(x: number): number {
  return 0.5 * (1 + errorFunction(x / Math.SQRT2));
}

/**
 * The two-proportion z-test of `a` against `b`, with the pooled proportion: `z` is positive when
 * `a`'s proportion is the higher, `p` is the two-sided p-value 2 × (1 − Φ(|z|)). Null when either
 * side has no trials, or when the pooled variance is 0 (both sides all successes or all
 * failures), where the statistic is undefined and the proportions are equal anyway.
 *
 * @throws AbStatsInputError when a count is not a whole number ≥ 0 or successes exceed trials.
 */
export function twoProportionZTest(a: Proportion, b: Proportion): { z: number; p: number } | null {
  for (const [side, counts] of [['a', a], ['b', b]] as const) {
    assertCount(counts.successes, `${side}.successes`);
    assertCount(counts.trials, `${side}.trials`);
    if (counts.successes > counts.trials) throw new AbStatsInputError(`${side}.successes (${counts.successes}) exceed ${side}.trials (${counts.trials})`);
  }
  if (a.trials === 0 || b.trials === 0) return null;
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const variance = pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials);
  if (variance === 0) return null;
  const z = (a.successes / a.trials - b.successes / b.trials) / Math.sqrt(variance);
  // The approximation can stray a hair outside [0, 1] at z = 0.
  const p = Math.min(1, Math.max(0, 2 * (1 - standardNormalCdf(Math.abs(z)))));
  return { z, p };
}

/** What an A/B test's variants are compared on: delivered / sent, or replies / delivered. */
export type WinnerMetric = 'delivery' | 'reply';

/** One variant's counts so far. `replies` is absent when replies are not tracked. */
export interface VariantResult {
  name: string;
  /** Messages the variant tried to send. */
  sent: number;
  /** Of those, the ones that reached their chat. */
  delivered: number;
  /** Of those, the ones that did not; sends still under way are neither delivered nor failed. */
  failed: number;
  /** Replies to the delivered messages. */
  replies?: number;
}

/** How {@link pickWinner} decides. */
export interface PickWinnerOptions {
  /** The significance level: the winner's p-value must be below it. @default 0.05 */
  alpha?: number;
  /** The sample (sends, or deliveries for the reply metric) both best and runner-up need. @default 30 */
  minSample?: number;
  /** @default 'reply' when every result tracks replies, else 'delivery' */
  metric?: WinnerMetric;
}

/** Why {@link pickWinner} named a winner or none. */
export type WinnerReason = 'significant difference' | 'no significant difference' | 'too few sends' | 'fewer than two variants';

/** The outcome of an A/B test: its winner, if any, and the numbers behind the decision. */
export interface WinnerPick {
  /** The best variant's name when it beats the runner-up significantly, else null. */
  winner: string | null;
  metric: WinnerMetric;
  /** Each variant's rate on the metric, 0 for a variant with nothing to measure yet. */
  rates: Record<string, number>;
  /** The z-test of best against runner-up; null when it cannot be computed (see {@link twoProportionZTest}). */
  z: number | null;
  p: number | null;
  significant: boolean;
  reason: WinnerReason;
}

function validated(results: readonly VariantResult[], metric: WinnerMetric | undefined): WinnerMetric {
  const names = new Set<string>();
  for (const r of results) {
    if (names.has(r.name)) throw new AbStatsInputError(`variant "${r.name}" is listed twice`);
    names.add(r.name);
    for (const field of ['sent', 'delivered', 'failed'] as const) assertCount(r[field], `${r.name}.${field}`);
    if (r.delivered + r.failed > r.sent) throw new AbStatsInputError(`${r.name}: delivered + failed (${r.delivered + r.failed}) exceed sent (${r.sent})`);
    if (r.replies !== undefined) {
      assertCount(r.replies, `${r.name}.replies`);
      if (r.replies > r.delivered) throw new AbStatsInputError(`${r.name}: replies (${r.replies}) exceed delivered (${r.delivered})`);
    }
  }
  const tracked = results.every((r) => r.replies !== undefined);
  if (metric === 'reply' && !tracked) throw new AbStatsInputError('the reply metric needs replies for every variant');
  return metric ?? (tracked ? 'reply' : 'delivery');
}

/**
 * The winner of an A/B test, from each variant's counts. Variants are ranked by their rate on the
 * metric (delivery: delivered / sent; reply: replies / delivered), ties going to the larger
 * sample, then to the name first in code-unit order, so the same counts always give the same
 * answer. The best is tested against the runner-up with {@link twoProportionZTest}; it wins only
 * when p < `alpha` and both have at least `minSample` sends (deliveries, for the reply metric).
 * Beating the runner-up is taken as beating the rest, with no correction for the several
 * comparisons three or more variants allow. `z` and `p` are reported whenever they can be
 * computed, also for samples too small to decide on.
 *
 * @throws AbStatsInputError for invalid counts, a variant listed twice, an `alpha` outside (0, 1),
 * a `minSample` that is not a whole number ≥ 0, or the reply metric without replies for every variant.
 */
export function pickWinner(results: readonly VariantResult[], options: PickWinnerOptions = {}): WinnerPick {
  const { alpha = 0.05, minSample = 30 } = options;
  if (!(alpha > 0 && alpha < 1)) throw new AbStatsInputError(`alpha must be between 0 and 1, got ${String(alpha)}`);
  assertCount(minSample, 'minSample');
  const metric = validated(results, options.metric);

  const measured = results.map((r) => {
    const proportion: Proportion = metric === 'delivery' ? { successes: r.delivered, trials: r.sent } : { successes: r.replies!, trials: r.delivered };
    return { name: r.name, proportion, rate: proportion.trials === 0 ? 0 : proportion.successes / proportion.trials };
  });
  const rates = Object.fromEntries(measured.map((m) => [m.name, m.rate]));
  const ranked = [...measured].sort(
    (x, y) => y.rate - x.rate || y.proportion.trials - x.proportion.trials || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0),
  );
  const [best, runnerUp] = ranked;
  const none = (reason: WinnerReason, z: number | null = null, p: number | null = null): WinnerPick => ({
    winner: null,
    metric,
    rates,
    z,
    p,
    significant: false,
    reason,
  });
  if (best === undefined || runnerUp === undefined) return none('fewer than two variants');

  const test = twoProportionZTest(best.proportion, runnerUp.proportion);
  if (best.proportion.trials < minSample || runnerUp.proportion.trials < minSample) return none('too few sends', test?.z, test?.p);
  if (test === null || !(test.p < alpha)) return none('no significant difference', test?.z, test?.p);
  return { winner: best.name, metric, rates, z: test.z, p: test.p, significant: true, reason: 'significant difference' };
}
