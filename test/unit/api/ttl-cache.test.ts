import assert from 'node:assert/strict';
import { TtlCache } from '../../../src/api/ttl-cache';

describe('TtlCache', () => {
  it('loads once and serves the remembered value until the TTL passes', async () => {
    const cache = new TtlCache<string, number>(50);
    let loads = 0;
    const load = async () => ++loads;
    assert.equal(await cache.get('k', load), 1);
    assert.equal(await cache.get('k', load), 1);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await cache.get('k', load), 2);
  });

  it('shares one load between concurrent misses', async () => {
    const cache = new TtlCache<string, number>(1000);
    let loads = 0;
    const load = () => new Promise<number>((r) => setTimeout(() => r(++loads), 10));
    assert.deepEqual(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]), [1, 1, 1]);
  });

  it('does not remember undefined', async () => {
    const cache = new TtlCache<string, number>(1000);
    let loads = 0;
    const load = async () => (++loads > 1 ? 7 : undefined);
    assert.equal(await cache.get('k', load), undefined);
    assert.equal(await cache.get('k', load), 7);
  });

  it('forgets everything on clear, including a load that was under way', async () => {
    const cache = new TtlCache<string, string>(1000);
    let release!: (v: string) => void;
    const stale = cache.get('k', () => new Promise<string>((r) => (release = r)));
    cache.clear();
    release('before the change');
    assert.equal(await stale, 'before the change');
    assert.equal(await cache.get('k', async () => 'after the change'), 'after the change');
  });
});
