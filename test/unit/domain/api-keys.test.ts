import assert from 'node:assert/strict';
import { describeApiKey, generateApiKey, hashApiKey } from '../../../src/domain/api-keys';

describe('API keys', () => {
  it('generates distinct 32-byte tokens with a recognisable prefix', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    assert.notEqual(a.token, b.token);
    assert.match(a.token, /^ahk_[A-Za-z0-9_-]{43}$/);
    assert.ok(a.token.startsWith(a.prefix) && a.prefix.length === 12);
  });

  it('stores only the SHA-256 of the token', () => {
    const key = describeApiKey('ahk_example');
    assert.equal(key.hash, '63d0b585f69b3921de499a4da6fa5d79a405c4d76ad7e0953f9d40247bab69e1');
    assert.equal(hashApiKey('ahk_example'), key.hash);
  });
});
