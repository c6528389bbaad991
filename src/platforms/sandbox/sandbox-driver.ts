import type { Knex } from 'knex';
import * as sandbox from '../../db/repos/sandbox.repo';
import type { WorldChat } from '../../domain/sandbox-world';
import { MAX_CAPTION_LENGTH, MAX_MESSAGE_LENGTH } from '../../domain/limits';
import { SeededRandom } from '../../domain/random';
import { privateChatKey } from '../../domain/search-reply';
import { phoneDigits } from '../whatsapp/jids';
import {
  PlatformError,
  type ChatInfo,
  type DiscoveredChat,
  type InboundEvent,
  type InboundListener,
  type MessageInfo,
  type MessageSearch,
  type OutgoingMessage,
  type PlatformDriver,
  type PlatformSession,
  type Profile,
  type ProfileUpdate,
  type ResolvedTarget,
  type SentMessage,
  type SessionAccount,
} from '../types';

/** Longest message the simulated platforms accept, as Telegram's and our API's limit. */
const MAX_TEXT = MAX_MESSAGE_LENGTH;

/**
 * The simulated platform: sessions over a seeded world kept in PostgreSQL. Real behaviour, not a
 * stub — sends land in the outbox, a repeated client message id is delivered once, and faults set
 * through the API (FloodWait, forbidden targets, disconnects) surface as the real drivers' errors.
 */
export class SandboxDriver implements PlatformDriver {
  readonly name = 'sandbox' as const;
  private readonly live = new Map<string, SandboxSession>();

  constructor(private readonly db: Knex) {}

  async connect(account: SessionAccount): Promise<PlatformSession> {
    const profile = await sandbox.getSandboxProfile(this.db, account.id);
    if (!profile) throw new PlatformError('auth_revoked', `account ${account.id} has no sandbox world`);
    const session = new SandboxSession(this.db, account, () => this.live.delete(account.id));
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

  constructor(
    private readonly db: Knex,
    private readonly account: SessionAccount,
    private readonly onClose: () => void,
  ) {}

  get accountId(): string {
    return this.account.id;
  }

  async listChats(): Promise<ChatInfo[]> {
    this.assertOpen();
    return (await sandbox.listWorldChats(this.db, this.accountId)).map(toChatInfo);
  }

  async searchMessages(search: MessageSearch): Promise<MessageInfo[]> {
    this.assertOpen();
    const chats = new Map((await sandbox.listWorldChats(this.db, this.accountId)).map((c) => [c.key, c]));
    const found = await sandbox.searchWorldMessages(this.db, this.accountId, search);
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
    // As WhatsApp does, a phone number addresses the person's JID.
    const digits = this.account.platform === 'whatsapp' ? phoneDigits(target) : null;
    const key = digits === null ? target : `${digits}@s.whatsapp.net`;
    const chat = await sandbox.findWorldChat(this.db, this.accountId, key);
    if (chat) return { ...toChatInfo(chat), writable: chat.writable };
    // As on the real platforms, a user seen writing in one of the account's chats can be written
    // to privately, at the user's chat key, though not among the account's contacts.
    const sender = await findWorldSender(this.db, this.accountId, key);
    if (!sender && digits !== null) throw new PlatformError('not_found', `+${digits} is not on WhatsApp`);
    if (!sender) throw new PlatformError('not_found', `target ${key} not found`);
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

  async sendMessage(message: OutgoingMessage): Promise<SentMessage> {
    this.assertOpen();
    const earlier = await sandbox.findOutboxItemByClientId(this.db, this.accountId, message.clientMessageId);
    if (earlier) return { messageId: String(earlier.id), sentAt: earlier.at, deduplicated: true };

    const { fault, forbiddenKeys } = await sandbox.takeSendFault(this.db, this.accountId);
    if (fault?.kind === 'disconnect') {
      await this.disconnect();
      throw new PlatformError('transient', 'connection lost (sandbox disconnect fault)');
    }
    if (fault?.kind === 'peer_flood') {
      throw new PlatformError('restricted', 'PEER_FLOOD: the account is limited for sending to new chats');
    }
    if (fault?.kind === 'flood_wait') {
      throw PlatformError.rateLimited(fault.seconds, `FLOOD_WAIT_${fault.seconds}: a wait of ${fault.seconds} seconds is required`);
    }
    const target = await this.resolveTarget(message.targetKey);
    if (!target.writable || isForbidden(forbiddenKeys, message.targetKey, target)) {
      throw new PlatformError('forbidden', `CHAT_WRITE_FORBIDDEN: cannot write to ${message.targetKey}`);
    }
    checkMessageLength(message);
    const item = await sandbox.insertOutboxItem(this.db, this.accountId, {
      type: 'message',
      chatKey: target.key,
      text: message.text,
      replyTo: message.replyTo === undefined ? undefined : String(message.replyTo),
      clientMessageId: message.clientMessageId,
      media: message.media && { mimeType: message.media.mimeType, sizeBytes: message.media.data.length, sha256: message.media.sha256 },
    });
    return { messageId: String(item.id), sentAt: item.at, deduplicated: item.deduplicated };
  }

  async getProfile(): Promise<Profile> {
    this.assertOpen();
    const p = await sandbox.getSandboxProfile(this.db, this.accountId);
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
    await sandbox.updateSandboxProfile(this.db, this.accountId, update);
    return this.getProfile();
  }

  async setUsername(username: string): Promise<void> {
    this.assertOpen();
    if (this.account.platform === 'whatsapp') throw new PlatformError('invalid', 'not supported on whatsapp');
    if (username && (await sandbox.isSandboxUsernameTaken(this.db, this.accountId, username))) {
      throw new PlatformError('invalid', 'USERNAME_OCCUPIED: username is taken');
    }
    await sandbox.updateSandboxProfile(this.db, this.accountId, { username: username || null });
  }

  async setPhoto(photo: { data: Buffer; mimeType: string }): Promise<void> {
    this.assertOpen();
    await sandbox.updateSandboxProfile(this.db, this.accountId, { photo });
  }

  async deletePhoto(): Promise<void> {
    this.assertOpen();
    await sandbox.updateSandboxProfile(this.db, this.accountId, { photo: null });
  }

  async discoverChats(query: { keywords: string; limit: number }): Promise<DiscoveredChat[]> {
    this.assertOpen();
    if (this.account.platform === 'whatsapp') throw new PlatformError('invalid', 'public chat search is not supported on whatsapp');
    const world = await sandbox.listWorldChats(this.db, this.accountId);
    return discoverPublicChats(query.keywords, query.limit, world);
  }

  onInbound(listener: InboundListener): () => void {
    this.listeners.add(listener);
    void this.deliverPending();
    return () => this.listeners.delete(listener);
  }

  /** Emits the account's undelivered injected events; returns how many. */
  async deliverPending(): Promise<number> {
    if (this.closed || this.listeners.size === 0) return 0;
    const pending = await sandbox.takeInboundEvents(this.db, this.accountId);
    for (const { event } of pending) {
      const inbound = reviveInbound(this.accountId, event as StoredInbound);
      for (const listener of this.listeners) listener(inbound);
    }
    return pending.length;
  }

  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.onClose();
  }

  private assertOpen(): void {
    if (this.closed) throw new PlatformError('transient', 'session is disconnected');
  }
}

/** An injected inbound event as the API stores it for the simulated platform. */
export type StoredInbound =
  | { type: 'message'; chat_key: string; message_id: number; from: Person; text: string; date: string }
  | { type: 'join' | 'leave'; chat_key: string; user: Person; date: string };

interface Person {
  id: string;
  username?: string | null;
  name?: string | null;
}

function reviveInbound(accountId: string, e: StoredInbound): InboundEvent {
  const person = (p: Person) => ({ id: p.id, username: p.username ?? null, name: p.name ?? null });
  if (e.type === 'message') {
    return {
      type: 'message',
      accountId,
      chatKey: e.chat_key,
      messageId: e.message_id,
      from: person(e.from),
      text: e.text,
      date: new Date(e.date),
    };
  }
  return { type: e.type, accountId, chatKey: e.chat_key, user: person(e.user), date: new Date(e.date) };
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

function isForbidden(forbiddenKeys: string[], asked: string, target: ResolvedTarget): boolean {
  const names = new Set([asked, target.key, target.id, ...(target.username ? [`@${target.username}`, target.username] : [])]);
  return forbiddenKeys.some((k) => names.has(k));
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

/** The newest author in the account's world whose id or username (with or without `@`) is `key`. */
async function findWorldSender(
  db: Knex,
  accountId: string,
  key: string,
): Promise<{ id: string; username: string | null; name: string | null } | undefined> {
  const username = key.replace(/^@/, '').toLowerCase();
  const row: { from_id: string; from_username: string | null; from_name: string | null } | undefined = await db('sandbox_messages')
    .where({ account_id: accountId })
    .whereNotNull('from_id')
    .andWhere((q) => q.where('from_id', key).orWhereRaw('lower(from_username) = ?', [username]))
    .orderBy('date', 'desc')
    .first('from_id', 'from_username', 'from_name');
  return row && { id: row.from_id, username: row.from_username, name: row.from_name };
}

/**
 * The simulated platforms' text limits, as Telegram's: a message has 1-4096 characters; with a
 * file it is the caption, which may be empty and holds at most {@link MAX_CAPTION_LENGTH}.
 */
function checkMessageLength(message: OutgoingMessage): void {
  const { length } = message.text;
  if (message.media && length > MAX_CAPTION_LENGTH) {
    throw new PlatformError('invalid', `MEDIA_CAPTION_TOO_LONG: a caption has at most ${MAX_CAPTION_LENGTH} characters`);
  }
  if (!message.media && (length === 0 || length > MAX_TEXT)) {
    throw new PlatformError('invalid', `message must be 1-${MAX_TEXT} characters`);
  }
}
