import assert from 'node:assert/strict';
import { InvalidSplitError, sampleGroups, splitCounts, splitGroups, variantProblems } from '../../../src/domain/ab-split';
import { SeededRandom } from '../../../src/domain/random';

const groups = (n: number) => Array.from({ length: n }, (_, i) => `group-${i}`);
const AB = [{ name: 'A' }, { name: 'B' }];
const sorted = (list: readonly string[]) => [...list].sort();

/** A split as plain data, so deepEqual compares keys in order and each variant's groups in order. */
const entries = (split: Map<string, string[]>) => [...split.entries()];

describe('A/B split', () => {
  describe('splitCounts', () => {
    it('gives each variant its weighted quota, the leftover groups going to the largest remainders', () => {
      // Quotas 3.5, 2.1, 1.4: the one leftover group goes to the 0.5 remainder.
      assert.deepEqual(splitCounts(7, [{ name: 'a', weight: 0.5 }, { name: 'b', weight: 0.3 }, { name: 'c', weight: 0.2 }]), [4, 2, 1]);
      // Quotas 3.33… each: the leftover goes to the first.
      assert.deepEqual(splitCounts(10, [{ name: 'a' }, { name: 'b' }, { name: 'c' }]), [4, 3, 3]);
    });

    it('breaks a tie between equal remainders in favour of the earlier variant', () => {
      // Quotas 5, 2.5, 2.5.
      assert.deepEqual(splitCounts(10, [{ name: 'a', weight: 2 }, { name: 'b' }, { name: 'c' }]), [5, 3, 2]);
      assert.deepEqual(splitCounts(1, AB), [1, 0]);
    });

    it('gives every variant at least one group when there are at least as many groups as variants', () => {
      // Quotas 2.94, 0.03, 0.03 would leave b and c untried.
      assert.deepEqual(splitCounts(3, [{ name: 'a', weight: 100 }, { name: 'b' }, { name: 'c' }]), [1, 1, 1]);
      assert.deepEqual(splitCounts(5, [{ name: 'a', weight: 1000 }, { name: 'b' }, { name: 'c' }]), [3, 1, 1]);
    });

    it('leaves the last variants empty when there are fewer groups than variants', () => {
      assert.deepEqual(splitCounts(2, [{ name: 'a' }, { name: 'b' }, { name: 'c' }]), [1, 1, 0]);
      assert.deepEqual(splitCounts(0, AB), [0, 0]);
    });

    it('handles huge and tiny weights without overflowing', () => {
      assert.deepEqual(splitCounts(4, [{ name: 'a', weight: Number.MAX_VALUE }, { name: 'b', weight: Number.MAX_VALUE }]), [2, 2]);
      assert.deepEqual(splitCounts(4, [{ name: 'a', weight: 1e-300 }, { name: 'b', weight: 3e-300 }]), [1, 3]);
    });

    it('always hands out exactly the groups there are', () => {
      const random = new SeededRandom('counts');
      for (let round = 0; round < 200; round++) {
        const variants = Array.from({ length: random.int(1, 6) }, (_, i) => ({ name: `v${i}`, weight: random.next() * 10 + 0.01 }));
        const total = random.int(0, 50);
        const counts = splitCounts(total, variants);
        assert.equal(counts.reduce((a, b) => a + b, 0), total);
        assert.ok(counts.every((c) => c >= 0));
        if (total >= variants.length) assert.ok(counts.every((c) => c >= 1), JSON.stringify({ total, counts }));
      }
    });
  });

  describe('variant validation', () => {
    it('finds no problem with valid variants', () => {
      assert.deepEqual(variantProblems([{ name: 'A', weight: 2.5 }, { name: 'B' }]), []);
    });

    it('names each problem: no variants, blank or repeated names, weights that are not positive finite numbers', () => {
      assert.deepEqual(variantProblems([]), ['at least one variant is required']);
      assert.deepEqual(variantProblems([{ name: ' ' }, { name: 'A' }, { name: 'A' }]), [
        'variant 1: name must not be blank',
        'variant 3: name "A" is used twice',
      ]);
      for (const weight of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        assert.deepEqual(variantProblems([{ name: 'A', weight }]), [`variant 1 ("A"): weight must be a positive finite number, got ${weight}`]);
      }
    });

    it('refuses to split with invalid variants, listing every problem', () => {
      assert.throws(() => splitGroups(groups(4), [{ name: 'A', weight: 0 }, { name: 'A' }], 's'), (error: unknown) => {
        assert.ok(error instanceof InvalidSplitError);
        assert.equal(error.name, 'InvalidSplitError');
        assert.equal(error.message, 'variant 1 ("A"): weight must be a positive finite number, got 0; variant 2: name "A" is used twice');
        return true;
      });
      assert.throws(() => splitCounts(-1, AB), InvalidSplitError);
      assert.throws(() => splitCounts(1.5, AB), InvalidSplitError);
    });
  });

  describe('splitGroups', () => {
    it('puts every group in exactly one variant, the variants in the order given, by weight', () => {
      const split = splitGroups(groups(10), [{ name: 'control', weight: 3 }, { name: 'treatment', weight: 2 }], 'campaign-1');
      assert.deepEqual([...split.keys()], ['control', 'treatment']);
      assert.deepEqual([...split.values()].map((g) => g.length), [6, 4]);
      assert.deepEqual(sorted([...split.values()].flat()), sorted(groups(10)));
    });

    it('gives the same split for the same input', () => {
      assert.deepEqual(entries(splitGroups(groups(50), AB, 'seed')), entries(splitGroups(groups(50), AB, 'seed')));
    });

    it('does not depend on the order the groups come in', () => {
      const expected = entries(splitGroups(groups(30), AB, 'seed'));
      assert.deepEqual(entries(splitGroups([...groups(30)].reverse(), AB, 'seed')), expected);
      assert.deepEqual(entries(splitGroups(new SeededRandom(7).sample(groups(30), 30), AB, 'seed')), expected);
    });

    it('gives a different split for a different seed', () => {
      const a = splitGroups(groups(40), AB, 'seed-1').get('A')!;
      const b = splitGroups(groups(40), AB, 'seed-2').get('A')!;
      assert.equal(a.length, 20);
      assert.notDeepEqual(sorted(a), sorted(b));
    });

    it('shuffles keys that differ only in their last character', () => {
      // FNV-1a alone orders such keys as a rotation of their sorted order for about half the seeds.
      const keys = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7'];
      let runs = 0;
      for (let s = 0; s < 100; s++) {
        const a = splitGroups(keys, AB, `seed-${s}`).get('A')!.map((k) => Number(k.slice(1))).sort((x, y) => x - y);
        assert.equal(a.length, 4);
        // Consecutive round the circle of 8 keys: exactly one step to the next member is not +1.
        const jumps = a.filter((v, i) => (a[(i + 1) % a.length]! - v + 8) % 8 !== 1).length;
        if (jumps === 1) runs++;
      }
      // A fair shuffle makes A a cyclic run of 4 of 8 keys with probability 8/70, about 11 seeds in 100.
      assert.ok(runs < 25, `${runs} of 100 seeds gave a run`);
    });

    it('splits a group listed twice once', () => {
      const split = splitGroups(['x', 'y', 'x', 'z'], AB, 'seed');
      assert.deepEqual(sorted([...split.values()].flat()), ['x', 'y', 'z']);
      assert.deepEqual(entries(split), entries(splitGroups(['z', 'y', 'x'], AB, 'seed')));
    });

    it('gives every variant a group when there are as many groups as variants, and empty lists without groups', () => {
      const three = [{ name: 'a', weight: 10 }, { name: 'b' }, { name: 'c' }];
      assert.deepEqual([...splitGroups(['x', 'y', 'z'], three, 's').values()].map((g) => g.length), [1, 1, 1]);
      assert.deepEqual(entries(splitGroups([], AB, 's')), [['A', []], ['B', []]]);
    });
  });

  describe('sampleGroups', () => {
    it('samples ⌈len × percent / 100⌉ groups, at least one when percent > 0', () => {
      const size = (n: number, percent: number) => sampleGroups(groups(n), percent, 's').sample.length;
      assert.equal(size(10, 25), 3);
      assert.equal(size(10, 20), 2);
      assert.equal(size(10, 1), 1);
      assert.equal(size(10, 0.0001), 1);
      assert.equal(size(10, 0), 0);
      assert.equal(size(10, 100), 10);
      assert.equal(size(0, 50), 0);
      // 10000 × 0.07 / 100 is 7.000000000000001 in floating point.
      assert.equal(size(10_000, 0.07), 7);
    });

    it('splits the groups into the sample and the rest, each group once', () => {
      const { sample, rest } = sampleGroups([...groups(20), 'group-3'], 30, 's');
      assert.equal(sample.length, 6);
      assert.equal(rest.length, 14);
      assert.deepEqual(sorted([...sample, ...rest]), sorted(groups(20)));
    });

    it('is deterministic and does not depend on the order of the groups', () => {
      const expected = sampleGroups(groups(30), 40, 'seed');
      assert.deepEqual(sampleGroups([...groups(30)].reverse(), 40, 'seed'), expected);
      assert.notDeepEqual(sorted(sampleGroups(groups(30), 40, 'other').sample), sorted(expected.sample));
    });

    it('keeps a smaller sample inside a larger one drawn with the same seed', () => {
      const small = sampleGroups(groups(50), 10, 'seed').sample;
      const large = sampleGroups(groups(50), 30, 'seed').sample;
      assert.equal(small.length, 5);
      assert.deepEqual(large.slice(0, 5), small);
    });

    it('draws independently of a split with the same seed', () => {
      const sample = sampleGroups(groups(100), 50, 'seed').sample;
      const a = splitGroups(groups(100), AB, 'seed').get('A')!;
      assert.notDeepEqual(sorted(sample), sorted(a));
    });

    it('refuses a percentage outside 0–100', () => {
      for (const percent of [-1, 100.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        assert.throws(() => sampleGroups(groups(3), percent, 's'), /percent must be a number from 0 to 100/);
      }
    });
  });
});
