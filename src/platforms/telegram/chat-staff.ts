/**
 * A Telegram group's staff for anti-spam (see platforms/chat-staff): a supergroup's admins
 * (`channels.getParticipants` with the admins filter) and linked channel (`channels.getFullChannel`
 * → `linked_chat_id`); a basic group's admins and creator (`messages.getFullChat`).
 */
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers';
import type { ChatStaff } from '../chat-staff';

/** Most admins listed per supergroup: Telegram caps a group's admins at 50. */
const ADMINS_LISTED = 200;

/** Invokes a request on the account's client, errors mapped. */
export type Invoke = <R extends Api.AnyRequest>(request: R) => Promise<R['__response']>;

/** The user id of a participant entry: admins and creators name one; banned and left entries name a peer. */
const userIdOf = (p: object): string[] => ('userId' in p && p.userId !== undefined ? [String(p.userId)] : []);

/** The staff of the group `peer` names; no one for a private chat or a broadcast channel's peer it cannot read. */
export async function loadTelegramStaff(invoke: Invoke, peer: Api.TypeInputPeer): Promise<ChatStaff> {
  if (peer instanceof Api.InputPeerChannel) {
    const channel = new Api.InputChannel({ channelId: peer.channelId, accessHash: peer.accessHash });
    const [participants, full] = await Promise.all([
      invoke(new Api.channels.GetParticipants({ channel, filter: new Api.ChannelParticipantsAdmins(), offset: 0, limit: ADMINS_LISTED, hash: returnBigInt(0) })),
      invoke(new Api.channels.GetFullChannel({ channel })),
    ]);
    const admins = participants instanceof Api.channels.ChannelParticipants ? participants.participants.flatMap(userIdOf) : [];
    const linked = full.fullChat instanceof Api.ChannelFull ? full.fullChat.linkedChatId : undefined;
    return { adminIds: new Set(admins), linkedChannelId: linked === undefined ? null : `-100${linked.toString()}` };
  }
  if (peer instanceof Api.InputPeerChat) {
    const full = await invoke(new Api.messages.GetFullChat({ chatId: peer.chatId }));
    const participants = full.fullChat instanceof Api.ChatFull ? full.fullChat.participants : undefined;
    const staff =
      participants instanceof Api.ChatParticipants
        ? participants.participants.filter((p) => p instanceof Api.ChatParticipantAdmin || p instanceof Api.ChatParticipantCreator).flatMap(userIdOf)
        : [];
    return { adminIds: new Set(staff), linkedChannelId: null };
  }
  return { adminIds: new Set(), linkedChannelId: null };
}
