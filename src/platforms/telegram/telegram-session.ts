/**
 * A live, logged-in Telegram account on GramJS, as a {@link PlatformSession}.
 *
 * Every call goes through {@link TelegramSession.call}, which bounds it in time (GramJS queues
 * requests silently while disconnected) and turns failures into PlatformErrors. Peers come from
 * the peer cache before Telegram is asked, and every peer Telegram describes is put back into it.
 */
import { Api } from 'telegram';
import { CustomFile } from 'telegram/client/uploads';
import { returnBigInt } from 'telegram/Helpers';
import { Raw } from 'telegram/events';
import { UpdateConnectionState } from 'telegram/network';
import { clampMuteUntil, TELEGRAM_MUTE_LIMITS } from '../../domain/mute-duration';
import {
  PERMANENT_TARGET_ERRORS,
  PlatformError,
  type AppliedRestriction,
  type ChatInfo,
  type ChatMember,
  type DiscoveredChat,
  type InboundEvent,
  type InboundListener,
  type MessageInfo,
  type MemberRestriction,
  type MessageSearch,
  type MessageToDelete,
  type OutgoingMedia,
  type OutgoingMessage,
  type PlatformSession,
  type Profile,
  type ProfileUpdate,
  type ResolvedTarget,
  type SentMessage,
} from '../../domain/platform-port';
import type { GramClient, TelegramLogger } from './client';
import {
  chatKeyOf,
  chatTypeOf,
  indexEntities,
  markedIdOf,
  markedIdOfPeer,
  membersOf,
  titleOf,
  toResolvedTarget,
  type EntityMap,
  type Long,
} from './entities';
import { telegramErrorCode, toPlatformError } from './errors';
import { messageOfUpdate, translateMessage } from './inbound';
import { loadTelegramStaff } from './chat-staff';
import { ChatStaffCache, markStaff } from '../chat-staff';
import { fileOf, isStaleMediaError, photoFileName, reusedMedia, SentMediaMemory, uploadedMedia } from './media';
import { messagesOf, sentMediaOf, sentMessageOf, toMessageInfo } from './messages';
import {
  bannedRights,
  basicGroupMuteUnsupported,
  deleteMessagesRequest,
  inputUserOf,
  liftedRights,
  moderatedChatOf,
  mutedRights,
  privateChatUnsupported,
  telegramMessageId,
  type ModeratedChat,
} from './moderation';
import { cachedPeersFor, publicUsername, type CachedPeer, type PeerCache, type PeerEntity } from './peer-cache';
import { PeerResolver, isPeerEntity } from './peer-resolver';
import { randomIdFor } from './random-id';
import { ConnectionSupervisor, type ReconnectOptions } from './reconnect';
import { withTimeout } from './timeout';

/** Tunables of a session; the driver fills in defaults. */
export interface TelegramSessionOptions {
  /** Longest a single Telegram call may take before it fails as `transient`. */
  requestTimeoutMs: number;
  /** Most dialogs `listChats` reads. */
  dialogLimit: number;
  /** After a reconnect, how many of the most recently active chats are re-polled. */
  catchUpChats: number;
  /** After a reconnect, how many recent messages per chat are re-polled. */
  catchUpMessages: number;
  reconnect: ReconnectOptions;
}

/** What a session is built from. */
export interface TelegramSessionDeps {
  accountId: string;
  client: GramClient;
  /** The logged-in user, as `users.getUsers([self])` returned it at connect. */
  self: Api.User;
  phone: string | null;
  peerCache: PeerCache;
  logger?: TelegramLogger;
  options: TelegramSessionOptions;
}

/** Telegram returns at most this many messages per history or search request. */
const PAGE_SIZE = 100;
/** Profile photo pages deleted at most, a guard against a server that keeps returning photos. */
const MAX_PHOTO_PAGES = 20;

/** Files remembered for reuse per session; a broadcast sends one, so a few cover any interleaving. */
const SENT_MEDIA_KEPT = 16;

/** What a text and a media send share. */
interface SendFields {
  peer: Api.TypeInputPeer;
  message: string;
  randomId: Long;
  replyTo?: Api.InputReplyToMessage;
}

/** Newest message id seen per chat, to skip duplicates and to know where catch-up starts. */
interface HighWater {
  maxId: number;
  seenAt: number;
}

/** One logged-in Telegram account; built by `TelegramDriver.connect`, see the module comment. */
export class TelegramSession implements PlatformSession {
  readonly accountId: string;
  private readonly client: GramClient;
  private readonly selfId: string;
  private readonly listeners = new Set<InboundListener>();
  private readonly highWater = new Map<string, HighWater>();
  private readonly updates = new Raw({});
  private readonly supervisor: ConnectionSupervisor;
  private readonly peers: PeerResolver;
  private readonly sentMedia = new SentMediaMemory(SENT_MEDIA_KEPT);
  /** Each group's admins and linked channel, by marked id: anti-spam never checks them. */
  private readonly staff = new ChatStaffCache(
    async (chatId) => loadTelegramStaff((request) => this.call(request), await this.peers.inputPeerFor(chatId)),
    (err, chatId) => this.deps.logger?.debug({ err, chatId }, "could not look up a group's admins"),
  );
  /** Inbound events go out in the order their updates came, whatever each one waits for. */
  private delivering: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: TelegramSessionDeps) {
    this.accountId = deps.accountId;
    this.client = deps.client;
    this.selfId = deps.self.id.toString();
    this.supervisor = new ConnectionSupervisor(
      {
        isConnected: () => this.client.connected === true,
        connect: () => this.client.connect(),
        onRecovered: () => this.catchUp(),
      },
      deps.options.reconnect,
      deps.logger,
    );
    this.peers = new PeerResolver({
      accountId: deps.accountId,
      cache: deps.peerCache,
      call: (request) => this.call(request),
      lookUpInMemory: (markedId) => this.guard('getInputEntity', () => this.client.getInputEntity(returnBigInt(markedId))),
      logger: deps.logger,
    });
    this.client.addEventHandler(this.onUpdate, this.updates);
  }

  async listChats(): Promise<ChatInfo[]> {
    const dialogs = await this.guard('getDialogs', () => this.client.getDialogs({ limit: this.deps.options.dialogLimit }));
    const chats: ChatInfo[] = [];
    const peers: CachedPeer[] = [];
    for (const dialog of dialogs) {
      const entity = dialog.entity;
      if (!isPeerEntity(entity) || !isListable(entity)) continue;
      peers.push(...cachedPeersFor(entity));
      const id = markedIdOf(entity);
      if (dialog.message) this.raiseHighWater(id, dialog.message.id);
      chats.push({
        key: chatKeyOf(entity),
        id,
        type: chatTypeOf(entity),
        title: titleOf(entity),
        username: publicUsername(entity),
        members: membersOf(entity),
        lastActivityAt: dialog.date > 0 ? new Date(dialog.date * 1000) : null,
      });
    }
    await this.peers.remember(peers);
    return chats;
  }

  /**
   * Searches each chat in turn. A chat that cannot be read (forbidden, unknown, invalid) is
   * skipped so one bad key does not void the whole search; rate limits and connection trouble
   * still fail the call.
   */
  async searchMessages(search: MessageSearch): Promise<MessageInfo[]> {
    const found: MessageInfo[] = [];
    for (const chatKey of search.chatKeys) {
      try {
        found.push(...(await this.searchChat(chatKey, search)));
      } catch (err) {
        const error = toPlatformError(err);
        if (!PERMANENT_TARGET_ERRORS.includes(error.kind)) throw error;
        this.deps.logger?.warn({ chatKey, err: error }, 'skipping a chat the search cannot read');
      }
    }
    return found;
  }

  async resolveTarget(key: string): Promise<ResolvedTarget> {
    return toResolvedTarget(await this.peers.entityFor(key));
  }

  /**
   * Sends with a `randomId` derived from the client message id: when Telegram answers
   * RANDOM_ID_DUPLICATE the message went out on an earlier attempt, so the send reports
   * success with `deduplicated: true` rather than failing or sending twice. With media, the text
   * is its caption.
   */
  async sendMessage(message: OutgoingMessage): Promise<SentMessage> {
    const peer = await this.peers.inputPeerFor(message.targetKey);
    const randomId = randomIdFor(message.clientMessageId);
    const fields: SendFields = {
      peer,
      message: message.text,
      randomId,
      ...(message.replyTo === undefined ? {} : { replyTo: new Api.InputReplyToMessage({ replyToMsgId: message.replyTo }) }),
    };
    let updates: Api.TypeUpdates;
    try {
      updates = message.media
        ? await this.sendMedia(fields, message.media)
        : await this.bounded('messages.sendMessage', () => this.client.invoke(new Api.messages.SendMessage(fields)));
    } catch (err) {
      if (telegramErrorCode(err) !== 'RANDOM_ID_DUPLICATE') throw toPlatformError(err);
      const earlier = await this.findEarlierSend(peer, message.text, message.media !== undefined);
      return { messageId: earlier ? String(earlier.id) : '', sentAt: earlier?.date ?? new Date(), deduplicated: true };
    }
    const sent = sentMessageOf(updates, randomId);
    return { messageId: sent ? String(sent.id) : '', sentAt: sent?.date ?? new Date(), deduplicated: false };
  }

  async getProfile(): Promise<Profile> {
    const full = await this.call(new Api.users.GetFullUser({ id: new Api.InputUserSelf() }));
    const me = full.users.find((u): u is Api.User => u instanceof Api.User && u.id.toString() === this.selfId) ?? this.deps.self;
    const photo = me.photo instanceof Api.UserProfilePhoto;
    return {
      id: this.selfId,
      firstName: me.firstName ?? '',
      lastName: me.lastName ?? '',
      username: publicUsername(me),
      phone: me.phone ? `+${me.phone}` : this.deps.phone,
      about: full.fullUser.about ?? '',
      photo,
    };
  }

  async updateProfile(update: ProfileUpdate): Promise<Profile> {
    const fields = {
      ...(update.firstName === undefined ? {} : { firstName: update.firstName }),
      ...(update.lastName === undefined ? {} : { lastName: update.lastName }),
      ...(update.about === undefined ? {} : { about: update.about }),
    };
    if (Object.keys(fields).length > 0) await this.call(new Api.account.UpdateProfile(fields));
    return this.getProfile();
  }

  /**
   * Sets the public username ('' removes it). A username someone else holds fails as `invalid`
   * with a message containing {@link USERNAME_TAKEN}; setting the current one again succeeds.
   */
  async setUsername(username: string): Promise<void> {
    const name = username.trim().replace(/^@/, '');
    try {
      await this.bounded('account.updateUsername', () => this.client.invoke(new Api.account.UpdateUsername({ username: name })));
    } catch (err) {
      const code = telegramErrorCode(err);
      if (code === 'USERNAME_NOT_MODIFIED') return;
      // For lookups USERNAME_INVALID means "no such chat"; here it is bad input.
      if (code === 'USERNAME_INVALID') {
        throw new PlatformError(
          'invalid',
          'USERNAME_INVALID: a username has 5-32 characters (a-z, 0-9, _) and starts with a letter',
          undefined,
          { cause: err },
        );
      }
      throw toPlatformError(err);
    }
  }

  async setPhoto(photo: { data: Buffer; mimeType: string }): Promise<void> {
    const name = photoFileName(photo.mimeType);
    const file = await this.guard('upload.saveFilePart', () =>
      this.client.uploadFile({ file: new CustomFile(name, photo.data.length, '', photo.data), workers: 1 }),
    );
    await this.call(new Api.photos.UploadProfilePhoto({ file }));
  }

  /** Deletes every profile photo, page by page, as Telegram lists at most 100 at a time. */
  async deletePhoto(): Promise<void> {
    for (let page = 0; page < MAX_PHOTO_PAGES; page++) {
      const result = await this.call(
        new Api.photos.GetUserPhotos({ userId: new Api.InputUserSelf(), offset: 0, maxId: returnBigInt(0), limit: PAGE_SIZE }),
      );
      const photos = result.photos.filter((p): p is Api.Photo => p instanceof Api.Photo);
      if (photos.length === 0) return;
      const deleted = await this.call(
        new Api.photos.DeletePhotos({
          id: photos.map((p) => new Api.InputPhoto({ id: p.id, accessHash: p.accessHash, fileReference: p.fileReference })),
        }),
      );
      if (deleted.length === 0) return;
    }
  }

  /** Public groups and channels from Telegram's global search (`contacts.search`). */
  async discoverChats(query: { keywords: string; limit: number }): Promise<DiscoveredChat[]> {
    const limit = Math.max(1, Math.min(query.limit, PAGE_SIZE));
    const found = await this.call(new Api.contacts.Search({ q: query.keywords.trim(), limit }));
    const entities = indexEntities([...found.chats, ...found.users]);
    const chats = found.results
      .map((peer) => entities.get(markedIdOfPeer(peer)))
      .filter((e): e is Api.Chat | Api.Channel => e instanceof Api.Chat || e instanceof Api.Channel);
    await this.peers.remember(chats.flatMap(cachedPeersFor));
    return chats.slice(0, query.limit).map((chat) => ({
      title: chat.title,
      username: publicUsername(chat),
      members: membersOf(chat),
      type: chatTypeOf(chat),
      // Descriptions live in the full chat object, one more request per result; search results omit them.
      description: '',
    }));
  }

  /**
   * Deletes a message for everyone (`channels.deleteMessages` in supergroups and channels,
   * `messages.deleteMessages` with `revoke` elsewhere). Without the right to delete others'
   * messages Telegram answers MESSAGE_DELETE_FORBIDDEN or CHAT_ADMIN_REQUIRED: `forbidden`.
   */
  async deleteMessage(message: MessageToDelete): Promise<void> {
    const id = telegramMessageId(message.messageId);
    const chat = moderatedChatOf(await this.peers.inputPeerFor(message.chatKey));
    await this.call(deleteMessagesRequest(chat, id));
  }

  /**
   * Mutes a member of a supergroup or channel with `channels.editBanned`, every sending right taken
   * away until `until`, moved into Telegram's 30 s – 366 days (outside it Telegram mutes for good).
   * Basic groups cannot mute: `invalid` with `MODERATION_UNSUPPORTED` in the message.
   */
  async restrictMember(restriction: MemberRestriction): Promise<AppliedRestriction> {
    const { chat, participant } = await this.memberOf(restriction, 'mute a member');
    if (chat.kind === 'basic_group') throw basicGroupMuteUnsupported(restriction.chatKey);
    const until = clampMuteUntil(restriction.until, new Date(), TELEGRAM_MUTE_LIMITS);
    const untilDate = until === null ? 0 : until.getTime() / 1000;
    await this.call(new Api.channels.EditBanned({ channel: chat.channel, participant, bannedRights: mutedRights(untilDate) }));
    return { until };
  }

  /** Gives a muted member back the chat's default rights; basic groups have no mutes to lift. */
  async unrestrictMember(member: ChatMember): Promise<void> {
    const { chat, participant } = await this.memberOf(member, 'unmute a member');
    if (chat.kind === 'basic_group') return;
    await this.call(new Api.channels.EditBanned({ channel: chat.channel, participant, bannedRights: liftedRights() }));
  }

  /**
   * Bans a member of a supergroup or channel (`viewMessages` taken away for good, which also
   * removes them). A basic group has no ban list: the member is removed (`messages.deleteChatUser`)
   * and may be added back; one who already left counts as removed.
   */
  async banMember(member: ChatMember): Promise<void> {
    const { chat, participant } = await this.memberOf(member, 'ban a member');
    if (chat.kind === 'channel') {
      await this.call(new Api.channels.EditBanned({ channel: chat.channel, participant, bannedRights: bannedRights() }));
      return;
    }
    try {
      await this.bounded('messages.deleteChatUser', () =>
        this.client.invoke(new Api.messages.DeleteChatUser({ chatId: chat.chatId, userId: inputUserOf(participant, member.userId), revokeHistory: false })),
      );
    } catch (err) {
      if (telegramErrorCode(err) !== 'USER_NOT_PARTICIPANT') throw toPlatformError(err);
    }
  }

  /** Takes a member off a supergroup's or channel's ban list; basic groups keep none, so nothing is lifted there. */
  async unbanMember(member: ChatMember): Promise<void> {
    const { chat, participant } = await this.memberOf(member, 'unban a member');
    if (chat.kind === 'basic_group') return;
    await this.call(new Api.channels.EditBanned({ channel: chat.channel, participant, bannedRights: liftedRights() }));
  }

  onInbound(listener: InboundListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.supervisor.stop();
    this.listeners.clear();
    this.client.removeEventHandler(this.onUpdate, this.updates);
    try {
      await this.client.destroy();
    } catch (err) {
      this.deps.logger?.warn({ err }, 'closing the Telegram client failed');
    }
  }

  /**
   * Logs the session out at Telegram (`auth.logOut`), so the account's device list no longer
   * shows it, then closes the client. A session Telegram already revoked counts as logged out.
   */
  async logout(): Promise<void> {
    try {
      await this.guard('auth.logOut', () => this.client.invoke(new Api.auth.LogOut()));
    } catch (err) {
      if (!(err instanceof PlatformError && err.kind === 'auth_revoked')) throw err;
    } finally {
      await this.disconnect();
    }
  }

  /**
   * The group or channel and the member's input peer for a member action; private chats have no
   * members to moderate (`invalid`).
   */
  private async memberOf(
    member: ChatMember,
    action: string,
  ): Promise<{ chat: Exclude<ModeratedChat, { kind: 'private' }>; participant: Api.TypeInputPeer }> {
    const chat = moderatedChatOf(await this.peers.inputPeerFor(member.chatKey));
    if (chat.kind === 'private') throw privateChatUnsupported(member.chatKey, action);
    return { chat, participant: await this.peers.inputPeerFor(member.userId) };
  }

  /**
   * Re-polls the most recently active known chats for messages newer than the last one seen:
   * GramJS does not fetch the updates Telegram sent while the connection was down.
   */
  private async catchUp(): Promise<void> {
    const chats = [...this.highWater.entries()]
      .sort(([, a], [, b]) => b.seenAt - a.seenAt)
      .slice(0, this.deps.options.catchUpChats);
    for (const [chatId, mark] of chats) {
      if (this.closed) return;
      try {
        const peer = await this.peers.knownInputPeer(chatId);
        const result = await this.call(
          new Api.messages.GetHistory({
            peer,
            minId: mark.maxId,
            limit: this.deps.options.catchUpMessages,
            offsetId: 0,
            offsetDate: 0,
            addOffset: 0,
            maxId: 0,
            hash: returnBigInt(0),
          }),
        );
        const { messages, entities } = messagesOf(result);
        // History comes newest first; deliver in the order the messages were written.
        for (const message of [...messages].sort((a, b) => a.id - b.id)) await this.deliver(message, entities);
      } catch (err) {
        const error = toPlatformError(err);
        this.deps.logger?.warn({ chatId, err: error }, 'catch-up of a chat failed');
        if (error.kind === 'rate_limited' || error.kind === 'auth_revoked') return;
      }
    }
  }

  private readonly onUpdate = (update: unknown): void => {
    if (update instanceof UpdateConnectionState) {
      this.supervisor.onState(update.state);
      return;
    }
    const message = messageOfUpdate(update);
    if (!message) return;
    this.deliver(message, entitiesOfUpdate(update)).catch((err: unknown) => {
      this.deps.logger?.warn({ err }, 'translating an inbound Telegram update failed');
    });
  };

  /** Hands a message's events to the listeners, once per message id and chat. */
  private async deliver(message: Api.TypeMessage, entities: EntityMap): Promise<void> {
    if (this.closed || !(message instanceof Api.Message || message instanceof Api.MessageService) || !message.peerId) return;
    // Raised before any await, so a live update and catch-up racing on one message emit it once.
    if (!this.raiseHighWater(markedIdOfPeer(message.peerId), message.id)) return;
    const translating = translateMessage(message, {
      accountId: this.accountId,
      entities,
      chatKey: (chatId, entity) => this.peers.chatKeyFor(chatId, entity),
    });
    const next = this.delivering.then(async () => {
      const translated = await translating;
      if (!translated) return;
      // Group messages say who of the group's staff wrote them (a private chat's id is positive).
      const isGroup = translated.chatId.startsWith('-') && translated.events.some((e) => e.type === 'message');
      const staff = isGroup ? await this.staff.get(translated.chatId) : undefined;
      for (const event of translated.events) this.emit(markStaff(event, staff));
    });
    this.delivering = next.catch(() => {});
    await next;
  }

  private emit(event: InboundEvent): void {
    // Telegram does not redeliver an update: a listener that fails, at once or later, is only logged.
    for (const listener of this.listeners) {
      const failed = (err: unknown) => this.deps.logger?.warn({ err }, 'an inbound listener threw');
      try {
        listener(event)?.catch(failed);
      } catch (err) {
        failed(err);
      }
    }
  }

  /** Records `messageId` as seen in `chatId`; false when it (or a newer one) was seen already. */
  private raiseHighWater(chatId: string, messageId: number): boolean {
    const mark = this.highWater.get(chatId);
    if (mark && messageId <= mark.maxId) return false;
    this.highWater.set(chatId, { maxId: messageId, seenAt: Date.now() });
    return true;
  }

  private async searchChat(chatKey: string, search: MessageSearch): Promise<MessageInfo[]> {
    const peer = await this.peers.inputPeerFor(chatKey);
    const found: MessageInfo[] = [];
    let offsetId = 0;
    while (found.length < search.perChatLimit) {
      const limit = Math.min(PAGE_SIZE, search.perChatLimit - found.length);
      const result = await this.call(
        new Api.messages.Search({
          peer,
          q: search.query,
          filter: new Api.InputMessagesFilterEmpty(),
          minDate: unixSeconds(search.since),
          maxDate: unixSeconds(search.until),
          offsetId,
          addOffset: 0,
          limit,
          maxId: 0,
          minId: 0,
          hash: returnBigInt(0),
        }),
      );
      const { messages, entities } = messagesOf(result);
      const infos = messages.map((m) => toMessageInfo(m, entities, this.selfId)).filter((m): m is MessageInfo => m !== null);
      found.push(...infos);
      const last = messages.at(-1);
      if (messages.length < limit || !last) break;
      offsetId = last.id;
    }
    return found.slice(0, search.perChatLimit);
  }

  /**
   * Sends `media` with `messages.sendMedia`, reusing the file Telegram stored for an earlier send
   * of the same content. A stored file Telegram no longer accepts is uploaded afresh and sent
   * under the same randomId, which the refused send did not use up.
   */
  private async sendMedia(fields: SendFields, media: OutgoingMedia): Promise<Api.TypeUpdates> {
    const stored = this.sentMedia.get(media);
    if (stored) {
      try {
        return await this.sendMediaAs(fields, media, reusedMedia(stored));
      } catch (err) {
        if (!isStaleMediaError(telegramErrorCode(err))) throw err;
        this.sentMedia.forget(media);
        this.deps.logger?.debug({ err }, 'a stored file went stale; uploading it again');
      }
    }
    const file = await this.guard('upload.saveFilePart', () => this.client.uploadFile({ file: fileOf(media), workers: 1 }));
    return this.sendMediaAs(fields, media, uploadedMedia(media, file));
  }

  /** One `messages.sendMedia`; the file Telegram stored for it is remembered for the next send. */
  private async sendMediaAs(fields: SendFields, media: OutgoingMedia, input: Api.TypeInputMedia): Promise<Api.TypeUpdates> {
    const updates = await this.bounded('messages.sendMedia', () => this.client.invoke(new Api.messages.SendMedia({ ...fields, media: input })));
    const stored = sentMediaOf(updates, fields.randomId);
    if (stored) this.sentMedia.remember(media, stored);
    return updates;
  }

  /**
   * Our recent message in `peer` with this text, carrying a photo or document exactly when
   * `withMedia` (a text's link preview does not count).
   */
  private async findEarlierSend(peer: Api.TypeInputPeer, text: string, withMedia: boolean): Promise<{ id: number; date: Date } | null> {
    try {
      const history = await this.call(
        new Api.messages.GetHistory({ peer, limit: 20, offsetId: 0, offsetDate: 0, addOffset: 0, maxId: 0, minId: 0, hash: returnBigInt(0) }),
      );
      const mine = messagesOf(history).messages.find(
        (m): m is Api.Message => m instanceof Api.Message && m.out === true && m.message === text && carriesFile(m) === withMedia,
      );
      return mine ? { id: mine.id, date: new Date(mine.date * 1000) } : null;
    } catch (err) {
      this.deps.logger?.debug({ err }, 'could not look up the earlier send of a duplicate message');
      return null;
    }
  }

  /** Invokes a request with a time bound, mapping every failure to a PlatformError. */
  private call<R extends Api.AnyRequest>(request: R): Promise<R['__response']> {
    return this.guard(request.className, () => this.client.invoke(request));
  }

  private async guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await this.bounded(what, operation);
    } catch (err) {
      throw toPlatformError(err);
    }
  }

  /** Runs `operation` unless the session is closed, failing as `transient` if it takes too long. */
  private bounded<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new PlatformError('transient', 'the Telegram session is closed'));
    return withTimeout(operation(), this.deps.options.requestTimeoutMs, what);
  }
}

/** Dialogs worth reporting: not ourselves, deleted users, or groups that moved or died. */
function isListable(entity: PeerEntity): boolean {
  if (entity instanceof Api.User) return !entity.self && !entity.deleted;
  if (entity instanceof Api.Chat) return !entity.migratedTo && !entity.deactivated;
  return true;
}

/** The user and chat entities GramJS attached to a raw update (keyed by marked id). */
function entitiesOfUpdate(update: unknown): EntityMap {
  const attached = (update as { _entities?: unknown })._entities;
  if (!(attached instanceof Map)) return new Map();
  return indexEntities([...attached.values()].filter(isPeerEntity));
}

function unixSeconds(date: Date | null): number {
  return date ? Math.floor(date.getTime() / 1000) : 0;
}

/** True for a message with a photo or document, as a media send makes. */
function carriesFile(message: Api.Message): boolean {
  return message.media instanceof Api.MessageMediaPhoto || message.media instanceof Api.MessageMediaDocument;
}
