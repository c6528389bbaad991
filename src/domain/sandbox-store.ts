/**
 * The sandbox driver's port to its storage: what the simulated platform reads and writes, as the
 * Telegram driver has its peer cache and the WhatsApp driver its auth state. The database
 * implements it (`PgSandboxStore`); the driver gets it injected and imports no database code.
 */
import type { MessageSearch, StoredMessage } from './platform-port';
import type { WorldChat } from './sandbox-world';

/** The account's own profile in the simulated platform. */
export interface SandboxProfile {
  platformUserId: string;
  firstName: string;
  lastName: string;
  username: string | null;
  about: string;
  hasPhoto: boolean;
}

/** A change to the account's own profile; `photo: null` removes the photo. */
export interface SandboxProfileChange {
  firstName?: string;
  lastName?: string;
  about?: string;
  username?: string | null;
  photo?: { data: Buffer; mimeType: string } | null;
}

/** What the simulated platform did. */
export type OutboxType = 'message' | 'delete' | 'ban' | 'mute' | 'warn';

/** One operation the simulated platform performed. */
export interface OutboxItem {
  id: number;
  type: OutboxType;
  chatKey: string;
  text: string | null;
  userId: string | null;
  replyTo: string | null;
  clientMessageId: string | null;
  /** What was sent with the message: the file's identity, not its bytes. */
  media: OutboxMedia | null;
  at: Date;
}

/** The identity of a file sent with a message. */
export interface OutboxMedia {
  mimeType: string;
  sizeBytes: number;
  sha256: string;
}

/** An operation to record in the outbox. */
export interface NewOutboxItem {
  type: OutboxType;
  chatKey: string;
  text?: string;
  userId?: string;
  replyTo?: string;
  clientMessageId?: string;
  media?: OutboxMedia;
}

/** A message to send, as the outbox records it. */
export interface NewOutboxMessage {
  chatKey: string;
  text: string;
  replyTo?: string;
  clientMessageId: string;
  media?: OutboxMedia;
}

/** A fault the next send must suffer, consumed atomically so concurrent sends share the budget. */
export type SendFault = { kind: 'flood_wait'; seconds: number } | { kind: 'disconnect' } | { kind: 'peer_flood' } | null;

/** The outbox item a send made: its id and when. */
export interface SentItem {
  id: number;
  at: Date;
}

/**
 * What became of a send attempt (see `SandboxStore.attemptSend`): a repeat of an earlier send, a
 * fault taken, the message recorded, held — nothing recorded, for the caller to decide with the
 * forbidden keys in force — or nothing recorded because the account is gone, its world with it.
 */
export type SendAttempt =
  | { outcome: 'repeat'; item: SentItem }
  | { outcome: 'fault'; fault: NonNullable<SendFault> }
  | { outcome: 'sent'; item: SentItem }
  | { outcome: 'held'; forbiddenKeys: string[] }
  | { outcome: 'gone' };

/** An author of messages in the account's world. */
export interface WorldSender {
  id: string;
  username: string | null;
  name: string | null;
}

/** An injected inbound event as the API stores it for the simulated platform. */
export type StoredInbound =
  | { type: 'message'; chat_key: string; message_id: number; from: StoredSender; text: string; date: string; forwarded?: boolean }
  | { type: 'join' | 'leave'; chat_key: string; user: StoredPerson; date: string };

/** A person of an injected event, as the API received it. */
export interface StoredPerson {
  id: string;
  username?: string | null;
  name?: string | null;
}

/** The sender of an injected message: a person, and what the platform would show of them. */
export interface StoredSender extends StoredPerson {
  kind?: 'user' | 'chat' | 'channel';
  admin?: boolean;
  linked_channel?: boolean;
}

/** What the account did to a member of one of its chats: banned (removed) and/or muted. */
export interface SandboxMemberState {
  chatKey: string;
  userId: string;
  banned: boolean;
  muted: boolean;
  /** End of the mute; null with `muted`: until lifted. */
  mutedUntil: Date | null;
}

/** A change to a member's state; fields left out are kept. */
export interface SandboxMemberChange {
  banned?: boolean;
  mute?: { until: Date | null } | null;
}

/**
 * See the module comment. Target keys given to it are canonical (see `canonicalTargetKey`). An
 * account's world chats are fixed when the account is made, so a session may keep them; what the
 * API changes later (faults, injected messages and their senders) is read at each use.
 */
export interface SandboxStore {
  getProfile(accountId: string): Promise<SandboxProfile | undefined>;
  updateProfile(accountId: string, change: SandboxProfileChange): Promise<void>;
  /** True when another sandbox account already uses `username`. */
  isUsernameTaken(accountId: string, username: string): Promise<boolean>;
  listChats(accountId: string): Promise<WorldChat[]>;
  /** The newest author in the world whose id or `@username` is the canonical key `key`. */
  findSender(accountId: string, key: string): Promise<WorldSender | undefined>;
  searchMessages(accountId: string, search: MessageSearch): Promise<StoredMessage[]>;
  /** Records an operation; a repeated client message id answers the first item, `deduplicated`. */
  insertOutboxItem(accountId: string, item: NewOutboxItem): Promise<OutboxItem & { deduplicated: boolean }>;
  /**
   * Attempts a message send at once: a repeated client message id answers the earlier item (and
   * takes no fault); else the fault the send suffers is taken; else the message is recorded when
   * the caller found it `deliverable` and no forbidden keys are in force; else it is held (also
   * when it met a send of the same client message id being recorded meanwhile).
   */
  attemptSend(accountId: string, message: NewOutboxMessage, deliverable: boolean): Promise<SendAttempt>;
  /** The account's injected events not yet taken over by a receiver, oldest first. */
  listPendingInboundEvents(accountId: string): Promise<Array<{ id: number; event: StoredInbound }>>;
  /** Marks injected events delivered once their receiver has taken them over (stored them). */
  markInboundEventsDelivered(ids: number[]): Promise<void>;
  /** Removes a message from a chat of the world; answers its author, or undefined when there was no such message. */
  deleteMessage(accountId: string, chatKey: string, messageId: number): Promise<{ fromId: string | null } | undefined>;
  /** Records a ban, a mute or their lifting for a member of a world chat (`chatKey` is the chat's world key). */
  updateMember(accountId: string, chatKey: string, userId: string, change: SandboxMemberChange): Promise<void>;
  /** The members the account has banned or muted (a mute that has run out included), across its chats. */
  listRestrictedMembers(accountId: string): Promise<SandboxMemberState[]>;
}
