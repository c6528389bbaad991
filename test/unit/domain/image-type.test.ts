import assert from 'node:assert/strict';
import { detectImageType } from '../../../src/domain/image-type';

describe('detectImageType', () => {
  it('recognises JPEG and PNG by their magic bytes', () => {
    assert.equal(detectImageType(Buffer.from('ffd8ffe000104a464946', 'hex')), 'image/jpeg');
    assert.equal(detectImageType(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')), 'image/png');
  });

  it('refuses everything else, including truncated signatures', () => {
    for (const hex of ['', 'ffd8', '89504e470d0a1a', '474946383961', '3c3f786d6c', '25504446']) {
      assert.equal(detectImageType(Buffer.from(hex, 'hex')), null, hex);
    }
  });
});
