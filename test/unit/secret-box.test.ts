import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/db/secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('hex'));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const secret = '1BQANOTEuMTA4LjU2LjE2MQG7…session…';
    const a = box.seal(secret);
    assert.notEqual(a, box.seal(secret));
    assert.ok(!a.includes('session'));
    assert.equal(box.open(a), secret);
  });

  it('refuses a tampered value or another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('Secret').toString('base64url');
    assert.throws(() => box.open(parts.join('.')));
    assert.throws(() => new SecretBox(randomBytes(32).toString('hex')).open(sealed));
    assert.throws(() => box.open('plain text'), /not a sealed secret/);
  });

  it('requires a 32-byte key', () => {
    assert.throws(() => new SecretBox('abcd'), /32 bytes/);
  });
});
