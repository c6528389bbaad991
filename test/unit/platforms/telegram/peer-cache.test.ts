import assert from 'node:assert/strict';
import { Api } from 'telegram';
import { InMemoryPeerCache, cachedPeersFor, toInputPeer } from '../../../../src/platforms/telegram/peer-cache';
import { isPlatformError } from '../../../../src/domain/platform-port';
import { basicGroup, big, channel, user } from './fixtures';

describe('peer cache', () => {
  it('keys a public channel by its marked id and by every active username', () => {
    const entity = channel(1234567890, 'Group', { username: 'MainName', megagroup: true });
    entity.usernames = [new Api.Username({ username: 'MainName', active: true }), new Api.Username({ username: 'Alias', active: true }), new Api.Username({ username: 'Old', active: false })];
    const peers = cachedPeersFor(entity);
    assert.deepEqual(
      peers.map((p) => p.key),
      ['-1001234567890', '@mainname', '@alias'],
    );
    for (const peer of peers) {
      assert.deepEqual({ ...peer, key: '' }, { key: '', type: 'channel', id: '1234567890', accessHash: entity.accessHash!.toString(), username: 'MainName' });
    }
  });

  it('caches basic groups without an access hash and skips min entities', () => {
    assert.deepEqual(cachedPeersFor(basicGroup(55, 'Friends')), [{ key: '-55', type: 'chat', id: '55', accessHash: null, username: null }]);
    assert.deepEqual(cachedPeersFor(channel(9, 'Seen in passing', { min: true })), []);
  });

  it('builds the GramJS input peer of each kind from a cached entry', () => {
    const [u] = cachedPeersFor(user(42, { username: 'alice' }));
    const [c] = cachedPeersFor(channel(7, 'News', { broadcast: true }));
    const [g] = cachedPeersFor(basicGroup(55, 'Friends'));

    const userPeer = toInputPeer(u!);
    assert.ok(userPeer instanceof Api.InputPeerUser);
    assert.ok(userPeer.userId.equals(big(42)) && userPeer.accessHash.equals(big(42_001)));

    const channelPeer = toInputPeer(c!);
    assert.ok(channelPeer instanceof Api.InputPeerChannel);
    assert.ok(channelPeer.channelId.equals(big(7)) && channelPeer.accessHash.equals(big(-77)));

    const groupPeer = toInputPeer(g!);
    assert.ok(groupPeer instanceof Api.InputPeerChat);
    assert.ok(groupPeer.chatId.equals(big(55)));
  });

  it('refuses to build a user or channel peer without an access hash', () => {
    assert.throws(
      () => toInputPeer({ key: '42', type: 'user', id: '42', accessHash: null, username: null }),
      (err) => isPlatformError(err, 'not_found'),
    );
  });

  it('keeps entries per account, the later entry for a key winning', async () => {
    const cache = new InMemoryPeerCache();
    const first = { key: '@shared', type: 'user' as const, id: '1', accessHash: '11', username: 'shared' };
    await cache.put('acc-a', [first]);
    await cache.put('acc-a', [{ ...first, id: '2', accessHash: '22' }]);
    assert.equal((await cache.get('acc-a', '@shared'))?.id, '2');
    assert.equal(await cache.get('acc-b', '@shared'), null);
  });
});
