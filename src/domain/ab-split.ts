import { fnv1a } from './random';

/** One arm of an A/B test: its name and its share of the groups, relative to the others' weights. */
export interface SplitVariant {
  name: string;
  /** A positive finite number. @default 1 */
  weight?: number;
}

/** Thrown when a split is asked for with variants (or a sample with a percentage) that make none; the message lists every problem. */
export class InvalidSplitError extends Error {
  override readonly name = 'InvalidSplitError';
}

/**
 * The problems with `variants` as the arms of a split, empty when there are none: at least one
 * variant, names non-blank and distinct (they key the split), weights positive finite numbers.
 */
export function variantProblems(variants: readonly SplitVariant[]): string[] {
  const problems: string[] = [];
  if (variants.length === 0) problems.push('at least one variant is required');
  const seen = new Set<string>();
  variants.forEach((v, i) => {
    if (v.name.trim().length === 0) problems.push(`variant ${i + 1}: name must not be blank`);
    else if (seen.has(v.name)) problems.push(`variant ${i + 1}: name "${v.name}" is used twice`);
    seen.add(v.name);
    if (v.weight !== undefined && !(Number.isFinite(v.weight) && v.weight > 0)) {
      problems.push(`variant ${i + 1} ("${v.name}"): weight must be a positive finite number, got ${String(v.weight)}`);
    }
  });
  return problems;
}

/**
 * FNV-1a spreads keys that differ in their last characters (`group-1`, `group-2`, …) over nearby
 * hashes in the same order; murmur3's finaliser mixes every input bit into every output bit, so
 * sorting by the hash really shuffles. Node's crypto is avoided so workflows can split too.
 */
function stableHash(text: string): number {
  let h = fnv1a(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * `groups` without duplicates, in an order decided by `seed` alone: by a stable hash of the
 * purpose, seed and key, then by key (so a hash collision cannot make the order depend on the
 * input's). `purpose` keeps a split and a sample drawn with the same seed independent.
 */
function shuffled(groups: readonly string[], seed: string, purpose: string): string[] {
  const keyed = [...new Set(groups)].map((group) => ({ group, hash: stableHash(`${purpose}\u0000${seed}\u0000${group}`) }));
  keyed.sort((a, b) => a.hash - b.hash || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  return keyed.map((k) => k.group);
}

/**
 * How many of `total` groups each variant gets, by weight, with the largest-remainder method:
 * each gets the whole part of its quota, and the groups left over go one each to the largest
 * fractional parts (the earlier variant first on a tie). When there are at least as many groups
 * as variants, a variant whose quota rounded to nothing takes one from the variant holding the
 * most (the later one on a tie), so every arm of a test is tried.
 */
export function splitCounts(total: number, variants: readonly SplitVariant[]): number[] {
  const problems = variantProblems(variants);
  if (problems.length > 0) throw new InvalidSplitError(problems.join('; '));
  if (!Number.isInteger(total) || total < 0) throw new InvalidSplitError(`the number of groups must be a whole number ≥ 0, got ${total}`);
  // Scaled to the largest so that huge weights cannot overflow the sum.
  const largest = Math.max(...variants.map((v) => v.weight ?? 1));
  const weights = variants.map((v) => (v.weight ?? 1) / largest);
  const sum = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const counts = quotas.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = quotas.map((q, i) => ({ i, remainder: q - Math.floor(q) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    counts[i]! += 1;
    left -= 1;
  }
  if (total >= variants.length) {
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] !== 0) continue;
      // With total ≥ variants and one at 0, another holds at least 2, so the donor keeps one.
      let donor = 0;
      for (let j = 1; j < counts.length; j++) if (counts[j]! >= counts[donor]!) donor = j;
      counts[donor]! -= 1;
      counts[i] = 1;
    }
  }
  return counts;
}

/**
 * The groups of each variant of an A/B test (variant name → its groups, in `variants`' order),
 * split by weight with {@link splitCounts}. The split is deterministic: the same groups, variants
 * and seed always give the same split, whatever order `groups` come in. Groups are shuffled by a
 * stable hash of the seed and their key, then dealt out in consecutive runs, so a different seed
 * gives an unrelated split. A group listed twice is split once.
 *
 * @throws InvalidSplitError when {@link variantProblems} finds a problem with `variants`.
 */
export function splitGroups(groups: readonly string[], variants: readonly SplitVariant[], seed: string): Map<string, string[]> {
  const order = shuffled(groups, seed, 'split');
  const counts = splitCounts(order.length, variants);
  const split = new Map<string, string[]>();
  let start = 0;
  variants.forEach((v, i) => {
    split.set(v.name, order.slice(start, start + counts[i]!));
    start += counts[i]!;
  });
  return split;
}

/**
 * A deterministic sample of `percent` % of `groups` (a test's audience before the winner goes to
 * the rest), and the rest. The sample holds ⌈len × percent / 100⌉ groups — at least one when
 * `percent` > 0 and there are groups — chosen by a stable hash of the seed and their key, so it
 * does not depend on the order of `groups`, and a larger percentage with the same seed keeps the
 * smaller one's sample and adds to it. Both lists are in that hashed order; a group listed twice
 * counts once.
 *
 * @throws InvalidSplitError when `percent` is not a number from 0 to 100.
 */
export function sampleGroups(groups: readonly string[], percent: number, seed: string): { sample: string[]; rest: string[] } {
  if (!(Number.isFinite(percent) && percent >= 0 && percent <= 100)) {
    throw new InvalidSplitError(`percent must be a number from 0 to 100, got ${String(percent)}`);
  }
  const order = shuffled(groups, seed, 'sample');
  // The epsilon absorbs binary rounding (10000 × 0.07 / 100 is 7.000000000000001, not 7).
  const size = percent === 0 ? 0 : Math.min(order.length, Math.max(1, Math.ceil((order.length * percent) / 100 - 1e-9)));
  return { sample: order.slice(0, size), rest: order.slice(size) };
}
