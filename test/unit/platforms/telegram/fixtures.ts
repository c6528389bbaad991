/**
 * Real GramJS entities for tests: users, basic groups and channels as Telegram describes them.
 */
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers';

export const big = returnBigInt;

export function user(
  id: number,
  fields: Partial<{ username: string; firstName: string; lastName: string; self: boolean; phone: string; photo: Api.TypeUserProfilePhoto }> = {},
): Api.User {
  return new Api.User({ id: big(id), accessHash: big(id * 1000 + 1), ...fields });
}

export function basicGroup(id: number, title: string, fields: Partial<{ participantsCount: number; left: boolean }> = {}): Api.Chat {
  return new Api.Chat({
    id: big(id),
    title,
    photo: new Api.ChatPhotoEmpty(),
    participantsCount: fields.participantsCount ?? 3,
    date: 1_700_000_000,
    version: 1,
    ...(fields.left === undefined ? {} : { left: fields.left }),
  });
}

export function channel(
  id: number,
  title: string,
  fields: Partial<{
    username: string;
    megagroup: boolean;
    broadcast: boolean;
    creator: boolean;
    left: boolean;
    participantsCount: number;
    adminRights: Api.ChatAdminRights;
    defaultBannedRights: Api.ChatBannedRights;
    min: boolean;
  }> = {},
): Api.Channel {
  return new Api.Channel({
    id: big(id),
    accessHash: big(-(id * 10 + 7)),
    title,
    photo: new Api.ChatPhotoEmpty(),
    date: 1_700_000_000,
    ...fields,
  });
}

/** A message as Telegram delivers it in updates and history. */
export function message(
  id: number,
  peer: Api.TypePeer,
  text: string,
  fields: Partial<{ fromId: Api.TypePeer; out: boolean; date: number; media: Api.TypeMessageMedia }> = {},
): Api.Message {
  return new Api.Message({ id, peerId: peer, message: text, date: fields.date ?? 1_700_000_000 + id, ...fields });
}

export const peerUser = (id: number) => new Api.PeerUser({ userId: big(id) });
export const peerChat = (id: number) => new Api.PeerChat({ chatId: big(id) });
export const peerChannel = (id: number) => new Api.PeerChannel({ channelId: big(id) });
