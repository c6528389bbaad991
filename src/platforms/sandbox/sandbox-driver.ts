import type { Knex } from 'knex';
import * as sandbox from '../../db/repos/sandbox.repo';
import type { WorldChat } from '../../domain/sandbox-world';
import { SeededRandom } from '../../domain/random';
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
const MAX_TEXT = 4096;

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

  async resolveTarget(key: string): Promise<ResolvedTarget> {
    this.assertOpen();
    const chat = await sandbox.findWorldChat(this.db, this.accountId, key);
    if (!chat) throw new PlatformError('not_found', `target ${key} not found`);
    return { ...toChatInfo(chat), writable: chat.writable };
  }

  async sendMessage(message: OutgoingMessage): Promise<SentMessage> {
    this.assertOpen();
    const earlier = await sandbox.findOutboxItemByClientId(this.db, this.accountId, message.clientMessageId);
    if (earlier) return { messageId: String(earlier.id), sentAt: earlier.at, deduplicated: true };

    const fault = await sandbox.takeSendFault(this.db, this.accountId);
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
    const { forbiddenKeys } = await sandbox.getFaults(this.db, this.accountId);
    if (!target.writable || isForbidden(forbiddenKeys, message.targetKey, target)) {
      throw new PlatformError('forbidden', `CHAT_WRITE_FORBIDDEN: cannot write to ${message.targetKey}`);
    }
    if (message.text.length === 0 || message.text.length > MAX_TEXT) {
      throw new PlatformError('invalid', `message must be 1-${MAX_TEXT} characters`);
    }
    const item = await sandbox.insertOutboxItem(this.db, this.accountId, {
      type: 'message',
      chatKey: target.key,
      text: message.text,
      replyTo: message.replyTo === undefined ? undefined : String(message.replyTo),
      clientMessageId: message.clientMessageId,
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
    return discoverPublicChats(query.keywords, query.limit);
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

/** Public chats the simulated platform's search finds for `keywords`: deterministic per query. */
function discoverPublicChats(keywords: string, limit: number): DiscoveredChat[] {
  const words = keywords.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (words.length === 0) return [];
  const rnd = new SeededRandom(words.join(' '));
  const base = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  return DISCOVERY_SUFFIXES.slice(0, Math.min(limit, DISCOVERY_SUFFIXES.length)).map((suffix, i) => {
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
