/**
 * Telegram's side of sending, for a stubbed client: username resolution, peer descriptions, text
 * and media sends with `random_id` de-duplication, stored photos and documents whose file
 * references can be made to expire, and the history of what was sent.
 */
import { Api } from 'telegram';
import type { Long } from '../../../../src/platforms/telegram/entities';
import { big, channel, message, peerChannel, peerUser, user } from './fixtures';
import { rpcError, type Responder } from './stub-client';
import { unexpected } from './session-harness';

export const group = channel(1234567890, 'Some Group', { username: 'SomeGroup', megagroup: true, participantsCount: 240 });
export const news = channel(2222, 'Newsroom', { username: 'newsroom', broadcast: true, participantsCount: 9000 });
export const bob = user(42, { username: 'bobby', firstName: 'Bob' });

/** A file Telegram stores: what a media message carries. */
export type StoredFile = Api.Photo | Api.Document;

export interface TargetsServer extends Responder {
  /** Random ids of the sends Telegram accepted, in order. */
  randomIds: string[];
  /** Files stored from uploads, in order. */
  files: StoredFile[];
  /** Makes every file reference handed out so far stale, as Telegram does after a while. */
  expireFileReferences(): void;
}

const SEND_DATE = 1_700_000_600;

/** A fresh Telegram that knows {@link group}, {@link news} and {@link bob}. */
export function targetsServer(): TargetsServer {
  const randomIds: string[] = [];
  const files: StoredFile[] = [];
  const history: Api.Message[] = [];
  let nextId = 100;
  let nextFileId = 700;
  let references = 0;
  const freshReference = () => Buffer.from(`file-reference-${++references}`);

  /** Records a send once per random id, as Telegram does, and returns the new message. */
  const accept = (request: Api.messages.SendMessage | Api.messages.SendMedia, media?: Api.TypeMessageMedia): Api.Message => {
    const randomId = request.randomId!.toString();
    if (randomIds.includes(randomId)) throw rpcError('RANDOM_ID_DUPLICATE', request, 500);
    randomIds.push(randomId);
    const sent = message(nextId++, peerOf(request.peer), request.message, { out: true, date: SEND_DATE, ...(media ? { media } : {}) });
    history.unshift(sent);
    return sent;
  };

  const upload = (input: Api.InputMediaUploadedPhoto | Api.InputMediaUploadedDocument): StoredFile => {
    const stored = { id: big(nextFileId++), accessHash: big(7007), fileReference: freshReference(), date: SEND_DATE, dcId: 2 };
    const file = input instanceof Api.InputMediaUploadedPhoto
      ? new Api.Photo({ ...stored, sizes: [] })
      : new Api.Document({ ...stored, mimeType: input.mimeType, size: big(1024), attributes: input.attributes });
    files.push(file);
    return file;
  };

  const reuse = (input: Api.TypeInputMedia, request: Api.messages.SendMedia): StoredFile => {
    const wanted = input instanceof Api.InputMediaPhoto || input instanceof Api.InputMediaDocument ? input.id : undefined;
    if (!(wanted instanceof Api.InputPhoto || wanted instanceof Api.InputDocument)) throw rpcError('MEDIA_INVALID', request);
    const file = files.find((f) => (wanted instanceof Api.InputPhoto ? f instanceof Api.Photo : f instanceof Api.Document) && f.id.equals(wanted.id));
    if (!file) throw rpcError('MEDIA_EMPTY', request);
    if (!wanted.fileReference.equals(file.fileReference)) throw rpcError('FILE_REFERENCE_EXPIRED', request);
    return file;
  };

  const mediaFor = (request: Api.messages.SendMedia): Api.TypeMessageMedia => {
    const input = request.media;
    const uploaded = input instanceof Api.InputMediaUploadedPhoto || input instanceof Api.InputMediaUploadedDocument;
    const file = uploaded ? upload(input) : reuse(input, request);
    return file instanceof Api.Photo ? new Api.MessageMediaPhoto({ photo: file }) : new Api.MessageMediaDocument({ document: file });
  };

  const respond = (request: Api.AnyRequest): unknown => {
    if (request instanceof Api.contacts.ResolveUsername) {
      const found = [group, news, bob].find((e) => e.username?.toLowerCase() === request.username.toLowerCase());
      if (!found) throw rpcError('USERNAME_NOT_OCCUPIED', request);
      const peer = found instanceof Api.User ? peerUser(Number(found.id)) : peerChannel(Number(found.id));
      return new Api.contacts.ResolvedPeer({ peer, chats: found instanceof Api.Channel ? [found] : [], users: found instanceof Api.User ? [found] : [] });
    }
    if (request instanceof Api.channels.GetChannels) {
      const input = request.id[0];
      const found = [group, news].find((c) => input instanceof Api.InputChannel && c.id.equals(input.channelId) && c.accessHash!.equals(input.accessHash));
      if (!found) throw rpcError('CHANNEL_INVALID', request);
      return new Api.messages.Chats({ chats: [found] });
    }
    if (request instanceof Api.users.GetUsers) return [bob];
    if (request instanceof Api.messages.SendMessage) {
      const sent = accept(request);
      if (request.peer instanceof Api.InputPeerUser) {
        return new Api.UpdateShortSentMessage({ out: true, id: sent.id, pts: 1, ptsCount: 1, date: 1_700_000_500 });
      }
      return updatesFor(sent, request.randomId!);
    }
    if (request instanceof Api.messages.SendMedia) {
      return updatesFor(accept(request, mediaFor(request)), request.randomId!);
    }
    if (request instanceof Api.messages.GetHistory) {
      return new Api.messages.Messages({ messages: history.slice(0, request.limit), chats: [group], users: [bob] });
    }
    return unexpected(request);
  };
  const expireFileReferences = () => {
    for (const file of files) file.fileReference = freshReference();
  };
  return Object.assign(respond, { randomIds, files, expireFileReferences });
}

function peerOf(input: Api.TypeEntityLike): Api.TypePeer {
  if (input instanceof Api.InputPeerUser) return peerUser(Number(input.userId));
  if (input instanceof Api.InputPeerChannel) return peerChannel(Number(input.channelId));
  throw new Error('the targets server sends to users and channels only');
}

/** The answer to a send outside a private chat: the random id's link and the new message. */
function updatesFor(sent: Api.Message, randomId: Long): Api.Updates {
  const update = sent.peerId instanceof Api.PeerChannel
    ? new Api.UpdateNewChannelMessage({ message: sent, pts: 1, ptsCount: 1 })
    : new Api.UpdateNewMessage({ message: sent, pts: 1, ptsCount: 1 });
  return new Api.Updates({
    updates: [new Api.UpdateMessageID({ id: sent.id, randomId }), update],
    users: [bob],
    chats: [group],
    date: SEND_DATE,
    seq: 0,
  });
}
