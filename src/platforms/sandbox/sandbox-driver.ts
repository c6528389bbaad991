import { MAX_CAPTION_LENGTH, MAX_MESSAGE_LENGTH } from '../../domain/limits';
import { clampMuteUntil, TELEGRAM_MUTE_LIMITS } from '../../domain/mute-duration';
import { SeededRandom } from '../../domain/random';
import type { SandboxMemberState, SandboxStore, SendFault, StoredInbound, StoredPerson } from '../../domain/sandbox-store';
import type { WorldChat } from '../../domain/sandbox-world';
import { privateChatKey } from '../../domain/search-reply';
import { canonicalTargetKey, canonicalTargetKeyOrNull } from '../../domain/target-keys';
import { indexWorldChats } from './world-chat-index';
import {
  MODERATION_UNSUPPORTED,
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
  type OutgoingMessage,
  type PlatformDriver,
  type PlatformSession,
  type Profile,
  type ProfileUpdate,
  type ResolvedTarget,
  type SentMessage,
  type SessionAccount,
} from '../../domain/platform-port';

/** Longest message the simulated platforms accept, as Telegram's and our API's limit. */
const MAX_TEXT = MAX_MESSAGE_LENGTH;

/**
 * The simulated platform: sessions over a seeded world kept in PostgreSQL. Real behaviour, not a
 * stub — sends land in the outbox, a repeated client message id is delivered once, and faults set
 * through the API (FloodWait, forbidden targets, disconnects) surface as the real drivers' errors.
 * Target keys follow the real platforms' grammar (`canonicalTargetKey`), every spelling of a chat
 * reaching the same chat.
 *
 * Moderation behaves as the real platform the account simulates: deleting others' messages, muting
 * and banning need a chat the account administers (`WorldChat.admin`, else `forbidden`); deletes,
 * mutes and bans land in the outbox (`delete` with `reply_to` the message id, `mute`/`ban` with
 * `user_id`), while lifting a mute or ban only changes the member's state. A banned or muted member's
 * later injected messages do not arrive (the real platforms refuse them), nor does a banned
 * member's join on Telegram. WhatsApp accounts cannot mute (`invalid`, as the Baileys driver), keep
 * no ban list (unban does nothing; a removed member is back when a join is injected).
 */
export class SandboxDriver implements PlatformDriver {
  readonly name = 'sandbox' as const;
  private readonly live = new Map<string, SandboxSession>();

  constructor(private readonly store: SandboxStore) {}

  async connect(account: SessionAccount): Promise<PlatformSession> {
    const profile = await this.store.getProfile(account.id);
    if (!profile) throw new PlatformError('auth_revoked', `account ${account.id} has no sandbox world`);
    const session = new SandboxSession(this.store, account, () => this.live.delete(account.id));
    this.live.set(account.id, session);
    return session;
  }

  /** Hands the account's pending injected events to its live session, if it has one here. */
  async deliverInbound(accountId: string): Promise<number> {
    const session = this.live.get(accountId);
    return session ? session.deliverPending() : 0;
  }
}

class SandboxSession implements PlatformSession {
  private readonly listeners = new Set<InboundListener>();
  private closed = false;
  /** The delivery under way: deliveries run one after another, so an event is handed over once per call. */
  private delivering: Promise<number> = Promise.resolve(0);
  /** The account's world chats by every key naming one, read at first use (they never change, see SandboxStore). */
  private chats?: Promise<ReadonlyMap<string, WorldChat>>;

  constructor(
    private readonly store: SandboxStore,
    private readonly account: SessionAccount,
    private readonly onClose: () => void,
  ) {}

  get accountId(): string {
    return this.account.id;
  }

  async listChats(): Promise<ChatInfo[]> {
    this.assertOpen();
    return (await this.store.listChats(this.accountId)).map(toChatInfo);
  }

  async searchMessages(search: MessageSearch): Promise<MessageInfo[]> {
    this.assertOpen();
    const chats = new Map((await this.store.listChats(this.accountId)).map((c) => [c.key, c]));
    const found = await this.store.searchMessages(this.accountId, search);
    return found.map((m) => ({
      chatKey: m.chatKey,
      chatId: chats.get(m.chatKey)?.platformId ?? m.chatKey,
      chatTitle: chats.get(m.chatKey)?.title ?? m.chatKey,
      messageId: m.messageId,
      text: m.text,
      fromId: m.fromId,
      fromUsername: m.fromUsername,
      fromName: m.fromName,
      date: m.date,
    }));
  }

  async resolveTarget(target: string): Promise<ResolvedTarget> {
    this.assertOpen();
    // As on the real platforms: every spelling of a chat (t.me links, any case, a phone number
    // with separators) names it, and a malformed key is invalid, not merely unknown.
    const key = canonicalTargetKey(this.account.platform, target);
    const chat = (await this.worldChats()).get(key);
    if (chat) return { ...toChatInfo(chat), writable: chat.writable };
    // As on the real platforms, a user seen writing in one of the account's chats can be written
    // to privately, at the user's chat key, though not among the account's contacts.
    const sender = await this.store.findSender(this.accountId, key);
    if (!sender && this.account.platform === 'whatsapp' && key.endsWith('@s.whatsapp.net')) {
      throw new PlatformError('not_found', `+${key.slice(0, key.indexOf('@'))} is not on WhatsApp`);
    }
    if (!sender) throw new PlatformError('not_found', `target ${target} not found`);
    return {
      key: privateChatKey(this.account.platform, sender),
      id: sender.id,
      type: 'contact',
      title: sender.name ?? sender.username ?? sender.id,
      username: sender.username,
      members: null,
      writable: true,
    };
  }

  /**
   * Sends in one round trip to the store when no forbidden keys are in force (see
   * `SandboxStore.attemptSend`). The target is resolved first, from the session's chats, but a
   * refusal of it is raised only after the attempt: a repeated client message id answers its
   * earlier item and a fault strikes whatever the target, as before a platform looks at it.
   */
  async sendMessage(message: OutgoingMessage): Promise<SentMessage> {
    this.assertOpen();
    const resolved = await this.resolveTarget(message.targetKey).then(
      (target) => ({ target }),
      (error: unknown) => ({ error }),
    );
    const target = 'target' in resolved ? resolved.target : undefined;
    const badLength = messageLengthError(message);
    const outgoing = {
      chatKey: target?.key ?? message.targetKey,
      text: message.text,
      replyTo: message.replyTo === undefined ? undefined : String(message.replyTo),
      clientMessageId: message.clientMessageId,
      media: message.media && { mimeType: message.media.mimeType, sizeBytes: message.media.data.length, sha256: message.media.sha256 },
    };
    const attempt = await this.store.attemptSend(this.accountId, outgoing, target !== undefined && target.writable && !badLength);
    if (attempt.outcome === 'repeat') return { messageId: String(attempt.item.id), sentAt: attempt.item.at, deduplicated: true };
    if (attempt.outcome === 'fault') throw await this.suffer(attempt.fault);
    if (attempt.outcome === 'sent') return { messageId: String(attempt.item.id), sentAt: attempt.item.at, deduplicated: false };
    // As when the session reconnects (see connect).
    if (attempt.outcome === 'gone') throw new PlatformError('auth_revoked', `account ${this.accountId} has no sandbox world`);

    if ('error' in resolved) throw resolved.error;
    if (!resolved.target.writable || this.isForbidden(attempt.forbiddenKeys, message.targetKey, resolved.target)) {
      throw new PlatformError('forbidden', `CHAT_WRITE_FORBIDDEN: cannot write to ${message.targetKey}`);
    }
    if (badLength) throw badLength;
    // Forbidden keys are in force and none names this target, or a send of the same client
    // message id was being recorded meanwhile: the insert answers that one, deduplicated.
    const item = await this.store.insertOutboxItem(this.accountId, { type: 'message', ...outgoing });
    return { messageId: String(item.id), sentAt: item.at, deduplicated: item.deduplicated };
  }

  /** The error a send that suffers `fault` fails with; a disconnect closes the session first. */
  private async suffer(fault: NonNullable<SendFault>): Promise<PlatformError> {
    switch (fault.kind) {
      case 'disconnect':
        await this.disconnect();
        return new PlatformError('transient', 'connection lost (sandbox disconnect fault)');
      case 'peer_flood':
        return new PlatformError('restricted', 'PEER_FLOOD: the account is limited for sending to new chats');
      case 'flood_wait':
        return PlatformError.rateLimited(fault.seconds, `FLOOD_WAIT_${fault.seconds}: a wait of ${fault.seconds} seconds is required`);
    }
  }

  async getProfile(): Promise<Profile> {
    this.assertOpen();
    const p = await this.store.getProfile(this.accountId);
    if (!p) throw new PlatformError('auth_revoked', 'sandbox account has no profile');
    return {
      id: p.platformUserId,
      firstName: p.firstName,
      lastName: p.lastName,
      username: p.username,
      phone: this.account.phone,
      about: p.about,
      photo: p.hasPhoto,
    };
  }

  async updateProfile(update: ProfileUpdate): Promise<Profile> {
    this.assertOpen();
    await this.store.updateProfile(this.accountId, update);
    return this.getProfile();
  }

  async setUsername(username: string): Promise<void> {
    this.assertOpen();
    if (this.account.platform === 'whatsapp') throw new PlatformError('invalid', 'not supported on whatsapp');
    if (username && (await this.store.isUsernameTaken(this.accountId, username))) {
      throw new PlatformError('invalid', 'USERNAME_OCCUPIED: username is taken');
    }
    await this.store.updateProfile(this.accountId, { username: username || null });
  }

  async setPhoto(photo: { data: Buffer; mimeType: string }): Promise<void> {
    this.assertOpen();
    await this.store.updateProfile(this.accountId, { photo });
  }

  async deletePhoto(): Promise<void> {
    this.assertOpen();
    await this.store.updateProfile(this.accountId, { photo: null });
  }

  async discoverChats(query: { keywords: string; limit: number }): Promise<DiscoveredChat[]> {
    this.assertOpen();
    if (this.account.platform === 'whatsapp') throw new PlatformError('invalid', 'public chat search is not supported on whatsapp');
    const world = await this.store.listChats(this.accountId);
    return discoverPublicChats(query.keywords, query.limit, world);
  }

  async deleteMessage(message: MessageToDelete): Promise<void> {
    this.assertOpen();
    const chat = await this.worldChat(message.chatKey);
    // A string id is one of the account's own sends (its outbox id), which anyone may delete.
    if (typeof message.messageId === 'string') {
      await this.store.insertOutboxItem(this.accountId, { type: 'delete', chatKey: chat.key, replyTo: message.messageId });
      return;
    }
    if (chat.type === 'contact' && this.account.platform === 'whatsapp') {
      throw new PlatformError('forbidden', `only its sender can delete a message for everyone in the private chat ${chat.key}`);
    }
    if (chat.type !== 'contact') requireAdmin(chat);
    const deleted = await this.store.deleteMessage(this.accountId, chat.key, message.messageId);
    await this.store.insertOutboxItem(this.accountId, {
      type: 'delete',
      chatKey: chat.key,
      replyTo: String(message.messageId),
      ...(deleted?.fromId ? { userId: deleted.fromId } : {}),
    });
  }

  async restrictMember(restriction: MemberRestriction): Promise<AppliedRestriction> {
    this.assertOpen();
    if (this.account.platform === 'whatsapp') {
      throw new PlatformError('invalid', `${MODERATION_UNSUPPORTED} on whatsapp: WhatsApp has no per-member mute (in ${restriction.chatKey})`);
    }
    const chat = await this.moderatedChat(restriction.chatKey);
    const until = clampMuteUntil(restriction.until, new Date(), TELEGRAM_MUTE_LIMITS);
    await this.store.updateMember(this.accountId, chat.key, restriction.userId, { mute: { until } });
    await this.store.insertOutboxItem(this.accountId, { type: 'mute', chatKey: chat.key, userId: restriction.userId });
    return { until };
  }

  async unrestrictMember(member: ChatMember): Promise<void> {
    this.assertOpen();
    if (this.account.platform === 'whatsapp') return;
    const chat = await this.moderatedChat(member.chatKey);
    await this.store.updateMember(this.accountId, chat.key, member.userId, { mute: null });
  }

  async banMember(member: ChatMember): Promise<void> {
    this.assertOpen();
    const chat = await this.moderatedChat(member.chatKey);
    await this.store.updateMember(this.accountId, chat.key, member.userId, { banned: true });
    await this.store.insertOutboxItem(this.accountId, { type: 'ban', chatKey: chat.key, userId: member.userId });
  }

  async unbanMember(member: ChatMember): Promise<void> {
    this.assertOpen();
    if (this.account.platform === 'whatsapp') return;
    const chat = await this.moderatedChat(member.chatKey);
    await this.store.updateMember(this.accountId, chat.key, member.userId, { banned: false });
  }

  onInbound(listener: InboundListener): () => void {
    this.listeners.add(listener);
    void this.deliverPending();
    return () => this.listeners.delete(listener);
  }

  /**
   * Emits the account's undelivered injected events, one delivery at a time, and counts each as
   * delivered only once every listener has taken it over (a listener's promise resolved), so an
   * event injected before a crash is delivered after it. Left out: the account's own messages (the
   * real platforms' drivers drop what the account itself sent), and what the platform would refuse
   * from a banned or muted member (their messages leave the world). Returns how many were emitted.
   */
  deliverPending(): Promise<number> {
    this.delivering = this.delivering.catch(() => 0).then(() => this.deliverNow());
    return this.delivering;
  }

  private async deliverNow(): Promise<number> {
    if (this.closed || this.listeners.size === 0) return 0;
    const pending = await this.store.listPendingInboundEvents(this.accountId);
    if (pending.length === 0) return 0;
    const self = (await this.store.getProfile(this.accountId))?.platformUserId;
    let restricted = await this.store.listRestrictedMembers(this.accountId);
    let emitted = 0;
    for (const { id, event } of pending) {
      const verdict = admission(this.account.platform, event, restricted, new Date());
      if (verdict === 'refused') {
        if (event.type === 'message') await this.store.deleteMessage(this.accountId, event.chat_key, event.message_id);
        continue;
      }
      if (verdict === 'readmitted' && event.type !== 'message') {
        const { chat_key: chatKey, user } = event;
        await this.store.updateMember(this.accountId, chatKey, user.id, { banned: false });
        restricted = restricted.filter((m) => !(m.chatKey === chatKey && m.userId === user.id));
      }
      const inbound = reviveInbound(this.accountId, event, id);
      if (inbound.type === 'message' && inbound.from.id === self) continue;
      await Promise.all([...this.listeners].map((listener) => listener(inbound)));
      emitted++;
    }
    await this.store.markInboundEventsDelivered(pending.map((p) => p.id));
    return emitted;
  }

  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.onClose();
  }

  /** True when a forbidden key (in any of its spellings) names the target asked for or the chat it resolved to. */
  private isForbidden(forbiddenKeys: string[], asked: string, target: ResolvedTarget): boolean {
    const platform = this.account.platform;
    const names = new Set([asked, target.key, target.id].map((k) => canonicalTargetKeyOrNull(platform, k) ?? k));
    if (target.username) names.add(canonicalTargetKeyOrNull(platform, target.username) ?? target.username);
    return forbiddenKeys.some((k) => names.has(canonicalTargetKeyOrNull(platform, k) ?? k));
  }

  /** The world chat a key names. @throws PlatformError `not_found` for none. */
  private async worldChat(key: string): Promise<WorldChat> {
    const chat = (await this.worldChats()).get(canonicalTargetKey(this.account.platform, key));
    if (!chat) throw new PlatformError('not_found', `chat ${key} not found`);
    return chat;
  }

  /** The group or channel a member action is for, which the account must administer. */
  private async moderatedChat(key: string): Promise<WorldChat> {
    const chat = await this.worldChat(key);
    if (chat.type === 'contact') throw new PlatformError('invalid', `${MODERATION_UNSUPPORTED} in private chats: ${chat.key} is not a group or channel`);
    requireAdmin(chat);
    return chat;
  }

  /** The account's world chats by key (see `indexWorldChats`); a failed read is tried again at the next use. */
  private worldChats(): Promise<ReadonlyMap<string, WorldChat>> {
    if (!this.chats) {
      const reading = this.store.listChats(this.accountId).then(indexWorldChats);
      reading.catch(() => {
        if (this.chats === reading) this.chats = undefined;
      });
      this.chats = reading;
    }
    return this.chats;
  }

  private assertOpen(): void {
    if (this.closed) throw new PlatformError('transient', 'session is disconnected');
  }
}

/** @throws PlatformError `forbidden` unless the account administers `chat`. */
function requireAdmin(chat: WorldChat): void {
  if (!chat.admin) throw new PlatformError('forbidden', `CHAT_ADMIN_REQUIRED: the account is not an admin of ${chat.key}`);
}

/**
 * Whether the simulated platform lets an injected event through: a banned member's messages are
 * refused, as are a muted member's while the mute lasts; a banned member's join is refused on
 * Telegram, while on WhatsApp (no ban list) it means they were added back.
 */
function admission(
  platform: SessionAccount['platform'],
  event: StoredInbound,
  restricted: readonly SandboxMemberState[],
  now: Date,
): 'admitted' | 'refused' | 'readmitted' {
  const userId = event.type === 'message' ? event.from.id : event.user.id;
  const state = restricted.find((m) => m.chatKey === event.chat_key && m.userId === userId);
  if (!state || event.type === 'leave') return 'admitted';
  if (event.type === 'join') return !state.banned ? 'admitted' : platform === 'whatsapp' ? 'readmitted' : 'refused';
  const muted = state.muted && (state.mutedUntil === null || state.mutedUntil > now);
  return state.banned || muted ? 'refused' : 'admitted';
}

/** An injected event as the port names it; a member event's id is its injection's. */
function reviveInbound(accountId: string, e: StoredInbound, injectionId: number): InboundEvent {
  const person = (p: StoredPerson) => ({ id: p.id, username: p.username ?? null, name: p.name ?? null });
  if (e.type === 'message') {
    return {
      type: 'message',
      accountId,
      chatKey: e.chat_key,
      messageId: e.message_id,
      from: person(e.from),
      text: e.text,
      date: new Date(e.date),
      ...(e.from.kind !== undefined && { fromKind: e.from.kind }),
      ...(e.from.admin !== undefined && { fromAdmin: e.from.admin }),
      ...(e.from.linked_channel !== undefined && { fromLinkedChannel: e.from.linked_channel }),
      ...(e.forwarded !== undefined && { forwarded: e.forwarded }),
    };
  }
  return { type: e.type, accountId, chatKey: e.chat_key, user: person(e.user), date: new Date(e.date), eventId: `sandbox-${injectionId}` };
}

function toChatInfo(c: WorldChat): ChatInfo {
  return {
    key: c.key,
    id: c.platformId,
    type: c.type,
    title: c.title,
    username: c.username,
    members: c.members,
    lastActivityAt: c.lastActivityAt,
  };
}

const DISCOVERY_SUFFIXES = ['Community', 'Hub', 'Chat', 'Signals', 'News', 'Club', 'Insiders', 'Daily'];

/**
 * Public chats the simulated platform's search finds for `keywords`, deterministic per query:
 * first the public groups and channels of the account's own world whose title or username holds
 * a keyword (a global search finds chats one is in, too), then chats made up from the keywords.
 */
function discoverPublicChats(keywords: string, limit: number, world: WorldChat[]): DiscoveredChat[] {
  const words = keywords.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (words.length === 0) return [];
  const own: DiscoveredChat[] = world
    .filter((c) => c.type !== 'contact' && c.username !== null)
    .filter((c) => words.some((w) => `${c.title} ${c.username}`.toLowerCase().includes(w)))
    .map((c) => ({
      title: c.title,
      username: c.username,
      members: c.members,
      type: c.type,
      description: `Public ${c.type} ${c.title}`,
    }));
  return [...own, ...madeUpPublicChats(words, keywords)].slice(0, limit);
}

function madeUpPublicChats(words: string[], keywords: string): DiscoveredChat[] {
  const rnd = new SeededRandom(words.join(' '));
  const base = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  return DISCOVERY_SUFFIXES.map((suffix, i) => {
    const title = `${base} ${suffix}`;
    return {
      title,
      username: `${words.join('_')}_${suffix.toLowerCase()}`.slice(0, 32),
      members: rnd.int(50, 60_000),
      type: i % 3 === 2 ? 'channel' : 'group',
      description: `Public ${i % 3 === 2 ? 'channel' : 'group'} about ${keywords}`,
    };
  });
}

/**
 * The simulated platforms' text limits, as Telegram's: a message has 1-4096 characters; with a
 * file it is the caption, which may be empty and holds at most {@link MAX_CAPTION_LENGTH}.
 * Answers the error a message out of them fails with, or undefined.
 */
function messageLengthError(message: OutgoingMessage): PlatformError | undefined {
  const { length } = message.text;
  if (message.media && length > MAX_CAPTION_LENGTH) {
    return new PlatformError('invalid', `MEDIA_CAPTION_TOO_LONG: a caption has at most ${MAX_CAPTION_LENGTH} characters`);
  }
  if (!message.media && (length === 0 || length > MAX_TEXT)) {
    return new PlatformError('invalid', `message must be 1-${MAX_TEXT} characters`);
  }
  return undefined;
}
