/**
 * The platform port: the only thing activities know about Telegram, WhatsApp or the sandbox.
 *
 * A {@link PlatformDriver} opens {@link PlatformSession}s for accounts; a session is one live,
 * logged-in client. Every error a driver lets out is a {@link PlatformError} with a `kind`, so
 * activities decide retries from the kind alone and never from a library's own error classes.
 */

/** Messaging platforms AutoHub speaks. */
export type Platform = 'telegram' | 'whatsapp';
export const PLATFORMS: readonly Platform[] = ['telegram', 'whatsapp'];

/** What a chat is, as the API reports it. */
export type ChatType = 'group' | 'channel' | 'contact';

/** The account a session is opened for, as the driver needs it. */
export interface SessionAccount {
  id: string;
  platform: Platform;
  phone: string | null;
  /** Decrypted session secret (Telegram StringSession, WhatsApp creds); null for the sandbox. */
  sessionSecret?: string | null;
}

/** A chat the account can see: group, channel or contact. */
export interface ChatInfo {
  /** The key to address this chat as a broadcast target (`@username`, `-100…`, `…@g.us`, a JID). */
  key: string;
  /** The platform's own id for the chat, as a string (Telegram ids exceed 2^53 in theory). */
  id: string;
  type: ChatType;
  title: string;
  username: string | null;
  members: number | null;
  lastActivityAt: Date | null;
}

/** A message found in a chat. */
export interface MessageInfo {
  chatKey: string;
  chatId: string;
  chatTitle: string;
  messageId: number;
  text: string;
  fromId: string | null;
  fromUsername: string | null;
  fromName: string | null;
  date: Date;
}

/** A message as a store keeps it (the sandbox's world, a WhatsApp account's received messages), to be searched later. */
export interface StoredMessage {
  chatKey: string;
  /** The port's numeric message id, unique within a chat. */
  messageId: number;
  fromId: string | null;
  fromUsername: string | null;
  fromName: string | null;
  text: string;
  date: Date;
}

/** A target key resolved to something the platform can write to. */
export interface ResolvedTarget {
  key: string;
  id: string;
  type: ChatType;
  title: string;
  username: string | null;
  members: number | null;
  /** False when the account can read but not post (a channel it does not administer, say). */
  writable: boolean;
}

/** One outgoing message. */
export interface OutgoingMessage {
  targetKey: string;
  text: string;
  /**
   * Stable id chosen by AutoHub for this (run, target). Drivers pass it to the platform so a
   * retried send is de-duplicated there (Telegram `random_id`, Baileys message id, sandbox).
   */
  clientMessageId: string;
  /** Message id to reply to, when the message answers another. */
  replyTo?: number;
  /** A file sent with the message; `text` becomes its caption (empty: no caption). */
  media?: OutgoingMedia;
}

/** A file to send: images go as photos with the text as caption, anything else as a document. */
export interface OutgoingMedia {
  data: Buffer;
  mimeType: string;
  /**
   * Hex SHA-256 of `data`, the content's identity: a driver may reuse an upload of the same
   * content for the next targets of a broadcast instead of uploading it again.
   */
  sha256: string;
  /** Shown for documents. */
  fileName?: string;
}

/** What the platform answered for a sent message. */
export interface SentMessage {
  messageId: string;
  sentAt: Date;
  /** True when the platform recognised the client message id and did not deliver again. */
  deduplicated: boolean;
}

export interface MessageSearch {
  /** Text to find, ignoring case; an empty query matches every message (the chats' latest). */
  query: string;
  chatKeys: string[];
  perChatLimit: number;
  since: Date | null;
  until: Date | null;
}

export interface Profile {
  id: string;
  firstName: string;
  lastName: string;
  username: string | null;
  phone: string | null;
  about: string;
  photo: boolean;
}

export interface ProfileUpdate {
  firstName?: string;
  lastName?: string;
  about?: string;
}

export interface DiscoveredChat {
  title: string;
  username: string | null;
  members: number | null;
  type: ChatType;
  description: string;
}

/** A person as an inbound event names them. */
export interface InboundPerson {
  id: string;
  username: string | null;
  name: string | null;
}

/**
 * Who posted a message: `user` for a person, `chat` when the group itself posts (Telegram's
 * anonymous admins), `channel` for a channel posting in the group (its linked channel, or a user
 * posting as one of their channels).
 */
export type SenderKind = 'user' | 'chat' | 'channel';

/**
 * What a driver knows of a message's sender and form beyond its text, for anti-spam. Every field
 * is optional: a driver that cannot tell leaves it out, and the pipeline assumes the plain case
 * (a user, no admin, no forward, no hidden links).
 */
export interface InboundMessageTraits {
  fromKind?: SenderKind;
  /** True when the sender administers (or owns) the chat. */
  fromAdmin?: boolean;
  /** True when a `channel` sender is the chat's linked channel (the group is its discussion group). */
  fromLinkedChannel?: boolean;
  /** True when the message was forwarded from elsewhere. */
  forwarded?: boolean;
  /** Links hidden behind words (Telegram's text-URL entities), which the text does not show. */
  hiddenUrls?: string[];
}

/**
 * Events a live session hands to the worker's inbound router. `eventId` is the platform's own id
 * of a member event, where it has one; a message is identified by its chat and message id.
 */
export type InboundEvent =
  | ({
      type: 'message';
      accountId: string;
      chatKey: string;
      messageId: number;
      from: InboundPerson;
      text: string;
      date: Date;
    } & InboundMessageTraits)
  | {
      type: 'join' | 'leave';
      accountId: string;
      chatKey: string;
      user: InboundPerson;
      date: Date;
      eventId?: string;
    };

/**
 * Receives a session's inbound events. A listener that returns a promise has taken the event
 * over (stored it) once the promise resolves; a driver that can redeliver (the sandbox) waits for
 * that before it counts the event as delivered.
 */
export type InboundListener = (event: InboundEvent) => void | Promise<void>;

/**
 * A message to moderate. `messageId` is the port's numeric id of a received message
 * ({@link InboundEvent}, {@link MessageInfo}) or the string id a send answered
 * ({@link SentMessage.messageId}) for a message the account sent itself.
 */
export interface MessageToDelete {
  chatKey: string;
  messageId: number | string;
}

/** A member of a group or channel to moderate; `userId` is the id inbound events report (`from.id`, `user.id`). */
export interface ChatMember {
  chatKey: string;
  userId: string;
}

/** A mute to apply: the member may read but not write until `until` (null: until lifted). */
export interface MemberRestriction extends ChatMember {
  until: Date | null;
}

/** What the platform applied for a mute: its end after the platform's limits (see `clampMuteUntil`); null for "until lifted". */
export interface AppliedRestriction {
  until: Date | null;
}

/** A live, logged-in client for one account. */
export interface PlatformSession {
  readonly accountId: string;
  listChats(): Promise<ChatInfo[]>;
  searchMessages(search: MessageSearch): Promise<MessageInfo[]>;
  resolveTarget(key: string): Promise<ResolvedTarget>;
  sendMessage(message: OutgoingMessage): Promise<SentMessage>;
  getProfile(): Promise<Profile>;
  updateProfile(update: ProfileUpdate): Promise<Profile>;
  /** Empty string removes the username. */
  setUsername(username: string): Promise<void>;
  setPhoto(photo: { data: Buffer; mimeType: string }): Promise<void>;
  deletePhoto(): Promise<void>;
  discoverChats(query: { keywords: string; limit: number }): Promise<DiscoveredChat[]>;
  /**
   * Deletes a message for everyone. The account must administer the chat to delete others'
   * messages (`forbidden` otherwise); a message that is already gone counts as deleted.
   */
  deleteMessage(message: MessageToDelete): Promise<void>;
  /**
   * Mutes a member until `until`, moved into the range the platform honours. Platforms without
   * per-member mutes (WhatsApp, Telegram basic groups) throw `invalid` with a message holding
   * {@link MODERATION_UNSUPPORTED}, so a caller can fall back (delete the message, log why).
   */
  restrictMember(restriction: MemberRestriction): Promise<AppliedRestriction>;
  /** Lifts a mute; a member who is not muted is left as they are. */
  unrestrictMember(member: ChatMember): Promise<void>;
  /** Removes a member from the chat and keeps them out where the platform can (a ban list). */
  banMember(member: ChatMember): Promise<void>;
  /** Lifts a ban so the member may join again; where the platform keeps no ban list, there is nothing to lift. */
  unbanMember(member: ChatMember): Promise<void>;
  /** Subscribes to inbound events; returns the unsubscribe function. */
  onInbound(listener: InboundListener): () => void;
  disconnect(): Promise<void>;
  /**
   * Ends the login at the platform (the device disappears from the account's sessions) and
   * closes the session. Drivers without a real login (the sandbox) leave it out.
   */
  logout?(): Promise<void>;
}

/** Opens sessions for one platform flavour (sandbox, GramJS, Baileys). */
export interface PlatformDriver {
  readonly name: 'sandbox' | 'telegram' | 'whatsapp';
  connect(account: SessionAccount): Promise<PlatformSession>;
}

/** How a platform failure should be treated. */
export type PlatformErrorKind =
  | 'rate_limited'
  | 'forbidden'
  | 'not_found'
  | 'auth_revoked'
  | 'restricted'
  | 'invalid'
  | 'transient';

/** Kinds that fail one target for good; retrying cannot help. */
export const PERMANENT_TARGET_ERRORS: readonly PlatformErrorKind[] = ['forbidden', 'not_found', 'invalid'];

/**
 * Thrown by every driver for every platform failure.
 *
 * `rate_limited` carries `retryAfterSeconds`; `restricted` means the whole account may not send
 * (Telegram PEER_FLOOD); `auth_revoked` means the session is gone and the account must log in again.
 */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';

  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static rateLimited(seconds: number, message = `rate limited: retry after ${seconds}s`): PlatformError {
    return new PlatformError('rate_limited', message, seconds);
  }
}

/**
 * Part of the message of the `invalid` error a driver throws for a moderation action its
 * platform does not have (a mute on WhatsApp or in a Telegram basic group).
 */
export const MODERATION_UNSUPPORTED = 'moderation action not supported';

/** True for the error a driver throws for a moderation action its platform does not have. */
export function isModerationUnsupported(err: unknown): err is PlatformError {
  return err instanceof PlatformError && err.kind === 'invalid' && err.message.includes(MODERATION_UNSUPPORTED);
}

/** True for an error whose kind is in `kinds`. */
export function isPlatformError(err: unknown, ...kinds: PlatformErrorKind[]): err is PlatformError {
  return err instanceof PlatformError && (kinds.length === 0 || kinds.includes(err.kind));
}
