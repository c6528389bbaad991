import assert from 'node:assert/strict';
import { Api, errors } from 'telegram';
import { InMemoryPeerCache } from '../../../../src/platforms/telegram/peer-cache';
import { randomIdFor } from '../../../../src/platforms/telegram/random-id';
import { TelegramDriver } from '../../../../src/platforms/telegram/telegram-driver';
import { isPlatformError } from '../../../../src/domain/platform-port';
import { connectSession, credentials, storedSession, unexpected } from './session-harness';
import { rpcError, stubFactory } from './stub-client';
import { group, targetsServer } from './targets-server';

describe('TelegramDriver.connect', () => {
  it('opens the stored StringSession with a low flood-sleep threshold and checks the login', async () => {
    const { session, factory, client } = await connectSession(targetsServer());
    assert.equal(session.accountId, 'acc-1');
    const params = factory.clients[0]!.params!;
    assert.equal(params.apiId, credentials.apiId);
    assert.equal(params.session.dcId, 2);
    assert.ok(params.floodSleepThreshold <= 5, 'long flood waits must reach AutoHub pacing');
    assert.deepEqual(client.requests.map((r) => r.className), ['users.GetUsers']);
    assert.equal(client.handlers.length, 1, 'the session listens for updates');
  });

  it('reports an account without a session as auth_revoked without building a client', async () => {
    const factory = stubFactory(unexpected);
    const driver = new TelegramDriver({ ...credentials, peerCache: new InMemoryPeerCache(), clientFactory: factory });
    await assert.rejects(driver.connect({ id: 'a', platform: 'telegram', phone: null, sessionSecret: null }), (err) => isPlatformError(err, 'auth_revoked'));
    await assert.rejects(driver.connect({ id: 'a', platform: 'telegram', phone: null, sessionSecret: 'garbage' }), (err) => isPlatformError(err, 'auth_revoked'));
    assert.equal(factory.clients.length, 0);
  });

  it('reports a logged-out session as auth_revoked and closes its client', async () => {
    const factory = stubFactory((request) => {
      throw rpcError('AUTH_KEY_UNREGISTERED', request, 401);
    });
    const driver = new TelegramDriver({ ...credentials, peerCache: new InMemoryPeerCache(), clientFactory: factory });
    await assert.rejects(driver.connect({ id: 'a', platform: 'telegram', phone: null, sessionSecret: await storedSession() }), (err) => isPlatformError(err, 'auth_revoked'));
    assert.equal(factory.clients[0]!.destroyed, true);
  });

  it('reports an unreachable Telegram as transient', async () => {
    const factory = stubFactory(unexpected);
    const driver = new TelegramDriver({
      ...credentials,
      peerCache: new InMemoryPeerCache(),
      clientFactory: (params) => {
        const client = factory(params);
        client.connectResults = [false];
        return client;
      },
    });
    await assert.rejects(driver.connect({ id: 'a', platform: 'telegram', phone: null, sessionSecret: await storedSession() }), (err) => isPlatformError(err, 'transient'));
  });

  it('reports missing credentials as invalid', async () => {
    const driver = new TelegramDriver({ apiId: 1, apiHash: undefined, peerCache: new InMemoryPeerCache(), clientFactory: stubFactory(unexpected) });
    await assert.rejects(driver.connect({ id: 'a', platform: 'telegram', phone: null, sessionSecret: await storedSession() }), (err) => isPlatformError(err, 'invalid') && err.message.includes('apiHash'));
  });
});

describe('TelegramSession.resolveTarget', () => {
  it('resolves a username once, then answers from the peer cache without ResolveUsername', async () => {
    const { session, client, cache } = await connectSession(targetsServer());

    const first = await session.resolveTarget('@SomeGroup');
    assert.deepEqual(first, { key: '@SomeGroup', id: '-1001234567890', type: 'group', title: 'Some Group', username: 'SomeGroup', members: 240, writable: true });
    assert.equal(client.sent(Api.contacts.ResolveUsername).length, 1);
    assert.equal((await cache.get('acc-1', '-1001234567890'))?.accessHash, group.accessHash!.toString());

    const second = await session.resolveTarget('t.me/somegroup');
    assert.deepEqual(second, first);
    assert.equal(client.sent(Api.contacts.ResolveUsername).length, 1, 'no second username look-up');
    assert.equal(client.sent(Api.channels.GetChannels).length, 1);
  });

  it('reuses peers cached by an earlier process, even by numeric id', async () => {
    const cache = new InMemoryPeerCache();
    await (await connectSession(targetsServer(), { peerCache: cache })).session.resolveTarget('@SomeGroup');

    const { session, client } = await connectSession(targetsServer(), { peerCache: cache });
    assert.equal((await session.resolveTarget('-1001234567890')).title, 'Some Group');
    assert.equal((await session.resolveTarget('@somegroup')).id, '-1001234567890');
    assert.equal(client.sent(Api.contacts.ResolveUsername).length, 0);
  });

  it('marks a broadcast channel the account does not administer as not writable', async () => {
    const { session } = await connectSession(targetsServer());
    const target = await session.resolveTarget('@newsroom');
    assert.equal(target.type, 'channel');
    assert.equal(target.writable, false);
  });

  it('reports unknown usernames and never-seen ids as not_found, malformed keys as invalid', async () => {
    const { session } = await connectSession(targetsServer());
    await assert.rejects(session.resolveTarget('@nobody_here'), (err) => isPlatformError(err, 'not_found') && err.message.includes('USERNAME_NOT_OCCUPIED'));
    await assert.rejects(session.resolveTarget('-1009999999'), (err) => isPlatformError(err, 'not_found'));
    await assert.rejects(session.resolveTarget('not a key!'), (err) => isPlatformError(err, 'invalid'));
  });
});

describe('TelegramSession.sendMessage', () => {
  it('sends with the randomId derived from the client message id and reports the new message id', async () => {
    const server = targetsServer();
    const { session, client } = await connectSession(server);

    const sent = await session.sendMessage({ targetKey: '@SomeGroup', text: 'Hello group', clientMessageId: 'run-1:@SomeGroup', replyTo: 7 });

    assert.deepEqual(sent, { messageId: '100', sentAt: new Date(1_700_000_600_000), deduplicated: false });
    const [request] = client.sent(Api.messages.SendMessage);
    assert.ok(request!.randomId!.equals(randomIdFor('run-1:@SomeGroup')));
    assert.ok(request!.peer instanceof Api.InputPeerChannel);
    assert.ok(request!.replyTo instanceof Api.InputReplyToMessage && request!.replyTo.replyToMsgId === 7);
  });

  it('treats a retried send that Telegram rejects as RANDOM_ID_DUPLICATE as already sent', async () => {
    const server = targetsServer();
    const { session, client } = await connectSession(server);
    const message = { targetKey: '@SomeGroup', text: 'Hello group', clientMessageId: 'run-1:@SomeGroup' };

    const first = await session.sendMessage(message);
    const retry = await session.sendMessage(message);

    assert.equal(first.deduplicated, false);
    assert.deepEqual(retry, { messageId: first.messageId, sentAt: first.sentAt, deduplicated: true });
    assert.equal(server.randomIds.length, 1, 'Telegram accepted the message once');
    assert.equal(client.sent(Api.messages.SendMessage).length, 2);
  });

  it('reads the message id of a private send from the short answer', async () => {
    const { session } = await connectSession(targetsServer());
    const sent = await session.sendMessage({ targetKey: '@bobby', text: 'hi', clientMessageId: 'c-1' });
    assert.deepEqual(sent, { messageId: '100', sentAt: new Date(1_700_000_500_000), deduplicated: false });
  });

  for (const [name, error, kind] of [
    ['CHAT_WRITE_FORBIDDEN', (r: Api.AnyRequest) => rpcError('CHAT_WRITE_FORBIDDEN', r, 403), 'forbidden'],
    ['a FloodWaitError', (r: Api.AnyRequest) => new errors.FloodWaitError({ capture: 30, request: r }), 'rate_limited'],
    ['a SlowModeWaitError', (r: Api.AnyRequest) => new errors.SlowModeWaitError({ capture: 10, request: r }), 'rate_limited'],
    ['PEER_FLOOD', (r: Api.AnyRequest) => rpcError('PEER_FLOOD', r), 'restricted'],
    ['USER_BANNED_IN_CHANNEL', (r: Api.AnyRequest) => rpcError('USER_BANNED_IN_CHANNEL', r), 'forbidden'],
    ['MESSAGE_TOO_LONG', (r: Api.AnyRequest) => rpcError('MESSAGE_TOO_LONG', r), 'invalid'],
  ] as const) {
    it(`fails a send refused with ${name} as ${kind}`, async () => {
      const server = targetsServer();
      const { session } = await connectSession((request) => {
        if (request instanceof Api.messages.SendMessage) throw error(request);
        return server(request);
      });
      await assert.rejects(session.sendMessage({ targetKey: '@SomeGroup', text: 'x', clientMessageId: 'c' }), (err) => isPlatformError(err, kind));
    });
  }

  it('carries the flood wait in retryAfterSeconds', async () => {
    const server = targetsServer();
    const { session } = await connectSession((request) => {
      if (request instanceof Api.messages.SendMessage) throw new errors.FloodWaitError({ capture: 30, request });
      return server(request);
    });
    await assert.rejects(session.sendMessage({ targetKey: '@SomeGroup', text: 'x', clientMessageId: 'c' }), (err) => isPlatformError(err) && err.retryAfterSeconds === 30);
  });

  it('fails as transient when Telegram does not answer in time', async () => {
    const server = targetsServer();
    const { session } = await connectSession(
      (request) => (request instanceof Api.messages.SendMessage ? new Promise(() => undefined) : server(request)),
      { requestTimeoutMs: 30 },
    );
    await assert.rejects(session.sendMessage({ targetKey: '@SomeGroup', text: 'x', clientMessageId: 'c' }), (err) => isPlatformError(err, 'transient') && err.message.includes('TIMEOUT'));
  });

  it('uses only cached peers after a restart: no username look-up before sending', async () => {
    const cache = new InMemoryPeerCache();
    await (await connectSession(targetsServer(), { peerCache: cache })).session.resolveTarget('@SomeGroup');
    const { session, client } = await connectSession(targetsServer(), { peerCache: cache });
    await session.sendMessage({ targetKey: '@somegroup', text: 'again', clientMessageId: 'c-2' });
    assert.deepEqual(client.requests.map((r) => r.className), ['users.GetUsers', 'messages.SendMessage']);
  });
});
