/**
 * Pure readings of Telegram message results: search hits as {@link MessageInfo}, and the id and
 * date (and, for media, the stored photo or document) of a message we sent from the updates a
 * send answers with.
 */
import { Api } from 'telegram';
import type { MessageInfo } from '../../domain/platform-port';
import { chatKeyOf, indexEntities, markedIdOfPeer, personName, titleOf, type EntityMap, type Long } from './entities';
import { publicUsername } from './peer-cache';
import { markedId } from '../../domain/telegram-target-keys';

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
 * The id and date of the message a `messages.sendMessage` or `messages.sendMedia` call created.
 * Private and basic-group text sends answer with a short update; others with an `Updates` whose
 * `UpdateMessageID` links our random id to the new message id.
 */
export function sentMessageOf(updates: Api.TypeUpdates, randomId: Long): { id: number; date: Date } | null {
  if (updates instanceof Api.UpdateShortSentMessage) return { id: updates.id, date: new Date(updates.date * 1000) };
  if (!(updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined)) return null;
  const { linked, message } = createdMessageOf(updates, randomId);
  if (message) return { id: message.id, date: new Date(message.date * 1000) };
  return linked ? { id: linked.id, date: new Date(updates.date * 1000) } : null;
}

/** A photo or document Telegram keeps, as input that sends it again without an upload. */
export type StoredMedia = Api.InputPhoto | Api.InputDocument;

/**
 * The photo or document of the message a `messages.sendMedia` call created, ready to be sent
 * again; null when the answer does not carry it.
 */
export function sentMediaOf(updates: Api.TypeUpdates, randomId: Long): StoredMedia | null {
  if (updates instanceof Api.UpdateShortSentMessage) return storedMediaOf(updates.media);
  if (!(updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined)) return null;
  return storedMediaOf(createdMessageOf(updates, randomId).message?.media);
}

/**
 * The message our send created among an answer's updates: the one `UpdateMessageID` names for our
 * random id, or the only new message when Telegram left that link out.
 */
function createdMessageOf(
  updates: Api.Updates | Api.UpdatesCombined,
  randomId: Long,
): { linked: Api.UpdateMessageID | undefined; message: Api.Message | undefined } {
  const linked = updates.updates.find(
    (u): u is Api.UpdateMessageID => u instanceof Api.UpdateMessageID && u.randomId?.equals(randomId) === true,
  );
  const created = updates.updates
    .map((u) => (u instanceof Api.UpdateNewMessage || u instanceof Api.UpdateNewChannelMessage ? u.message : undefined))
    .filter((m): m is Api.Message => m instanceof Api.Message);
  return { linked, message: linked ? created.find((m) => m.id === linked.id) : created[0] };
}

function storedMediaOf(media: Api.TypeMessageMedia | undefined): StoredMedia | null {
  if (media instanceof Api.MessageMediaPhoto && media.photo instanceof Api.Photo) {
    const { id, accessHash, fileReference } = media.photo;
    return new Api.InputPhoto({ id, accessHash, fileReference });
  }
  if (media instanceof Api.MessageMediaDocument && media.document instanceof Api.Document) {
    const { id, accessHash, fileReference } = media.document;
    return new Api.InputDocument({ id, accessHash, fileReference });
  }
  return null;
}
