/**
 * A logged-in WhatsApp account as a {@link PlatformSession}, on top of a {@link WhatsAppConnection}.
 */
import type {
  BaileysEventMap,
  Contact,
  GroupMetadata,
  GroupParticipant,
  WAMessage,
  WAMessageKey,
} from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import {
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
  type PlatformSession,
  type Profile,
  type ProfileUpdate,
  type ResolvedTarget,
  type SentMessage,
} from '../../domain/platform-port';
import type { BaileysModule } from './baileys';
import { toPlatformError } from './errors';
import { parseWhatsAppTarget, type WhatsAppTarget } from '../../domain/whatsapp-target-keys';
import { resolveTarget as resolveTargetKey } from './jids';
import type { InboundMessageStore, ReceivedMessage } from './message-store';
import { memberJid, muteUnsupported, removalFailure } from './moderation';
import {
  messageIdFor,
  outgoingContent,
  timestampToDate,
  toInboundMessage,
  toMemberEvents,
} from './messages';
import { silentLogger, type WhatsAppLogger, type WhatsAppSocket } from './socket';
import { ChatStaffCache, markStaff, type ChatStaff } from '../chat-staff';
import type { WhatsAppConnection } from './whatsapp-connection';

/** WhatsApp's limit for a profile name. */
export const MAX_NAME_LENGTH = 25;
/** WhatsApp's limit for the "about" text. */
export const MAX_ABOUT_LENGTH = 139;

/** What a session is built from. */
export interface WhatsAppSessionOptions {
  accountId: string;
  connection: WhatsAppConnection;
  baileys: BaileysModule;
  logger?: WhatsAppLogger;
  /**
   * Keeps received messages for {@link WhatsAppSession.searchMessages}. Without one, search is
   * not available on this session.
   */
  messageStore?: InboundMessageStore;
  /** Called once when {@link WhatsAppSession.disconnect} or {@link WhatsAppSession.logout} ran. */
  onDisconnect?: () => void;
}

const RECENT_INBOUND_KEPT = 500;
const SENT_KEPT = 10_000;
const LOOKUPS_KEPT = 5_000;

/** Adds to a Map used as a bounded, insertion-ordered cache. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/**
 * One WhatsApp account's session.
 *
 * It listens from the moment it is made (before login completes), so contacts from the first
 * history sync are known to {@link listChats}.
 */
export class WhatsAppSession implements PlatformSession {
  readonly accountId: string;
  private readonly connection: WhatsAppConnection;
  private readonly baileys: BaileysModule;
  private readonly logger: WhatsAppLogger;
  private readonly onDisconnect: (() => void) | undefined;
  private readonly messageStore: InboundMessageStore | undefined;
  private readonly listeners = new Set<InboundListener>();
  private readonly contacts = new Map<string, Contact>();
  private readonly lastActivity = new Map<string, Date>();
  /** Received messages by their numeric id, so a reply can quote them. */
  private readonly recentInbound = new Map<number, WAMessage>();
  /** Results of sends in this session by client message id. */
  private readonly sent = new Map<string, SentMessage>();
  /** Phone-number targets already confirmed by `onWhatsApp`, by target key. */
  private readonly lookups = new Map<string, WhatsAppTarget>();
  /** Each group's admins: anti-spam never checks them. */
  private readonly staff = new ChatStaffCache(
    (groupJid) => this.loadStaff(groupJid),
    (err, groupJid) => this.logger.debug({ err, groupJid }, "could not look up a group's admins"),
  );
  /** Received messages go out in the order they came, whatever each one waits for. */
  private emitting: Promise<void> = Promise.resolve();
  private readonly unsubscribes: Array<() => void>;

  constructor(options: WhatsAppSessionOptions) {
    this.accountId = options.accountId;
    this.connection = options.connection;
    this.baileys = options.baileys;
    this.logger = options.logger ?? silentLogger;
    this.onDisconnect = options.onDisconnect;
    this.messageStore = options.messageStore;
    const { connection } = options;
    this.unsubscribes = [
      connection.subscribe('messages.upsert', (upsert) => this.onMessages(upsert)),
      connection.subscribe('group-participants.update', (update) => this.onParticipants(update)),
      connection.subscribe('contacts.upsert', (contacts) => this.addContacts(contacts)),
      connection.subscribe('contacts.update', (contacts) => this.addContacts(contacts)),
      connection.subscribe('messaging-history.set', ({ contacts }) => this.addContacts(contacts)),
    ];
  }

  /** Groups the account is in, and the contacts it has seen (from history sync and contact updates). */
  async listChats(): Promise<ChatInfo[]> {
    return this.guard('listChats', async (sock) => {
      const groups = Object.values(await sock.groupFetchAllParticipating());
      const chats: ChatInfo[] = groups.map((group) => ({
        ...groupChat(group),
        lastActivityAt: this.lastActivity.get(group.id) ?? null,
      }));
      for (const contact of this.contacts.values()) {
        chats.push({
          key: contact.id,
          id: contact.id,
          type: 'contact',
          title: contactName(contact) ?? contact.id,
          username: contact.username ?? null,
          members: null,
          lastActivityAt: this.lastActivity.get(contact.id) ?? null,
        });
      }
      return chats;
    });
  }

  /**
   * Searches the messages this account received, as kept by the message store: WhatsApp has no
   * server-side search, and a linked device only holds what it received while connected.
   *
   * @throws PlatformError `invalid` when the session has no message store.
   */
  async searchMessages(search: MessageSearch): Promise<MessageInfo[]> {
    if (!this.messageStore) {
      throw new PlatformError(
        'invalid',
        'message search is not supported on whatsapp: WhatsApp has no server-side search; search stored inbound messages instead',
      );
    }
    try {
      return await this.messageStore.search(this.accountId, search);
    } catch (err) {
      throw toPlatformError(err, 'searching stored messages');
    }
  }

  /** Resolves a group JID, channel JID, person JID or phone number; phone numbers must have WhatsApp. */
  async resolveTarget(key: string): Promise<ResolvedTarget> {
    return this.guard(`resolveTarget ${key}`, async (sock) => {
      const target = await this.lookup(key, sock);
      if (target.kind === 'group') {
        const group = await sock.groupMetadata(target.jid);
        return { ...groupChat(group), writable: this.canPost(sock, group) };
      }
      const contact = this.contacts.get(target.jid);
      return {
        key: target.jid,
        id: target.jid,
        type: target.kind === 'newsletter' ? 'channel' : 'contact',
        title: (contact && contactName(contact)) ?? (target.kind === 'phone' ? target.phone : target.jid),
        username: contact?.username ?? null,
        members: null,
        writable: true,
      };
    });
  }

  /**
   * Sends a text (or media with the text as caption) under a message id derived from
   * `clientMessageId`, so a retried send reuses the id. A repeat within this session is not sent
   * again and answers `deduplicated: true`.
   */
  async sendMessage(message: OutgoingMessage): Promise<SentMessage> {
    const earlier = this.sent.get(message.clientMessageId);
    if (earlier) return { ...earlier, deduplicated: true };
    return this.guard(`sendMessage to ${message.targetKey}`, async (sock) => {
      const content = outgoingContent(message.text, message.media);
      const target = await this.lookup(message.targetKey, sock);
      const messageId = messageIdFor(message.clientMessageId);
      const quoted = message.replyTo === undefined ? undefined : this.recentInbound.get(message.replyTo);
      const sent = await sock.sendMessage(target.jid, content, { messageId, quoted });
      this.connection.rememberSent(sent);
      const result: SentMessage = {
        messageId: sent?.key.id ?? messageId,
        sentAt: timestampToDate(sent?.messageTimestamp, new Date()),
        deduplicated: false,
      };
      remember(this.sent, message.clientMessageId, result, SENT_KEPT);
      return result;
    });
  }

  /**
   * The account's profile. WhatsApp has one name, reported as `firstName`; `lastName` is empty.
   */
  async getProfile(): Promise<Profile> {
    return this.guard('getProfile', async (sock) => {
      const me = this.me(sock);
      const [about, photo] = await Promise.all([this.fetchAbout(sock, me.id), this.hasPhoto(sock, me.id)]);
      return {
        id: me.id,
        firstName: me.name,
        lastName: '',
        username: me.username,
        phone: me.phone,
        about,
        photo,
      };
    });
  }

  /**
   * Updates name and/or about. WhatsApp has one name field: `firstName` and `lastName` are
   * joined with a space, and a missing `firstName` keeps the current name as the first part.
   *
   * @throws PlatformError `invalid` for an empty name, a name over 25 or an about over 139 characters.
   */
  async updateProfile(update: ProfileUpdate): Promise<Profile> {
    const about = update.about;
    if (about !== undefined && about.length > MAX_ABOUT_LENGTH) {
      throw new PlatformError('invalid', `whatsapp "about" is limited to ${MAX_ABOUT_LENGTH} characters`);
    }
    const changesName = update.firstName !== undefined || update.lastName !== undefined;
    const name = await this.guard('updateProfile', async (sock) => {
      if (!changesName) return undefined;
      const joined = [update.firstName ?? this.me(sock).name, update.lastName ?? '']
        .map((part) => part.trim())
        .filter((part) => part.length > 0)
        .join(' ');
      if (joined.length === 0) throw new PlatformError('invalid', 'whatsapp profile name cannot be empty');
      if (joined.length > MAX_NAME_LENGTH) {
        throw new PlatformError('invalid', `whatsapp profile name is limited to ${MAX_NAME_LENGTH} characters`);
      }
      await sock.updateProfileName(joined);
      return joined;
    });
    if (about !== undefined) await this.guard('updateProfile', (sock) => sock.updateProfileStatus(about));

    const profile = await this.getProfile();
    // Name and about propagate through WhatsApp's servers lazily; report what was just set.
    return {
      ...profile,
      ...(name === undefined ? {} : { firstName: name, lastName: '' }),
      ...(about === undefined ? {} : { about }),
    };
  }

  /** @throws PlatformError `invalid`, always: WhatsApp usernames cannot be set by a linked device. */
  async setUsername(_username: string): Promise<void> {
    throw new PlatformError('invalid', 'setting a username is not supported on whatsapp');
  }

  /** Sets the profile photo (Baileys crops and scales it). */
  async setPhoto(photo: { data: Buffer; mimeType: string }): Promise<void> {
    if (!photo.mimeType.startsWith('image/')) {
      throw new PlatformError('invalid', `a profile photo must be an image, not ${photo.mimeType}`);
    }
    await this.guard('setPhoto', (sock) => sock.updateProfilePicture(this.me(sock).id, photo.data));
  }

  async deletePhoto(): Promise<void> {
    await this.guard('deletePhoto', (sock) => sock.removeProfilePicture(this.me(sock).id));
  }

  /** @throws PlatformError `invalid`, always: WhatsApp has no public group directory to search. */
  async discoverChats(_query: { keywords: string; limit: number }): Promise<DiscoveredChat[]> {
    throw new PlatformError(
      'invalid',
      'discovering public groups is not supported on whatsapp: WhatsApp has no public group directory',
    );
  }

  /**
   * Deletes a message for everyone by revoking its key. A received message (numeric id) is found
   * among this session's recent messages or in the message store; a string id is one this account
   * sent. Others' messages can be deleted only in a group the account administers (`forbidden`
   * otherwise); a received message the store does not hold is `not_found`.
   */
  async deleteMessage(message: MessageToDelete): Promise<void> {
    await this.guard(`deleteMessage in ${message.chatKey}`, async (sock) => {
      const target = await this.lookup(message.chatKey, sock);
      const key = await this.keyOf(target.jid, message.messageId);
      if (!key.fromMe) {
        if (target.kind !== 'group') {
          throw new PlatformError('forbidden', `whatsapp: only its sender can delete a message for everyone in the private chat ${message.chatKey}`);
        }
        await this.requireAdmin(sock, target.jid);
      }
      await sock.sendMessage(target.jid, { delete: key });
    });
  }

  /**
   * @throws PlatformError `invalid`, always (with `MODERATION_UNSUPPORTED` in the message): WhatsApp
   *   has no per-member mute; callers delete the member's message instead and log why.
   */
  async restrictMember(restriction: MemberRestriction): Promise<AppliedRestriction> {
    throw muteUnsupported(restriction.chatKey);
  }

  /** Nothing to lift: WhatsApp never mutes one member (see {@link restrictMember}). */
  async unrestrictMember(_member: ChatMember): Promise<void> {}

  /**
   * Removes a member from a group the account administers (`groupParticipantsUpdate … 'remove'`).
   * WhatsApp keeps no ban list: the member can be added back or rejoin through an invite link. A
   * member who is not in the group counts as removed.
   */
  async banMember(member: ChatMember): Promise<void> {
    await this.guard(`banMember in ${member.chatKey}`, async (sock) => {
      // A group key needs no look-up; anything else is refused before WhatsApp is asked.
      const target = parseWhatsAppTarget(member.chatKey);
      if (target.kind !== 'group') throw new PlatformError('invalid', `whatsapp: ${member.chatKey} is not a group; only group members can be removed`);
      const jid = memberJid(member.userId);
      await this.requireAdmin(sock, target.jid);
      const answers = await sock.groupParticipantsUpdate(target.jid, [jid], 'remove');
      for (const answer of answers) {
        const failure = removalFailure(answer.status, target.jid, jid);
        if (failure) throw failure;
      }
    });
  }

  /** Nothing to lift: WhatsApp keeps no ban list; a removed member comes back only when added or invited again. */
  async unbanMember(_member: ChatMember): Promise<void> {}

  /** Received messages (`notify` upserts not sent by this account) and group joins/leaves. */
  onInbound(listener: InboundListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes the connection (the saved login stays) and stops delivering events. */
  async disconnect(): Promise<void> {
    this.stopListening();
    await this.connection.close();
    this.onDisconnect?.();
  }

  /** Unlinks this device from the account, wipes the saved login and stops delivering events. */
  async logout(): Promise<void> {
    this.stopListening();
    await this.connection.logout();
    this.onDisconnect?.();
  }

  private stopListening(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    this.listeners.clear();
  }

  private async guard<T>(context: string, work: (sock: WhatsAppSocket) => Promise<T>): Promise<T> {
    try {
      return await work(this.connection.socket());
    } catch (err) {
      throw toPlatformError(err, context);
    }
  }

  private async lookup(key: string, sock: WhatsAppSocket): Promise<WhatsAppTarget> {
    const known = this.lookups.get(key);
    if (known) return known;
    const target = await resolveTargetKey(key, sock);
    if (target.kind === 'phone') remember(this.lookups, key, target, LOOKUPS_KEPT);
    return target;
  }

  private me(sock: WhatsAppSocket): { id: string; name: string; phone: string | null; username: string | null } {
    const user = sock.user;
    if (!user) throw new PlatformError('transient', 'whatsapp account details are not available yet');
    const id = this.baileys.jidNormalizedUser(user.id);
    const phoneUser = this.baileys.isPnUser(id) ? this.baileys.jidDecode(id)?.user : undefined;
    return {
      id,
      name: user.name ?? user.notify ?? user.verifiedName ?? '',
      phone: phoneUser ? `+${phoneUser}` : null,
      username: user.username ?? null,
    };
  }

  /** This account's JIDs (phone and LID), as far as they are known. */
  private selfIds(sock?: WhatsAppSocket): string[] {
    const user = sock?.user;
    const ids = [user?.id, user?.lid, this.connection.state.me?.id, this.connection.state.me?.lid];
    return ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
  }

  private canPost(sock: WhatsAppSocket, group: GroupMetadata): boolean {
    const member = this.selfMember(sock, group);
    if (!member) return false;
    // In an announcement group only admins may post.
    return !group.announce || Boolean(member.admin);
  }

  /** This account as a participant of `group`, if it is one. */
  private selfMember(sock: WhatsAppSocket, group: GroupMetadata): GroupParticipant | undefined {
    const self = this.selfIds(sock);
    return group.participants.find((participant) =>
      [participant.id, participant.phoneNumber, participant.lid].some(
        (id) => id !== undefined && self.some((me) => this.baileys.areJidsSameUser(id, me)),
      ),
    );
  }

  /** @throws PlatformError `forbidden` unless the account administers `groupJid`. */
  private async requireAdmin(sock: WhatsAppSocket, groupJid: string): Promise<void> {
    const member = this.selfMember(sock, await sock.groupMetadata(groupJid));
    if (!member) throw new PlatformError('forbidden', `whatsapp: the account is not a member of ${groupJid}`);
    if (!member.admin) throw new PlatformError('forbidden', `whatsapp: the account is not an admin of ${groupJid}`);
  }

  /** The WhatsApp key of a message to delete in `chatJid`: see {@link deleteMessage}. */
  private async keyOf(chatJid: string, messageId: number | string): Promise<WAMessageKey> {
    if (typeof messageId === 'string') return { remoteJid: chatJid, id: messageId, fromMe: true };
    const recent = this.recentInbound.get(messageId);
    if (recent?.key.id) return recent.key;
    const stored = await this.messageStore?.findKey(this.accountId, chatJid, messageId);
    if (!stored) throw new PlatformError('not_found', `whatsapp: message ${messageId} in ${chatJid} is not among the messages this account received`);
    return { remoteJid: chatJid, id: stored.waMessageId, fromMe: false, ...(stored.participant ? { participant: stored.participant } : {}) };
  }

  private async fetchAbout(sock: WhatsAppSocket, jid: string): Promise<string> {
    try {
      const status = (await sock.fetchStatus(jid))?.[0]?.['status'];
      if (typeof status === 'object' && status !== null && 'status' in status && typeof status.status === 'string') {
        return status.status;
      }
      return '';
    } catch (err) {
      // An unset or private about reads as empty; anything else is a real failure.
      const kind = toPlatformError(err).kind;
      if (kind === 'not_found' || kind === 'forbidden') return '';
      throw err;
    }
  }

  private async hasPhoto(sock: WhatsAppSocket, jid: string): Promise<boolean> {
    try {
      return Boolean(await sock.profilePictureUrl(jid, 'preview'));
    } catch (err) {
      // WhatsApp answers item-not-found when there is no photo.
      const kind = toPlatformError(err).kind;
      if (kind === 'not_found' || kind === 'forbidden') return false;
      throw err;
    }
  }

  private onMessages({ messages, type }: BaileysEventMap['messages.upsert']): void {
    const received: ReceivedMessage[] = [];
    for (const message of messages) {
      const chat = message.key.remoteJid;
      if (chat) {
        const at = timestampToDate(message.messageTimestamp, new Date());
        const previous = this.lastActivity.get(chat);
        if (!previous || previous < at) this.lastActivity.set(chat, at);
      }
      const event = toInboundMessage(this.baileys, this.accountId, message);
      if (!event) continue;
      // Earlier messages (an 'append') are worth searching too, but only new arrivals are events.
      received.push({
        chatKey: event.chatKey,
        messageId: event.messageId,
        fromId: event.from.id,
        fromUsername: event.from.username,
        fromName: event.from.name,
        text: event.text,
        date: event.date,
        waMessageId: message.key.id ?? '',
        participant: message.key.participant ?? null,
      });
      if (type !== 'notify') continue;
      remember(this.recentInbound, event.messageId, message, RECENT_INBOUND_KEPT);
      this.emitMarked(event);
    }
    if (received.length > 0 && this.messageStore) {
      this.messageStore
        .save(this.accountId, received)
        .catch((err: unknown) => this.logger.error({ err, count: received.length }, 'storing received whatsapp messages failed'));
    }
  }

  private onParticipants(update: BaileysEventMap['group-participants.update']): void {
    const self = this.selfIds();
    for (const event of toMemberEvents(this.baileys, this.accountId, update, self)) this.emitMarked(event);
  }

  private addContacts(contacts: ReadonlyArray<Partial<Contact>>): void {
    for (const contact of contacts) {
      const id = contact.id;
      if (!id || !(this.baileys.isPnUser(id) || this.baileys.isLidUser(id))) continue;
      const jid = this.baileys.jidNormalizedUser(id);
      this.contacts.set(jid, { ...this.contacts.get(jid), ...contact, id: jid });
    }
  }

  /** Emits an event, a group message marked with whether a group admin sent it, in the order events came. */
  private emitMarked(event: InboundEvent): void {
    const isGroup = event.type === 'message' && Boolean(this.baileys.isJidGroup(event.chatKey));
    this.emitting = this.emitting
      .then(async () => this.emit(markStaff(event, isGroup ? await this.staff.get(event.chatKey) : undefined)))
      .catch((err: unknown) => this.logger.error({ err }, 'emitting an inbound message failed'));
  }

  /** A group's admins by every JID form a sender may come under (phone and LID). */
  private async loadStaff(groupJid: string): Promise<ChatStaff> {
    const group = await this.guard('groupMetadata', (sock) => sock.groupMetadata(groupJid));
    const admins = group.participants
      .filter((p) => Boolean(p.admin))
      .flatMap((p) => [p.id, p.phoneNumber, p.lid])
      .filter((id): id is string => typeof id === 'string' && id.length > 0)
      .map((id) => this.baileys.jidNormalizedUser(id));
    return { adminIds: new Set(admins), linkedChannelId: null };
  }

  private emit(event: InboundEvent): void {
    // A listener that fails, at once or later, is only logged: the message is in the inbound store already.
    for (const listener of this.listeners) {
      const failed = (err: unknown) => this.logger.error({ err, type: event.type }, 'inbound listener failed');
      try {
        listener(event)?.catch(failed);
      } catch (err) {
        failed(err);
      }
    }
  }
}

/** What a group chat is, as listed and as resolved. */
function groupChat(group: GroupMetadata): Omit<ChatInfo, 'lastActivityAt'> {
  return { key: group.id, id: group.id, type: 'group', title: group.subject || group.id, username: null, members: memberCount(group) };
}

function memberCount(group: GroupMetadata): number | null {
  if (group.participants.length > 0) return group.participants.length;
  return group.size ?? null;
}

function contactName(contact: Partial<Contact>): string | null {
  return contact.name || contact.notify || contact.verifiedName || null;
}
