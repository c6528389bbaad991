/**
 * The peer cache: what a Telegram account has learnt about chats and users (`{type, id,
 * accessHash}`), kept outside GramJS so it survives restarts.
 *
 * A StringSession holds no peers, and Telegram allows an account few `contacts.resolveUsername`
 * calls before answering with long flood waits, so a worker that restarts must not resolve every
 * broadcast target again. Access hashes are valid only for the account that received them, hence
 * every entry belongs to one account.
 */
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers';
import { PlatformError } from '../../domain/platform-port';
import { markedId, usernameKey, type PeerType } from '../../domain/telegram-target-keys';

/** One way to reach a peer: `key` is a canonical target key (`@name` lower-cased, or a marked id). */
export interface CachedPeer {
  key: string;
  type: PeerType;
  /** The bare Telegram id (not marked), as a decimal string. */
  id: string;
  /** Decimal access hash; null for basic groups, which need none. */
  accessHash: string | null;
  username: string | null;
}

/**
 * Storage for {@link CachedPeer}s per account. Implementations upsert on (`accountId`, `key`):
 * a later entry for the same key replaces the earlier one, as usernames move between peers.
 */
export interface PeerCache {
  get(accountId: string, key: string): Promise<CachedPeer | null>;
  put(accountId: string, peers: readonly CachedPeer[]): Promise<void>;
}

/** A {@link PeerCache} in process memory, for tests and for accounts that need no persistence. */
export class InMemoryPeerCache implements PeerCache {
  private readonly entries = new Map<string, CachedPeer>();

  async get(accountId: string, key: string): Promise<CachedPeer | null> {
    return this.entries.get(`${accountId}\u0000${key}`) ?? null;
  }

  async put(accountId: string, peers: readonly CachedPeer[]): Promise<void> {
    for (const peer of peers) this.entries.set(`${accountId}\u0000${peer.key}`, { ...peer });
  }

  /** How many entries are held, across accounts. */
  get size(): number {
    return this.entries.size;
  }
}

/** A user, group or channel as Telegram describes it. */
export type PeerEntity = Api.User | Api.Chat | Api.Channel;

/**
 * The cache entries for an entity: one under its marked id and one per public username.
 * Entities that cannot be addressed later (min entities, whose access hash is not usable, and
 * users or channels without a hash) give none.
 */
export function cachedPeersFor(entity: PeerEntity): CachedPeer[] {
  const type = peerTypeOf(entity);
  const id = entity.id.toString();
  if (entity instanceof Api.Chat) {
    return [{ key: markedId('chat', id), type, id, accessHash: null, username: null }];
  }
  if (entity.min || entity.accessHash === undefined) return [];
  const accessHash = entity.accessHash.toString();
  const username = publicUsername(entity);
  const keys = [markedId(type, id), ...usernamesOf(entity).map((name) => usernameKey(name).key)];
  return [...new Set(keys)].map((key) => ({ key, type, id, accessHash, username }));
}

/**
 * The GramJS input peer for a cached entry.
 *
 * @throws PlatformError `not_found` when a user or channel entry lacks its access hash.
 */
export function toInputPeer(peer: CachedPeer): Api.TypeInputPeer {
  if (peer.type === 'chat') return new Api.InputPeerChat({ chatId: returnBigInt(peer.id) });
  if (peer.accessHash === null) {
    throw new PlatformError('not_found', `PEER_ID_INVALID: no access hash is known for ${peer.key}`);
  }
  if (peer.type === 'user') {
    return new Api.InputPeerUser({ userId: returnBigInt(peer.id), accessHash: returnBigInt(peer.accessHash) });
  }
  return new Api.InputPeerChannel({ channelId: returnBigInt(peer.id), accessHash: returnBigInt(peer.accessHash) });
}

/** Which kind of peer an entity is. */
export function peerTypeOf(entity: PeerEntity): PeerType {
  if (entity instanceof Api.User) return 'user';
  if (entity instanceof Api.Chat) return 'chat';
  return 'channel';
}

/** The entity's main public username, if it has one. */
export function publicUsername(entity: PeerEntity): string | null {
  return usernamesOf(entity)[0] ?? null;
}

/** Every active public username of an entity, its main one first. */
function usernamesOf(entity: PeerEntity): string[] {
  if (entity instanceof Api.Chat) return [];
  const names = entity.username ? [entity.username] : [];
  for (const u of entity.usernames ?? []) {
    if (u instanceof Api.Username && u.active && !names.includes(u.username)) names.push(u.username);
  }
  return names;
}
