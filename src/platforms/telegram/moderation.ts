/**
 * The Telegram requests behind the port's moderation actions, and the rights they carry.
 *
 * Supergroups and channels are moderated with `channels.*` requests and `ChatBannedRights`
 * (a mute is a restriction with an `untilDate`; a ban also takes away `viewMessages`, which removes
 * the member and keeps them out). Basic groups (`-<id>` keys) have neither mutes nor a ban list:
 * the only thing Telegram offers there is removing a member (`messages.deleteChatUser`).
 */
import { Api } from 'telegram';
import { MODERATION_UNSUPPORTED, PlatformError } from '../../domain/platform-port';

/** The chat a moderation action is for, as Telegram addresses it. */
export type ModeratedChat =
  | { kind: 'channel'; channel: Api.InputChannel }
  | { kind: 'basic_group'; chatId: Api.InputPeerChat['chatId'] }
  | { kind: 'private' };

/** Which of the three a chat's input peer is. */
export function moderatedChatOf(peer: Api.TypeInputPeer): ModeratedChat {
  if (peer instanceof Api.InputPeerChannel) {
    return { kind: 'channel', channel: new Api.InputChannel({ channelId: peer.channelId, accessHash: peer.accessHash }) };
  }
  if (peer instanceof Api.InputPeerChat) return { kind: 'basic_group', chatId: peer.chatId };
  return { kind: 'private' };
}

/**
 * The request that deletes message `id` for everyone: `channels.deleteMessages` in supergroups and
 * channels, `messages.deleteMessages` with `revoke` elsewhere (message ids there are per account).
 */
export function deleteMessagesRequest(chat: ModeratedChat, id: number): Api.channels.DeleteMessages | Api.messages.DeleteMessages {
  if (chat.kind === 'channel') return new Api.channels.DeleteMessages({ channel: chat.channel, id: [id] });
  return new Api.messages.DeleteMessages({ id: [id], revoke: true });
}

/** A Telegram message id from the port's `messageId` (a number, or the string a send answered). */
export function telegramMessageId(messageId: number | string): number {
  const id = typeof messageId === 'number' ? messageId : /^\d+$/.test(messageId) ? Number(messageId) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2 ** 31 - 1) {
    throw new PlatformError('invalid', `MESSAGE_ID_INVALID: ${JSON.stringify(messageId)} is not a Telegram message id`);
  }
  return id;
}

/** Rights of a muted member: reading stays, every kind of sending is taken away until `untilDate` (unix seconds). */
export function mutedRights(untilDate: number): Api.ChatBannedRights {
  return new Api.ChatBannedRights({
    untilDate,
    sendMessages: true,
    sendMedia: true,
    sendStickers: true,
    sendGifs: true,
    sendGames: true,
    sendInline: true,
    embedLinks: true,
    sendPolls: true,
    sendPhotos: true,
    sendVideos: true,
    sendRoundvideos: true,
    sendAudios: true,
    sendVoices: true,
    sendDocs: true,
    sendPlain: true,
  });
}

/** Rights of a banned member: not even reading, for good (`untilDate` 0); Telegram removes them too. */
export function bannedRights(): Api.ChatBannedRights {
  return new Api.ChatBannedRights({ untilDate: 0, viewMessages: true });
}

/** No restriction at all: lifts a mute or a ban. */
export function liftedRights(): Api.ChatBannedRights {
  return new Api.ChatBannedRights({ untilDate: 0 });
}

/** The refusal of a mute in a basic group, which Telegram cannot mute members of. */
export function basicGroupMuteUnsupported(chatKey: string): PlatformError {
  return new PlatformError(
    'invalid',
    `${MODERATION_UNSUPPORTED} in Telegram basic groups: ${chatKey} cannot mute a member (upgrade it to a supergroup to mute)`,
  );
}

/** The refusal of a member action in a private chat, which has no members to moderate. */
export function privateChatUnsupported(chatKey: string, action: string): PlatformError {
  return new PlatformError('invalid', `${MODERATION_UNSUPPORTED} in private chats: cannot ${action} in ${chatKey}, which is not a group or channel`);
}

/** The input user `messages.deleteChatUser` takes, from a member's input peer. */
export function inputUserOf(peer: Api.TypeInputPeer, userId: string): Api.TypeInputUser {
  if (peer instanceof Api.InputPeerUser) return new Api.InputUser({ userId: peer.userId, accessHash: peer.accessHash });
  if (peer instanceof Api.InputPeerSelf) return new Api.InputUserSelf();
  throw new PlatformError('invalid', `PARTICIPANT_ID_INVALID: ${userId} is not a user; only users are members of a basic group`);
}
