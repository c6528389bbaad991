/**
 * Pure readings of GramJS entities (users, groups, channels) as the platform port describes
 * chats: type, key, title, members and whether the account may post.
 */
import { Api } from 'telegram';
import type { returnBigInt } from 'telegram/Helpers';
import type { ChatType, ResolvedTarget } from '../../domain/platform-port';
import { peerTypeOf, publicUsername, type PeerEntity } from './peer-cache';
import { markedId, type PeerType } from '../../domain/telegram-target-keys';

/** A GramJS `long` (a big-integer instance). */
export type Long = ReturnType<typeof returnBigInt>;

/** Entities keyed by marked id, as GramJS attaches them to updates and results carry them. */
export type EntityMap = Map<string, PeerEntity>;

/** The entity's marked id (`-100<id>`, `-<id>` or `<id>`). */
export function markedIdOf(entity: PeerEntity): string {
  return markedId(peerTypeOf(entity), entity.id.toString());
}

/**
 * The key AutoHub shows for a chat: `@username` when it is public, else its marked id. The
 * sandbox keys its simulated Telegram chats the same way.
 */
export function chatKeyOf(entity: PeerEntity): string {
  const username = publicUsername(entity);
  return username ? `@${username}` : markedIdOf(entity);
}

/** How the API classifies the chat. */
export function chatTypeOf(entity: PeerEntity): ChatType {
  if (entity instanceof Api.User) return 'contact';
  if (entity instanceof Api.Chat) return 'group';
  return entity.broadcast ? 'channel' : 'group';
}

/** Title of a group or channel, full name of a user. */
export function titleOf(entity: PeerEntity): string {
  if (entity instanceof Api.User) return personName(entity) ?? (entity.username ? `@${entity.username}` : entity.id.toString());
  return entity.title;
}

/** A user's "first last" name, or null when Telegram gives none. */
export function personName(user: Api.User): string | null {
  const name = [user.firstName, user.lastName].filter((part) => part).join(' ');
  return name === '' ? null : name;
}

/** Member count when Telegram included it; dialogs often omit it for channels. */
export function membersOf(entity: PeerEntity): number | null {
  if (entity instanceof Api.User) return null;
  return entity.participantsCount ?? null;
}

/**
 * Whether the account may post text here, judged from the rights Telegram sent with the entity.
 * A false positive only costs a refused send (mapped to `forbidden`); a false negative would
 * hide a usable target, so unknown cases count as writable.
 */
export function isWritable(entity: PeerEntity): boolean {
  if (entity instanceof Api.User) return !entity.deleted;
  if (entity instanceof Api.Chat) {
    if (entity.left || entity.deactivated || entity.migratedTo) return false;
    if (entity.creator || entity.adminRights) return true;
    return !forbidsText(entity.defaultBannedRights);
  }
  if (entity.creator) return true;
  if (entity.broadcast) return entity.adminRights?.postMessages === true;
  if (entity.adminRights) return true;
  // Non-members may write only in discussion groups (linked to a channel) that do not require joining.
  if (entity.left && !(entity.hasLink === true && entity.joinToSend !== true)) return false;
  return !forbidsText(entity.bannedRights) && !forbidsText(entity.defaultBannedRights);
}

/** A {@link ResolvedTarget} for an entity. */
export function toResolvedTarget(entity: PeerEntity): ResolvedTarget {
  return {
    key: chatKeyOf(entity),
    id: markedIdOf(entity),
    type: chatTypeOf(entity),
    title: titleOf(entity),
    username: publicUsername(entity),
    members: membersOf(entity),
    writable: isWritable(entity),
  };
}

/**
 * Keeps only users, groups and channels the account can address, indexed by marked id.
 * Empty and forbidden entities (groups the account was removed from) are left out.
 */
export function indexEntities(list: readonly (Api.TypeUser | Api.TypeChat)[]): EntityMap {
  const map: EntityMap = new Map();
  for (const entity of list) {
    if (entity instanceof Api.User || entity instanceof Api.Chat || entity instanceof Api.Channel) {
      map.set(markedIdOf(entity), entity);
    }
  }
  return map;
}

/** Type and bare id of a GramJS peer. */
export function peerRef(peer: Api.TypePeer): { type: PeerType; id: string } {
  if (peer instanceof Api.PeerUser) return { type: 'user', id: peer.userId.toString() };
  if (peer instanceof Api.PeerChat) return { type: 'chat', id: peer.chatId.toString() };
  return { type: 'channel', id: peer.channelId.toString() };
}

/** Marked id of a GramJS peer. */
export function markedIdOfPeer(peer: Api.TypePeer): string {
  const { type, id } = peerRef(peer);
  return markedId(type, id);
}

function forbidsText(rights: Api.TypeChatBannedRights | undefined): boolean {
  if (!rights) return false;
  // untilDate 0 means "forever"; a ban that has run out no longer applies.
  const active = rights.untilDate === 0 || rights.untilDate * 1000 > Date.now();
  return active && (rights.sendMessages === true || rights.sendPlain === true);
}
