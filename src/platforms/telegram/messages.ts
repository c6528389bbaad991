/**
 * Pure readings of Telegram message results: search hits as {@link MessageInfo}, and the id and
 * date of a message we sent from the updates `messages.sendMessage` answers with.
 */
import { Api } from 'telegram';
import type { MessageInfo } from '../types';
import { chatKeyOf, indexEntities, markedIdOfPeer, personName, titleOf, type EntityMap, type Long } from './entities';
import { publicUsername } from './peer-cache';
import { markedId } from './target-keys';

/** Messages and their users/chats from any `messages.Messages` flavour; none when "not modified". */
export function messagesOf(result: Api.messages.TypeMessages): { messages: Api.TypeMessage[]; entities: EntityMap } {
  if (result instanceof Api.messages.MessagesNotModified) return { messages: [], entities: new Map() };
  return { messages: result.messages, entities: indexEntities([...result.users, ...result.chats]) };
}

/** A search hit as the port reports it; service and empty messages give null. */
export function toMessageInfo(message: Api.TypeMessage, entities: EntityMap, selfId: string): MessageInfo | null {
  if (!(message instanceof Api.Message) || !message.peerId) return null;
  const chatId = markedIdOfPeer(message.peerId);
  const chat = entities.get(chatId);
  // Without from_id the author is the peer itself (a private chat or a channel post), or us.
  const fromId = message.fromId ? markedIdOfPeer(message.fromId) : message.out ? selfId : chatId;
  const author = entities.get(fromId);
  return {
    chatKey: chat ? chatKeyOf(chat) : chatId,
    chatId,
    chatTitle: chat ? titleOf(chat) : chatId,
    messageId: message.id,
    text: message.message ?? '',
    fromId,
    fromUsername: author ? publicUsername(author) : null,
    fromName: author ? (author instanceof Api.User ? personName(author) : titleOf(author)) : null,
    date: new Date(message.date * 1000),
  };
}

/** Marked id of the chat an input peer names; undefined for peers that name no single chat. */
export function markedIdOfInputPeer(peer: Api.TypeInputPeer): string | undefined {
  if (peer instanceof Api.InputPeerUser) return markedId('user', peer.userId.toString());
  if (peer instanceof Api.InputPeerChat) return markedId('chat', peer.chatId.toString());
  if (peer instanceof Api.InputPeerChannel) return markedId('channel', peer.channelId.toString());
  return undefined;
}

/**
 * The id and date of the message a `messages.sendMessage` call created. Private and basic-group
 * sends answer with a short update; others with an `Updates` whose `UpdateMessageID` links our
 * random id to the new message id.
 */
export function sentMessageOf(updates: Api.TypeUpdates, randomId: Long): { id: number; date: Date } | null {
  if (updates instanceof Api.UpdateShortSentMessage) return { id: updates.id, date: new Date(updates.date * 1000) };
  if (!(updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined)) return null;
  const linked = updates.updates.find(
    (u): u is Api.UpdateMessageID => u instanceof Api.UpdateMessageID && u.randomId?.equals(randomId) === true,
  );
  const created = updates.updates
    .map((u) => (u instanceof Api.UpdateNewMessage || u instanceof Api.UpdateNewChannelMessage ? u.message : undefined))
    .filter((m): m is Api.Message => m instanceof Api.Message);
  const message = linked ? created.find((m) => m.id === linked.id) : created[0];
  if (message) return { id: message.id, date: new Date(message.date * 1000) };
  return linked ? { id: linked.id, date: new Date(updates.date * 1000) } : null;
}
