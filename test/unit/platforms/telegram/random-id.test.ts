import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { randomIdFor } from '../../../../src/platforms/telegram/random-id';

describe('randomIdFor', () => {
  it('gives the same random id for the same client message id', () => {
    assert.ok(randomIdFor('broadcast-7-run-1:@group').equals(randomIdFor('broadcast-7-run-1:@group')));
  });

  it('gives different random ids for different client message ids', () => {
    const ids = new Set(Array.from({ length: 200 }, (_, i) => randomIdFor(`run-1:target-${i}`).toString()));
    assert.equal(ids.size, 200);
  });

  it('is the first 8 bytes of SHA-256 read as a signed 64-bit integer', () => {
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      const expected = createHash('sha256').update(id).digest().readBigInt64BE(0);
      assert.equal(randomIdFor(id).toString(), expected.toString(), id);
    }
    // At least one of these ids hashes to a leading byte >= 0x80, so the sign is exercised.
    assert.ok(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].some((id) => randomIdFor(id).isNegative()));
  });
});
