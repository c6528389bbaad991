/**
 * Translation of raw Telegram updates and messages into the port's {@link InboundEvent}s.
 *
 * GramJS has no chat-action event: joins and leaves arrive as `MessageService` messages whose
 * action says what happened, so messages and member events come out of the same translation.
 * Catch-up after a reconnect feeds history messages through it too.
 */
import { Api } from 'telegram';
import type { InboundEvent, InboundMessageTraits } from '../../domain/platform-port';
import { personName, markedIdOfPeer, titleOf, type EntityMap, type Long } from './entities';
import { publicUsername, type PeerEntity } from './peer-cache';

/** What translation needs beyond the update itself. */
export interface TranslateContext {
  accountId: string;
  /** Users and chats that came with the update, by marked id. */
  entities: EntityMap;
  /** The key to report for a chat; the session may consult its peer cache for a username. */
  chatKey(markedId: string, entity: PeerEntity | undefined): Promise<string>;
}

/** The events one message produced, with the chat and message they came from. */
export interface TranslatedMessage {
  /** Marked id of the chat. */
  chatId: string;
  messageId: number;
  events: InboundEvent[];
}

type Person = { id: string; username: string | null; name: string | null };

/** The incoming message an update carries, if any; short updates are expanded into full messages. */
export function messageOfUpdate(update: unknown): Api.TypeMessage | undefined {
  if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage) {
    return update.message;
  }
  // Private and basic-group messages may come in short form, without a message object.
  if (update instanceof Api.UpdateShortMessage) {
    const user = new Api.PeerUser({ userId: update.userId });
    return new Api.Message({ id: update.id, peerId: user, fromId: user, message: update.message, date: update.date, out: update.out });
  }
  if (update instanceof Api.UpdateShortChatMessage) {
    return new Api.Message({
      id: update.id,
      peerId: new Api.PeerChat({ chatId: update.chatId }),
      fromId: new Api.PeerUser({ userId: update.fromId }),
      message: update.message,
      date: update.date,
      out: update.out,
    });
  }
  return undefined;
}

/**
 * The inbound events of one message: a `message` event for text from someone else, `join` /
 * `leave` events for member service messages, none for our own messages and other services.
 */
export async function translateMessage(message: Api.TypeMessage, ctx: TranslateContext): Promise<TranslatedMessage | null> {
  if (!(message instanceof Api.Message || message instanceof Api.MessageService)) return null;
  if (message.out || !message.peerId) return null;
  const chatId = markedIdOfPeer(message.peerId);
  const date = new Date(message.date * 1000);
  const base = { chatId, messageId: message.id };

  if (message instanceof Api.Message) {
    // Private messages and channel posts carry no sender: the peer itself is the author.
    const author = person(message.fromId ?? message.peerId, ctx.entities);
    const chatKey = await ctx.chatKey(chatId, ctx.entities.get(chatId));
    const event: InboundEvent = {
      type: 'message',
      accountId: ctx.accountId,
      chatKey,
      messageId: message.id,
      from: author,
      text: message.message ?? '',
      date,
      ...messageTraits(message),
    };
    return { ...base, events: [event] };
  }

  const members = memberChange(message);
  if (!members) return null;
  const chatKey = await ctx.chatKey(chatId, ctx.entities.get(chatId));
  const events = members.userIds.map(
    (userId): InboundEvent => ({
      type: members.type,
      accountId: ctx.accountId,
      chatKey,
      user: person(new Api.PeerUser({ userId }), ctx.entities),
      date,
    }),
  );
  return { ...base, events };
}

/**
 * What anti-spam needs beyond the text: who posted (a group posting as itself is an anonymous
 * admin; another channel is a channel posting in the group), whether it is a forward, and the
 * links hidden behind words. Whether the sender is an admin, or the group's linked channel, the
 * update does not say; both are left out (see InboundMessageTraits).
 */
function messageTraits(message: Api.Message): InboundMessageTraits {
  const traits: InboundMessageTraits = {};
  const { fromId, peerId } = message;
  if (fromId instanceof Api.PeerChannel) {
    const self = peerId instanceof Api.PeerChannel && peerId.channelId.equals(fromId.channelId);
    traits.fromKind = self ? 'chat' : 'channel';
  } else if (fromId instanceof Api.PeerChat) {
    traits.fromKind = 'chat';
  }
  if (message.fwdFrom) traits.forwarded = true;
  const hidden = (message.entities ?? []).filter((e): e is Api.MessageEntityTextUrl => e instanceof Api.MessageEntityTextUrl).map((e) => e.url);
  if (hidden.length > 0) traits.hiddenUrls = hidden;
  return traits;
}

/** Who joined or left, per the service message's action. */
function memberChange(message: Api.MessageService): { type: 'join' | 'leave'; userIds: Long[] } | null {
  const { action } = message;
  const sender = message.fromId instanceof Api.PeerUser ? [message.fromId.userId] : [];
  if (action instanceof Api.MessageActionChatAddUser) {
    return { type: 'join', userIds: action.users };
  }
  if (action instanceof Api.MessageActionChatJoinedByLink || action instanceof Api.MessageActionChatJoinedByRequest) {
    return sender.length > 0 ? { type: 'join', userIds: sender } : null;
  }
  if (action instanceof Api.MessageActionChatDeleteUser) {
    return { type: 'leave', userIds: [action.userId] };
  }
  return null;
}

function person(peer: Api.TypePeer, entities: EntityMap): Person {
  const id = markedIdOfPeer(peer);
  const entity = entities.get(id);
  if (!entity) return { id, username: null, name: null };
  const name = entity instanceof Api.User ? personName(entity) : titleOf(entity);
  return { id, username: publicUsername(entity), name };
}
