import assert from 'node:assert/strict';
import { Api } from 'telegram';
import { isModerationUnsupported, isPlatformError } from '../../../../src/domain/platform-port';
import { MUTE_SAFETY_SECONDS } from '../../../../src/domain/mute-duration';
import { cachedPeersFor, InMemoryPeerCache } from '../../../../src/platforms/telegram/peer-cache';
import { basicGroup, big, channel, user } from './fixtures';
import { connectSession, unexpected } from './session-harness';
import { rpcError, type Responder } from './stub-client';

const supergroup = channel(1234567890, 'Moderated Group', { username: 'modgroup', megagroup: true });
const smallGroup = basicGroup(4455, 'Family');
const spammer = user(777, { username: 'spammer', firstName: 'Spam' });

const noUpdates = () => new Api.Updates({ updates: [], users: [], chats: [], date: 1_700_000_000, seq: 0 });
const affected = () => new Api.messages.AffectedMessages({ pts: 10, ptsCount: 1 });

/** A session whose peer cache knows the groups and the spammer, answering moderation with `respond`. */
async function moderatingSession(respond: Responder) {
  const peerCache = new InMemoryPeerCache();
  await peerCache.put('acc-1', [supergroup, smallGroup, spammer].flatMap(cachedPeersFor));
  return connectSession(respond, { peerCache });
}

/** Answers every moderation request as Telegram does when the account is an admin. */
const adminTelegram: Responder = (request) => {
  if (request instanceof Api.channels.EditBanned || request instanceof Api.messages.DeleteChatUser) return noUpdates();
  if (request instanceof Api.channels.DeleteMessages || request instanceof Api.messages.DeleteMessages) return affected();
  return unexpected(request);
};

/** The rights that matter, an unset flag (sent as "not restricted") read as false. */
const rightsFields = (rights: Api.TypeChatBannedRights) => {
  const r = rights as Api.ChatBannedRights;
  const flag = (value: boolean | undefined) => value === true;
  return {
    untilDate: r.untilDate,
    viewMessages: flag(r.viewMessages),
    sendMessages: flag(r.sendMessages),
    sendMedia: flag(r.sendMedia),
    sendPlain: flag(r.sendPlain),
    sendPhotos: flag(r.sendPhotos),
    sendDocs: flag(r.sendDocs),
  };
};

describe('TelegramSession.deleteMessage', () => {
  it('deletes in a supergroup with channels.DeleteMessages on the channel', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    await session.deleteMessage({ chatKey: '@ModGroup', messageId: 321 });
    const [request] = client.sent(Api.channels.DeleteMessages);
    assert.ok(request, 'channels.DeleteMessages was sent');
    assert.deepEqual(request.id, [321]);
    assert.ok(request.channel instanceof Api.InputChannel);
    assert.equal(request.channel.channelId.toString(), '1234567890');
    assert.equal(request.channel.accessHash.toString(), supergroup.accessHash!.toString());
  });

  it('deletes for everyone in a basic group with messages.DeleteMessages and revoke, taking the id a send answered', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    await session.deleteMessage({ chatKey: '-4455', messageId: '88' });
    const [request] = client.sent(Api.messages.DeleteMessages);
    assert.ok(request, 'messages.DeleteMessages was sent');
    assert.deepEqual(request.id, [88]);
    assert.equal(request.revoke, true);
    assert.equal(client.sent(Api.channels.DeleteMessages).length, 0);
  });

  it('answers forbidden when the account may not delete (MESSAGE_DELETE_FORBIDDEN)', async () => {
    const { session } = await moderatingSession((request) => {
      throw rpcError('MESSAGE_DELETE_FORBIDDEN', request, 403);
    });
    await assert.rejects(session.deleteMessage({ chatKey: '@modgroup', messageId: 5 }), (err) => isPlatformError(err, 'forbidden') && err.message.startsWith('MESSAGE_DELETE_FORBIDDEN'));
  });

  it('refuses an id that is no Telegram message id as invalid without asking Telegram', async () => {
    const { session, client } = await moderatingSession(unexpected);
    await assert.rejects(session.deleteMessage({ chatKey: '@modgroup', messageId: '3EB0ABC' }), (err) => isPlatformError(err, 'invalid'));
    assert.deepEqual(client.requests.map((r) => r.className), ['users.GetUsers']);
  });
});

describe('TelegramSession.restrictMember', () => {
  it('mutes with channels.EditBanned: every sending right taken away until the given end', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    const until = new Date(Date.now() + 3_600_000);
    const applied = await session.restrictMember({ chatKey: '@modgroup', userId: '777', until });

    const [request] = client.sent(Api.channels.EditBanned);
    assert.ok(request, 'channels.EditBanned was sent');
    assert.ok(request.participant instanceof Api.InputPeerUser);
    assert.equal(request.participant.userId.toString(), '777');
    assert.ok(request.bannedRights instanceof Api.ChatBannedRights);
    const expected = Math.ceil(until.getTime() / 1000);
    assert.deepEqual(rightsFields(request.bannedRights), {
      untilDate: expected, viewMessages: false, sendMessages: true, sendMedia: true, sendPlain: true, sendPhotos: true, sendDocs: true,
    });
    assert.deepEqual(applied, { until: new Date(expected * 1000) });
  });

  it('lengthens a 5-second mute past Telegram\'s 30-second minimum, which would otherwise mute for good', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    const before = Math.floor(Date.now() / 1000);
    const applied = await session.restrictMember({ chatKey: '@modgroup', userId: '@spammer', until: new Date(Date.now() + 5_000) });
    const untilDate = (client.sent(Api.channels.EditBanned)[0]!.bannedRights as Api.ChatBannedRights).untilDate;
    assert.ok(untilDate >= before + 30 + MUTE_SAFETY_SECONDS, `untilDate ${untilDate} is at least 30 s away`);
    assert.ok(untilDate <= before + 30 + MUTE_SAFETY_SECONDS + 5, `untilDate ${untilDate} is not much more`);
    assert.equal(applied.until?.getTime(), untilDate * 1000);
  });

  it('shortens a two-year mute to under 366 days', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    const before = Date.now() / 1000;
    await session.restrictMember({ chatKey: '@modgroup', userId: '777', until: new Date(Date.now() + 2 * 365 * 86_400_000) });
    const untilDate = (client.sent(Api.channels.EditBanned)[0]!.bannedRights as Api.ChatBannedRights).untilDate;
    assert.ok(untilDate - before < 366 * 86_400, 'inside Telegram\'s range');
    assert.ok(untilDate - before > 365 * 86_400, 'still nearly the maximum');
  });

  it('mutes until lifted with untilDate 0', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    assert.deepEqual(await session.restrictMember({ chatKey: '@modgroup', userId: '777', until: null }), { until: null });
    assert.equal((client.sent(Api.channels.EditBanned)[0]!.bannedRights as Api.ChatBannedRights).untilDate, 0);
  });

  for (const code of ['CHAT_ADMIN_REQUIRED', 'USER_ADMIN_INVALID', 'RIGHT_FORBIDDEN']) {
    it(`answers forbidden when Telegram says ${code} (not an admin)`, async () => {
      const { session } = await moderatingSession((request) => {
        throw rpcError(code, request, 400);
      });
      await assert.rejects(
        session.restrictMember({ chatKey: '@modgroup', userId: '777', until: null }),
        (err) => isPlatformError(err, 'forbidden') && err.message.startsWith(code),
      );
    });
  }

  it('answers rate_limited with the wait of a FloodWait', async () => {
    const { session } = await moderatingSession((request) => {
      throw rpcError('FLOOD_WAIT_120', request, 420);
    });
    await assert.rejects(
      session.restrictMember({ chatKey: '@modgroup', userId: '777', until: null }),
      (err) => isPlatformError(err, 'rate_limited') && err.retryAfterSeconds === 120,
    );
  });

  it('refuses a mute in a basic group as unsupported, without asking Telegram', async () => {
    const { session, client } = await moderatingSession(unexpected);
    await assert.rejects(session.restrictMember({ chatKey: '-4455', userId: '777', until: null }), (err) => isModerationUnsupported(err) && err.message.includes('basic group'));
    assert.deepEqual(client.requests.map((r) => r.className), ['users.GetUsers']);
  });

  it('refuses a mute in a private chat as invalid', async () => {
    const { session } = await moderatingSession(unexpected);
    await assert.rejects(session.restrictMember({ chatKey: '@spammer', userId: '777', until: null }), (err) => isPlatformError(err, 'invalid'));
  });
});

describe('TelegramSession.unrestrictMember', () => {
  it('lifts a mute with empty rights', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    await session.unrestrictMember({ chatKey: '@modgroup', userId: '777' });
    const [request] = client.sent(Api.channels.EditBanned);
    assert.ok(request);
    assert.deepEqual(rightsFields(request.bannedRights), {
      untilDate: 0, viewMessages: false, sendMessages: false, sendMedia: false, sendPlain: false, sendPhotos: false, sendDocs: false,
    });
  });

  it('has nothing to lift in a basic group', async () => {
    const { session, client } = await moderatingSession(unexpected);
    await session.unrestrictMember({ chatKey: '-4455', userId: '777' });
    assert.deepEqual(client.requests.map((r) => r.className), ['users.GetUsers']);
  });
});

describe('TelegramSession.banMember', () => {
  it('bans from a supergroup by taking viewMessages away for good', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    await session.banMember({ chatKey: '-1001234567890', userId: '777' });
    const [request] = client.sent(Api.channels.EditBanned);
    assert.ok(request);
    assert.equal((request.channel as Api.InputChannel).channelId.toString(), '1234567890');
    assert.deepEqual(rightsFields(request.bannedRights), {
      untilDate: 0, viewMessages: true, sendMessages: false, sendMedia: false, sendPlain: false, sendPhotos: false, sendDocs: false,
    });
  });

  it('removes from a basic group with messages.DeleteChatUser, keeping the history', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    await session.banMember({ chatKey: '-4455', userId: '777' });
    const [request] = client.sent(Api.messages.DeleteChatUser);
    assert.ok(request, 'messages.DeleteChatUser was sent');
    assert.equal(request.chatId.toString(), '4455');
    assert.ok(request.userId instanceof Api.InputUser);
    assert.equal(request.userId.userId.toString(), '777');
    assert.equal(request.userId.accessHash.toString(), big(777_001).toString());
    assert.equal(request.revokeHistory, false);
  });

  it('counts a member who already left a basic group as removed', async () => {
    const { session } = await moderatingSession((request) => {
      throw rpcError('USER_NOT_PARTICIPANT', request, 400);
    });
    await session.banMember({ chatKey: '-4455', userId: '777' });
  });

  it('answers forbidden when the account is not an admin of the basic group', async () => {
    const { session } = await moderatingSession((request) => {
      throw rpcError('CHAT_ADMIN_REQUIRED', request, 400);
    });
    await assert.rejects(session.banMember({ chatKey: '-4455', userId: '777' }), (err) => isPlatformError(err, 'forbidden'));
  });

  it('answers not_found for a member the account has never seen', async () => {
    const { session } = await moderatingSession(unexpected);
    await assert.rejects(session.banMember({ chatKey: '@modgroup', userId: '999999' }), (err) => isPlatformError(err, 'not_found'));
  });
});

describe('TelegramSession.unbanMember', () => {
  it('takes the member off the ban list with empty rights', async () => {
    const { session, client } = await moderatingSession(adminTelegram);
    await session.unbanMember({ chatKey: '@modgroup', userId: '777' });
    const [request] = client.sent(Api.channels.EditBanned);
    assert.ok(request);
    assert.deepEqual(rightsFields(request.bannedRights), {
      untilDate: 0, viewMessages: false, sendMessages: false, sendMedia: false, sendPlain: false, sendPhotos: false, sendDocs: false,
    });
  });

  it('has no ban list to change in a basic group', async () => {
    const { session, client } = await moderatingSession(unexpected);
    await session.unbanMember({ chatKey: '-4455', userId: '777' });
    assert.deepEqual(client.requests.map((r) => r.className), ['users.GetUsers']);
  });
});
