import assert from 'node:assert/strict';
import { Api } from 'telegram';
import { UpdateConnectionState } from 'telegram/network';
import { cachedPeersFor, InMemoryPeerCache } from '../../../../src/platforms/telegram/peer-cache';
import { isPlatformError, type InboundEvent } from '../../../../src/domain/platform-port';
import { basicGroup, big, channel, message, peerChannel, peerUser, user } from './fixtures';
import { connectSession, unexpected } from './session-harness';
import { settle, type Responder, type StubClient } from './stub-client';

const group = channel(1234567890, 'Some Group', { username: 'SomeGroup', megagroup: true });
const bob = user(42, { username: 'bobby', firstName: 'Bob', lastName: 'Stone' });
const carol = user(43, { firstName: 'Carol' });

const entities = (...list: Array<Api.User | Api.Channel | Api.Chat>) =>
  new Map<string, unknown>(list.map((e) => [e instanceof Api.User ? e.id.toString() : e instanceof Api.Chat ? `-${e.id}` : `-100${e.id}`, e]));

function channelUpdate(msg: Api.TypeMessage): Api.UpdateNewChannelMessage {
  return new Api.UpdateNewChannelMessage({ message: msg, pts: 1, ptsCount: 1 });
}

function service(id: number, peer: Api.TypePeer, action: Api.TypeMessageAction, fromId?: Api.TypePeer): Api.MessageService {
  return new Api.MessageService({ id, peerId: peer, date: 1_700_000_000 + id, action, ...(fromId ? { fromId } : {}) });
}

async function listen(respond: Responder = unexpected, options = {}) {
  const harness = await connectSession(respond, options);
  const events: InboundEvent[] = [];
  const stop = harness.session.onInbound((e) => void events.push(e));
  return { ...harness, events, stop };
}

async function deliver(client: StubClient, update: object, attached = new Map<string, unknown>()): Promise<void> {
  await client.emit(update, attached);
  await settle();
}

describe('TelegramSession inbound events', () => {
  it('turns a new group message into a message event with the sender from the update entities', async () => {
    const { client, events } = await listen();
    await deliver(client, channelUpdate(message(10, peerChannel(1234567890), 'hello there', { fromId: peerUser(42) })), entities(group, bob));

    assert.deepEqual(events, [
      {
        type: 'message',
        accountId: 'acc-1',
        chatKey: '@SomeGroup',
        messageId: 10,
        from: { id: '42', username: 'bobby', name: 'Bob Stone' },
        text: 'hello there',
        date: new Date((1_700_000_000 + 10) * 1000),
      },
    ]);
  });

  it('tells anonymous admins, channels, forwards and hidden links apart for anti-spam', async () => {
    const { client, events } = await listen();
    const other = channel(555, 'Other Channel', { username: 'OtherChannel' });
    const fromGroup = message(20, peerChannel(1234567890), 'as the group', { fromId: peerChannel(1234567890) });
    const fromChannel = message(21, peerChannel(1234567890), 'as a channel', { fromId: peerChannel(555) });
    const forwarded = new Api.Message({
      id: 22,
      peerId: peerChannel(1234567890),
      fromId: peerUser(42),
      message: 'click here',
      date: 1_700_000_022,
      fwdFrom: new Api.MessageFwdHeader({ date: 1_700_000_000, fromId: peerChannel(555) }),
      entities: [new Api.MessageEntityTextUrl({ offset: 0, length: 5, url: 'https://spam.example/x' })],
    });
    const plain = message(23, peerChannel(1234567890), 'just me', { fromId: peerUser(42) });
    for (const m of [fromGroup, fromChannel, forwarded, plain]) await deliver(client, channelUpdate(m), entities(group, other, bob));

    const traits = events.map((e) => e.type === 'message' && { kind: e.fromKind, forwarded: e.forwarded, hidden: e.hiddenUrls });
    assert.deepEqual(traits, [
      { kind: 'chat', forwarded: undefined, hidden: undefined },
      { kind: 'channel', forwarded: undefined, hidden: undefined },
      { kind: undefined, forwarded: true, hidden: ['https://spam.example/x'] },
      { kind: undefined, forwarded: undefined, hidden: undefined },
    ]);
  });

  it("marks messages of a group's admins and linked channel, looking the group's staff up once", async () => {
    const admins = new Api.channels.ChannelParticipants({
      count: 2,
      participants: [
        new Api.ChannelParticipantCreator({ userId: big(43), adminRights: new Api.ChatAdminRights({}) }),
        new Api.ChannelParticipantAdmin({ userId: big(42), promotedBy: big(43), date: 1, adminRights: new Api.ChatAdminRights({}) }),
      ],
      chats: [],
      users: [bob, carol],
    });
    const full = new Api.messages.ChatFull({
      fullChat: new Api.ChannelFull({
        id: big(1234567890),
        about: '',
        readInboxMaxId: 0,
        readOutboxMaxId: 0,
        unreadCount: 0,
        chatPhoto: new Api.PhotoEmpty({ id: big(0) }),
        notifySettings: new Api.PeerNotifySettings({}),
        botInfo: [],
        pts: 1,
        linkedChatId: big(555),
      }),
      chats: [],
      users: [],
    });
    const respond: Responder = (request) => {
      if (request instanceof Api.channels.GetParticipants) return admins;
      if (request instanceof Api.channels.GetFullChannel) return full;
      return unexpected(request);
    };
    const peerCache = new InMemoryPeerCache();
    await peerCache.put('acc-1', cachedPeersFor(group));
    const { client, events } = await listen(respond, { peerCache });
    const linked = channel(555, 'Linked News', { username: 'LinkedNews' });
    const stranger = user(99, { firstName: 'Stranger' });
    await deliver(client, channelUpdate(message(30, peerChannel(1234567890), 'from the admin', { fromId: peerUser(42) })), entities(group, bob));
    await deliver(client, channelUpdate(message(31, peerChannel(1234567890), 'from the channel', { fromId: peerChannel(555) })), entities(group, linked));
    await deliver(client, channelUpdate(message(32, peerChannel(1234567890), 'from a member', { fromId: peerUser(99) })), entities(group, stranger));

    const marks = events.map((e) => e.type === 'message' && { admin: e.fromAdmin, linked: e.fromLinkedChannel });
    assert.deepEqual(marks, [
      { admin: true, linked: undefined },
      { admin: undefined, linked: true },
      { admin: undefined, linked: undefined },
    ]);
    assert.equal(client.sent(Api.channels.GetParticipants).length, 1, 'the staff is looked up once');
    const [asked] = client.sent(Api.channels.GetParticipants);
    assert.ok(asked!.filter instanceof Api.ChannelParticipantsAdmins);
  });

  it('keys a short private message by the username the peer cache knows, else by user id', async () => {
    const { client, events, cache } = await listen();
    const short = (id: number, userId: number) =>
      new Api.UpdateShortMessage({ id, userId: big(userId), message: 'psst', pts: 1, ptsCount: 1, date: 1_700_000_000 });

    await cache.put('acc-1', cachedPeersFor(bob));
    await deliver(client, short(20, 42));
    await deliver(client, short(21, 43));

    assert.deepEqual(
      events.map((e) => [e.chatKey, e.type === 'message' ? e.from.id : null]),
      [
        ['@bobby', '42'],
        ['43', '43'],
      ],
    );
  });

  it('keys a basic-group message by the negative chat id', async () => {
    const { client, events } = await listen();
    await deliver(
      client,
      new Api.UpdateShortChatMessage({ id: 30, fromId: big(43), chatId: big(55), message: 'hi all', pts: 1, ptsCount: 1, date: 1_700_000_000 }),
      entities(carol, basicGroup(55, 'Friends')),
    );
    assert.equal(events[0]?.chatKey, '-55');
    assert.deepEqual(events[0]?.type === 'message' && events[0].from, { id: '43', username: null, name: 'Carol' });
  });

  it('ignores the account\'s own messages and unrelated service messages', async () => {
    const { client, events } = await listen();
    await deliver(client, channelUpdate(message(11, peerChannel(1234567890), 'mine', { out: true })), entities(group));
    await deliver(client, channelUpdate(service(12, peerChannel(1234567890), new Api.MessageActionChatEditTitle({ title: 'New' }))), entities(group));
    await deliver(client, new Api.UpdateUserTyping({ userId: big(42), action: new Api.SendMessageTypingAction() }));
    assert.deepEqual(events, []);
  });

  it('turns member service messages into join and leave events', async () => {
    const { client, events } = await listen();
    const groupPeer = peerChannel(1234567890);
    await deliver(client, channelUpdate(service(40, groupPeer, new Api.MessageActionChatAddUser({ users: [big(42), big(43)] }), peerUser(42))), entities(group, bob, carol));
    await deliver(client, channelUpdate(service(41, groupPeer, new Api.MessageActionChatJoinedByLink({ inviterId: big(1) }), peerUser(43))), entities(group, carol));
    await deliver(client, channelUpdate(service(42, groupPeer, new Api.MessageActionChatJoinedByRequest(), peerUser(42))), entities(group, bob));
    await deliver(client, channelUpdate(service(43, groupPeer, new Api.MessageActionChatDeleteUser({ userId: big(43) }), peerUser(43))), entities(group, carol));

    assert.deepEqual(
      events.map((e) => [e.type, e.chatKey, e.type === 'message' ? e.from : e.user]),
      [
        ['join', '@SomeGroup', { id: '42', username: 'bobby', name: 'Bob Stone' }],
        ['join', '@SomeGroup', { id: '43', username: null, name: 'Carol' }],
        ['join', '@SomeGroup', { id: '43', username: null, name: 'Carol' }],
        ['join', '@SomeGroup', { id: '42', username: 'bobby', name: 'Bob Stone' }],
        ['leave', '@SomeGroup', { id: '43', username: null, name: 'Carol' }],
      ],
    );
  });

  it('delivers a repeated update once and stops after unsubscribing', async () => {
    const { client, events, stop } = await listen();
    const update = () => channelUpdate(message(50, peerChannel(1234567890), 'once', { fromId: peerUser(42) }));
    await deliver(client, update(), entities(group, bob));
    await deliver(client, update(), entities(group, bob));
    assert.equal(events.length, 1);

    stop();
    await deliver(client, channelUpdate(message(51, peerChannel(1234567890), 'unheard', { fromId: peerUser(42) })), entities(group, bob));
    assert.equal(events.length, 1);
  });

  it('stops listening and refuses calls once disconnected', async () => {
    const { client, events, session } = await listen();
    await session.disconnect();
    assert.equal(client.destroyed, true);
    assert.equal(client.handlers.length, 0);
    await deliver(client, channelUpdate(message(60, peerChannel(1234567890), 'late', { fromId: peerUser(42) })), entities(group, bob));
    assert.deepEqual(events, []);
    await assert.rejects(session.getProfile(), (err) => isPlatformError(err, 'transient'));
  });
});

describe('TelegramSession catch-up after a reconnect', () => {
  /** History of the group, newest first, as messages.getHistory answers. */
  function historyServer(history: Api.Message[]): Responder {
    return (request) => {
      if (request instanceof Api.messages.GetHistory) {
        return new Api.messages.ChannelMessages({
          pts: 1,
          count: history.length,
          messages: history.filter((m) => m.id > request.minId).sort((a, b) => b.id - a.id),
          topics: [],
          chats: [group],
          users: [bob],
        });
      }
      return unexpected(request);
    };
  }

  it('re-polls known chats from the last message seen and emits only the missed ones, in order', async () => {
    const history = [10, 11, 12, 13].map((id) => message(id, peerChannel(1234567890), `m${id}`, { fromId: peerUser(42) }));
    const { client, events, cache } = await listen(historyServer(history));
    await cache.put('acc-1', cachedPeersFor(group));
    await deliver(client, channelUpdate(history[0]!), entities(group, bob));

    await deliver(client, new UpdateConnectionState(UpdateConnectionState.disconnected));
    await deliver(client, new UpdateConnectionState(UpdateConnectionState.connected));
    await settle(5);

    const [poll] = client.sent(Api.messages.GetHistory);
    assert.equal(poll?.minId, 10);
    assert.ok(poll?.peer instanceof Api.InputPeerChannel && poll.peer.channelId.equals(big(1234567890)));
    assert.deepEqual(
      events.map((e) => (e.type === 'message' ? [e.chatKey, e.messageId, e.text] : null)),
      [
        ['@SomeGroup', 10, 'm10'],
        ['@SomeGroup', 11, 'm11'],
        ['@SomeGroup', 12, 'm12'],
        ['@SomeGroup', 13, 'm13'],
      ],
    );

    // A live update for a message catch-up already delivered is not delivered again.
    await deliver(client, channelUpdate(history[3]!), entities(group, bob));
    assert.equal(events.length, 4);
  });

  it('reconnects by itself with backoff when GramJS stays down, then catches up', async () => {
    const history = [10, 11].map((id) => message(id, peerChannel(1234567890), `m${id}`, { fromId: peerUser(42) }));
    const { client, events, cache } = await listen(historyServer(history), { reconnect: { graceMs: 5, initialDelayMs: 5, maxDelayMs: 20 } });
    await cache.put('acc-1', cachedPeersFor(group));
    await deliver(client, channelUpdate(history[0]!), entities(group, bob));
    const connectsBefore = client.connectCalls;

    client.connected = false;
    client.connectResults = [false, false, true];
    await deliver(client, new UpdateConnectionState(UpdateConnectionState.disconnected));
    await settle(150);

    assert.equal(client.connectCalls - connectsBefore, 3);
    assert.equal(client.sent(Api.messages.GetHistory).length, 1, 'one catch-up per outage');
    assert.deepEqual(
      events.map((e) => (e.type === 'message' ? e.messageId : null)),
      [10, 11],
    );
  });
});
