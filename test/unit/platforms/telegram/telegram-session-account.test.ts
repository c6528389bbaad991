import assert from 'node:assert/strict';
import { Api, errors } from 'telegram';
import { Dialog } from 'telegram/tl/custom/dialog';
import { isUsernameTaken } from '../../../../src/platforms/telegram/errors';
import { cachedPeersFor } from '../../../../src/platforms/telegram/peer-cache';
import { isPlatformError } from '../../../../src/domain/platform-port';
import { basicGroup, big, channel, message, peerChannel, peerChat, peerUser, user } from './fixtures';
import { connectSession, me, unexpected } from './session-harness';
import { rpcError, type StubClient } from './stub-client';

const group = channel(1234567890, 'Some Group', { username: 'SomeGroup', megagroup: true, participantsCount: 240 });
const news = channel(2222, 'Newsroom', { broadcast: true, creator: true });
const friends = basicGroup(55, 'Friends', { participantsCount: 4 });
const bob = user(42, { username: 'bobby', firstName: 'Bob' });

/** A dialog as GramJS's getDialogs builds it from Telegram's answer. */
function dialog(client: StubClient, entity: Api.User | Api.Chat | Api.Channel, peer: Api.TypePeer, lastMessageId: number, date: number): Dialog {
  const key = entity instanceof Api.User ? entity.id.toString() : entity instanceof Api.Chat ? `-${entity.id}` : `-100${entity.id}`;
  const d = new Api.Dialog({
    peer,
    topMessage: lastMessageId,
    readInboxMaxId: 0,
    readOutboxMaxId: 0,
    unreadCount: 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    notifySettings: new Api.PeerNotifySettings({}),
  });
  return new Dialog(client as never, d, new Map([[key, entity]]), message(lastMessageId, peer, 'last', { date }));
}

describe('TelegramSession.listChats', () => {
  it('lists groups, channels and contacts with members and last activity, and caches their peers', async () => {
    const { session, client, cache } = await connectSession(unexpected);
    client.dialogs = [
      dialog(client, group, peerChannel(1234567890), 900, 1_700_000_900),
      dialog(client, news, peerChannel(2222), 50, 1_700_000_050),
      dialog(client, friends, peerChat(55), 70, 1_700_000_070),
      dialog(client, bob, peerUser(42), 80, 1_700_000_080),
      dialog(client, user(5001, { self: true, firstName: 'Me' }), peerUser(5001), 81, 1_700_000_081),
    ];

    const chats = await session.listChats();

    assert.deepEqual(chats, [
      { key: '@SomeGroup', id: '-1001234567890', type: 'group', title: 'Some Group', username: 'SomeGroup', members: 240, lastActivityAt: new Date(1_700_000_900_000) },
      { key: '-1002222', id: '-1002222', type: 'channel', title: 'Newsroom', username: null, members: null, lastActivityAt: new Date(1_700_000_050_000) },
      { key: '-55', id: '-55', type: 'group', title: 'Friends', username: null, members: 4, lastActivityAt: new Date(1_700_000_070_000) },
      { key: '@bobby', id: '42', type: 'contact', title: 'Bob', username: 'bobby', members: null, lastActivityAt: new Date(1_700_000_080_000) },
    ]);
    assert.equal((await cache.get('acc-1', '-1002222'))?.accessHash, news.accessHash!.toString());
    assert.equal((await cache.get('acc-1', '@somegroup'))?.id, '1234567890');
    assert.equal((await cache.get('acc-1', '-55'))?.type, 'chat');
  });
});

describe('TelegramSession.searchMessages', () => {
  it('searches each chat within the dates and per-chat limit, paging past 100', async () => {
    const searches: Api.messages.Search[] = [];
    const { session, cache } = await connectSession((request) => {
      if (!(request instanceof Api.messages.Search)) return unexpected(request);
      searches.push(request);
      const start = request.offsetId === 0 ? 1000 : request.offsetId - 1;
      const messages = Array.from({ length: request.limit }, (_, i) => message(start - i, peerChannel(1234567890), `price ${start - i}`, { fromId: peerUser(42) }));
      return new Api.messages.ChannelMessages({ pts: 1, count: 500, messages, topics: [], chats: [group], users: [bob] });
    });
    await cache.put('acc-1', cachedPeersFor(group));

    const found = await session.searchMessages({
      query: 'price',
      chatKeys: ['@SomeGroup'],
      perChatLimit: 150,
      since: new Date('2024-01-01T00:00:00Z'),
      until: new Date('2024-02-01T00:00:00Z'),
    });

    assert.equal(found.length, 150);
    assert.deepEqual(
      searches.map((s) => [s.q, s.limit, s.offsetId, s.minDate, s.maxDate]),
      [
        ['price', 100, 0, 1_704_067_200, 1_706_745_600],
        ['price', 50, 901, 1_704_067_200, 1_706_745_600],
      ],
    );
    assert.deepEqual(found[0], {
      chatKey: '@SomeGroup',
      chatId: '-1001234567890',
      chatTitle: 'Some Group',
      messageId: 1000,
      text: 'price 1000',
      fromId: '42',
      fromUsername: 'bobby',
      fromName: 'Bob',
      date: new Date((1_700_000_000 + 1000) * 1000),
    });
  });

  it('skips a chat it may not read but fails the search on a flood wait', async () => {
    const { session, cache } = await connectSession((request) => {
      if (!(request instanceof Api.messages.Search)) return unexpected(request);
      if (request.peer instanceof Api.InputPeerChat) throw rpcError('CHANNEL_PRIVATE', request);
      if (request.q === 'slow') throw new errors.FloodWaitError({ capture: 20, request });
      return new Api.messages.Messages({ messages: [message(5, peerChannel(1234567890), 'hit', { fromId: peerUser(42) })], chats: [group], users: [bob] });
    });
    await cache.put('acc-1', [...cachedPeersFor(group), ...cachedPeersFor(friends)]);

    const found = await session.searchMessages({ query: 'hit', chatKeys: ['-55', '@SomeGroup'], perChatLimit: 10, since: null, until: null });
    assert.deepEqual(found.map((m) => [m.chatKey, m.messageId]), [['@SomeGroup', 5]]);

    await assert.rejects(
      session.searchMessages({ query: 'slow', chatKeys: ['@SomeGroup'], perChatLimit: 10, since: null, until: null }),
      (err) => isPlatformError(err, 'rate_limited') && err.retryAfterSeconds === 20,
    );
  });
});

describe('TelegramSession profile', () => {
  const full = (about: string, photo: boolean) =>
    new Api.users.UserFull({
      fullUser: new Api.UserFull({ id: big(5001), about, settings: new Api.PeerSettings({}), notifySettings: new Api.PeerNotifySettings({}), commonChatsCount: 0 }),
      chats: [],
      users: [
        user(5001, {
          self: true,
          firstName: 'Alice',
          lastName: 'Liddell',
          username: 'alice_w',
          phone: '15550001111',
          ...(photo ? { photo: new Api.UserProfilePhoto({ photoId: big(1), dcId: 2 }) } : {}),
        }),
      ],
    });

  it('reads the profile from users.getFullUser', async () => {
    const { session } = await connectSession((request) => (request instanceof Api.users.GetFullUser ? full('Bio text', true) : unexpected(request)));
    assert.deepEqual(await session.getProfile(), {
      id: '5001',
      firstName: 'Alice',
      lastName: 'Liddell',
      username: 'alice_w',
      phone: '+15550001111',
      about: 'Bio text',
      photo: true,
    });
  });

  it('updates only the given fields and returns the new profile', async () => {
    const { session, client } = await connectSession((request) => {
      if (request instanceof Api.account.UpdateProfile) return me;
      if (request instanceof Api.users.GetFullUser) return full('', false);
      return unexpected(request);
    });
    const profile = await session.updateProfile({ about: '' });
    const [update] = client.sent(Api.account.UpdateProfile);
    assert.equal(update?.about, '');
    assert.equal(update?.firstName, undefined);
    assert.equal(update?.lastName, undefined);
    assert.equal(profile.photo, false);
  });

  it('sets a username, accepts the current one again, and reports a taken one distinctly', async () => {
    const { session, client } = await connectSession((request) => {
      if (!(request instanceof Api.account.UpdateUsername)) return unexpected(request);
      if (request.username === 'taken_name') throw rpcError('USERNAME_OCCUPIED', request);
      if (request.username === 'same_name') throw rpcError('USERNAME_NOT_MODIFIED', request);
      if (request.username === 'x') throw rpcError('USERNAME_INVALID', request);
      return me;
    });
    await session.setUsername('@new_name');
    await session.setUsername('same_name');
    await session.setUsername('');
    assert.deepEqual(client.sent(Api.account.UpdateUsername).map((r) => r.username), ['new_name', 'same_name', '']);

    await assert.rejects(session.setUsername('taken_name'), (err) => isUsernameTaken(err));
    await assert.rejects(session.setUsername('x'), (err) => isPlatformError(err, 'invalid') && !isUsernameTaken(err));
  });

  it('uploads a new photo and sets it as the profile photo', async () => {
    const { session, client } = await connectSession((request) =>
      request instanceof Api.photos.UploadProfilePhoto ? new Api.photos.Photo({ photo: new Api.PhotoEmpty({ id: big(1) }), users: [] }) : unexpected(request),
    );
    const data = Buffer.from('89504e47', 'hex');
    await session.setPhoto({ data, mimeType: 'image/png' });
    assert.equal(client.uploads[0]?.name, 'photo.png');
    assert.deepEqual(client.uploads[0]?.buffer, data);
    const [upload] = client.sent(Api.photos.UploadProfilePhoto);
    assert.ok(upload?.file instanceof Api.InputFile && upload.file.name === 'photo.png');
  });

  it('deletes every profile photo, page after page', async () => {
    let remaining = Array.from({ length: 130 }, (_, i) => new Api.Photo({ id: big(i + 1), accessHash: big(7), fileReference: Buffer.from([i]), date: 0, sizes: [], dcId: 2 }));
    const { session, client } = await connectSession((request) => {
      if (request instanceof Api.photos.GetUserPhotos) return new Api.photos.PhotosSlice({ count: remaining.length, photos: remaining.slice(0, request.limit), users: [] });
      if (request instanceof Api.photos.DeletePhotos) {
        const ids = request.id.map((p) => (p as Api.InputPhoto).id.toString());
        remaining = remaining.filter((p) => !ids.includes(p.id.toString()));
        return request.id.map((p) => (p as Api.InputPhoto).id);
      }
      return unexpected(request);
    });
    await session.deletePhoto();
    assert.equal(remaining.length, 0);
    assert.deepEqual(client.sent(Api.photos.DeletePhotos).map((r) => r.id.length), [100, 30]);
  });

  it('discovers public groups and channels from contacts.search and caches them', async () => {
    const found = channel(3333, 'Crypto Signals', { username: 'cryptosignals', broadcast: true, participantsCount: 12000 });
    const { session, client, cache } = await connectSession((request) =>
      request instanceof Api.contacts.Search
        ? new Api.contacts.Found({ myResults: [], results: [peerChannel(3333), peerChannel(1234567890), peerUser(42)], chats: [found, group], users: [bob] })
        : unexpected(request),
    );
    const chats = await session.discoverChats({ keywords: ' crypto trading ', limit: 10 });
    assert.equal(client.sent(Api.contacts.Search)[0]?.q, 'crypto trading');
    assert.deepEqual(chats, [
      { title: 'Crypto Signals', username: 'cryptosignals', members: 12000, type: 'channel', description: '' },
      { title: 'Some Group', username: 'SomeGroup', members: 240, type: 'group', description: '' },
    ]);
    assert.equal((await cache.get('acc-1', '@cryptosignals'))?.id, '3333');
  });
});
