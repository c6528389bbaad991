/**
 * Finding the input peer and description of a target key, cheapest source first: the peer
 * cache, then GramJS's in-memory entity cache, and only then Telegram's rate-limited
 * `contacts.resolveUsername`. Whatever Telegram describes is written back to the cache.
 */
import { Api } from 'telegram';
import { PlatformError, isPlatformError } from '../../domain/platform-port';
import type { TelegramLogger } from './client';
import { chatKeyOf, indexEntities, markedIdOfPeer } from './entities';
import { markedIdOfInputPeer } from './messages';
import { cachedPeersFor, toInputPeer, type CachedPeer, type PeerCache, type PeerEntity } from './peer-cache';
import { parseTelegramTarget } from '../../domain/telegram-target-keys';

/** What a resolver needs from its session. */
export interface PeerResolverDeps {
  accountId: string;
  cache: PeerCache;
  /** Invokes a Telegram request; failures arrive as PlatformErrors. */
  call<R extends Api.AnyRequest>(request: R): Promise<R['__response']>;
  /** GramJS's in-memory look-up of a marked id; failures arrive as PlatformErrors. */
  lookUpInMemory(markedId: string): Promise<Api.TypeInputPeer>;
  logger?: TelegramLogger | undefined;
}

/** See the module comment. One per session. */
export class PeerResolver {
  constructor(private readonly deps: PeerResolverDeps) {}

  /** The input peer for a target key: from the cache, else resolved (and cached). */
  async inputPeerFor(key: string): Promise<Api.TypeInputPeer> {
    const parsed = parseTelegramTarget(key);
    const cached = await this.deps.cache.get(this.deps.accountId, parsed.key);
    if (cached) return toInputPeer(cached);
    if (parsed.kind === 'id') return this.knownInputPeer(parsed.key);
    const entity = await this.resolveUsername(parsed.username);
    await this.remember(cachedPeersFor(entity));
    const [entry] = cachedPeersFor(entity);
    if (!entry) throw new PlatformError('not_found', `PEER_ID_INVALID: @${parsed.username} cannot be addressed (no access hash)`);
    return toInputPeer(entry);
  }

  /**
   * The current description of a target (title, rights, member count). Cached peers are
   * described by id, which costs no username look-up.
   */
  async entityFor(key: string): Promise<PeerEntity> {
    const parsed = parseTelegramTarget(key);
    const cached = await this.deps.cache.get(this.deps.accountId, parsed.key);
    let entity: PeerEntity;
    if (cached) entity = await this.describe(toInputPeer(cached));
    else if (parsed.kind === 'username') entity = await this.resolveUsername(parsed.username);
    else entity = await this.describe(await this.knownInputPeer(parsed.key));
    await this.remember(cachedPeersFor(entity));
    return entity;
  }

  /**
   * The input peer for a marked id. Without a cache entry only GramJS's in-memory entity cache
   * can help (it knows peers seen since connecting): an id alone carries no access hash.
   */
  async knownInputPeer(markedId: string): Promise<Api.TypeInputPeer> {
    const cached = await this.deps.cache.get(this.deps.accountId, markedId);
    if (cached) return toInputPeer(cached);
    try {
      return await this.deps.lookUpInMemory(markedId);
    } catch (err) {
      if (!isPlatformError(err, 'not_found')) throw err;
      throw new PlatformError(
        'not_found',
        `PEER_ID_INVALID: ${markedId} is not known to this account; list its chats or use the @username`,
        undefined,
        { cause: err },
      );
    }
  }

  /** The key to report for a chat; updates without its entity (short private messages) find its username in the cache. */
  async chatKeyFor(markedId: string, entity: PeerEntity | undefined): Promise<string> {
    if (entity) return chatKeyOf(entity);
    const cached = await this.deps.cache.get(this.deps.accountId, markedId).catch(() => null);
    return cached?.username ? `@${cached.username}` : markedId;
  }

  /** Stores peers; a failing cache is logged, never fatal to the call that found the peers. */
  async remember(peers: CachedPeer[]): Promise<void> {
    if (peers.length === 0) return;
    try {
      await this.deps.cache.put(this.deps.accountId, peers);
    } catch (err) {
      this.deps.logger?.warn({ err }, 'storing resolved Telegram peers failed');
    }
  }

  private async resolveUsername(username: string): Promise<PeerEntity> {
    const resolved = await this.deps.call(new Api.contacts.ResolveUsername({ username }));
    const entity = indexEntities([...resolved.users, ...resolved.chats]).get(markedIdOfPeer(resolved.peer));
    if (!entity) throw new PlatformError('not_found', `USERNAME_NOT_OCCUPIED: @${username} resolved to nothing usable`);
    return entity;
  }

  private async describe(peer: Api.TypeInputPeer): Promise<PeerEntity> {
    let entity: Api.TypeUser | Api.TypeChat | undefined;
    if (peer instanceof Api.InputPeerUser) {
      [entity] = await this.deps.call(new Api.users.GetUsers({ id: [new Api.InputUser({ userId: peer.userId, accessHash: peer.accessHash })] }));
    } else if (peer instanceof Api.InputPeerSelf) {
      [entity] = await this.deps.call(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }));
    } else if (peer instanceof Api.InputPeerChat) {
      [entity] = (await this.deps.call(new Api.messages.GetChats({ id: [peer.chatId] }))).chats;
    } else if (peer instanceof Api.InputPeerChannel) {
      const input = new Api.InputChannel({ channelId: peer.channelId, accessHash: peer.accessHash });
      [entity] = (await this.deps.call(new Api.channels.GetChannels({ id: [input] }))).chats;
    }
    if (entity instanceof Api.ChatForbidden || entity instanceof Api.ChannelForbidden) {
      throw new PlatformError('forbidden', `CHANNEL_PRIVATE: the account has no access to "${entity.title}"`);
    }
    if (!isPeerEntity(entity)) {
      throw new PlatformError('not_found', `PEER_ID_INVALID: ${markedIdOfInputPeer(peer) ?? 'the peer'} was not found`);
    }
    return entity;
  }
}

/** True for the entity kinds AutoHub addresses: users, basic groups and channels. */
export function isPeerEntity(entity: unknown): entity is PeerEntity {
  return entity instanceof Api.User || entity instanceof Api.Chat || entity instanceof Api.Channel;
}
