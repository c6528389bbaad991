/**
 * Translation between WhatsApp messages and the platform port: message ids, text, inbound events.
 */
import { createHash } from 'node:crypto';
import type {
  AnyMessageContent,
  BaileysEventMap,
  WAMessage,
  WAMessageContent,
} from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { PlatformError, type InboundEvent, type OutgoingMedia } from '../../domain/platform-port';
import type { BaileysModule } from './baileys';

/**
 * The WhatsApp message id AutoHub sends under for a client message id.
 *
 * Deterministic, so a retried send reuses the id and WhatsApp treats it as the same message.
 * Shaped like the ids Baileys makes itself (`generateMessageIDV2`: `3EB0` + 18 upper-case hex).
 */
export function messageIdFor(clientMessageId: string): string {
  const hash = createHash('sha256').update(`autohub:${clientMessageId}`).digest('hex');
  return `3EB0${hash.slice(0, 18).toUpperCase()}`;
}

/**
 * A number standing for a WhatsApp message id in the port's numeric `messageId` fields.
 *
 * WhatsApp ids are strings and are unique per chat only, so the chat goes into the hash. 48 bits
 * keep the number exact in a JavaScript number and make collisions within a chat negligible.
 */
export function numericMessageId(chatJid: string, messageId: string): number {
  const hash = createHash('sha256').update(`${chatJid}\n${messageId}`).digest('hex');
  return Number.parseInt(hash.slice(0, 12), 16);
}

/** A message's timestamp (seconds, as number or protobuf Long) as a Date, or `fallback`. */
export function timestampToDate(timestamp: WAMessage['messageTimestamp'], fallback: Date): Date {
  if (timestamp === null || timestamp === undefined) return fallback;
  const seconds = typeof timestamp === 'number' ? timestamp : timestamp.toNumber();
  return seconds > 0 ? new Date(seconds * 1000) : fallback;
}

// Content types that are bookkeeping, not something a person wrote.
const NON_MESSAGE_CONTENT = new Set<string>([
  'protocolMessage',
  'reactionMessage',
  'encReactionMessage',
  'pollUpdateMessage',
  'keepInChatMessage',
  'pinInChatMessage',
  'senderKeyDistributionMessage',
  'messageContextInfo',
]);

/**
 * The text of a message: the body of a text message or the caption of a media message; '' for
 * media without a caption. Null when the content is not a message a person wrote (reactions,
 * deletions, key distribution and other protocol traffic).
 */
export function messageText(baileys: BaileysModule, content: WAMessageContent | null | undefined): string | null {
  // Unwraps ephemeral, view-once, edited and similar envelopes.
  const message = baileys.normalizeMessageContent(content);
  const type = baileys.getContentType(message);
  if (!message || !type || NON_MESSAGE_CONTENT.has(type)) return null;
  return (
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption ??
    ''
  );
}

/** True for chats that are not conversations: status updates, broadcast lists, channels. */
function isNotAChat(baileys: BaileysModule, jid: string): boolean {
  return Boolean(baileys.isJidBroadcast(jid) || baileys.isJidNewsletter(jid));
}

/**
 * The inbound `message` event for a received message, or null when it is not one AutoHub
 * reacts to (sent by this account, not a conversation, or not something a person wrote).
 */
export function toInboundMessage(
  baileys: BaileysModule,
  accountId: string,
  message: WAMessage,
  now: Date = new Date(),
): Extract<InboundEvent, { type: 'message' }> | null {
  const { key } = message;
  const chatJid = key.remoteJid;
  if (!chatJid || !key.id || key.fromMe || isNotAChat(baileys, chatJid)) return null;
  const text = messageText(baileys, message.message);
  if (text === null) return null;

  const isGroup = Boolean(baileys.isJidGroup(chatJid));
  const sender = isGroup ? (key.participant ?? message.participant ?? null) : chatJid;
  const username = isGroup ? key.participantUsername : key.remoteJidUsername;
  return {
    type: 'message',
    accountId,
    chatKey: chatJid,
    messageId: numericMessageId(chatJid, key.id),
    from: {
      id: sender ? baileys.jidNormalizedUser(sender) : chatJid,
      username: username ?? null,
      name: message.pushName ?? null,
    },
    text,
    date: timestampToDate(message.messageTimestamp, now),
    ...(isForwarded(baileys, message.message) && { forwarded: true }),
  };
}

/** True when the message says it was forwarded (its content's context info). */
function isForwarded(baileys: BaileysModule, content: WAMessageContent | null | undefined): boolean {
  const message = baileys.normalizeMessageContent(content);
  const type = baileys.getContentType(message);
  if (!message || !type) return false;
  const inner = message[type] as { contextInfo?: { isForwarded?: boolean | null } | null } | string | null | undefined;
  return typeof inner === 'object' && inner?.contextInfo?.isForwarded === true;
}

/**
 * `join`/`leave` events for a group membership change. Promotions, demotions and changes that
 * concern this account itself (`self`: its phone and LID JIDs) produce none.
 */
export function toMemberEvents(
  baileys: BaileysModule,
  accountId: string,
  update: BaileysEventMap['group-participants.update'],
  self: readonly string[],
  now: Date = new Date(),
): InboundEvent[] {
  const type = update.action === 'add' ? 'join' : update.action === 'remove' ? 'leave' : null;
  if (type === null) return [];
  const events: InboundEvent[] = [];
  for (const participant of update.participants) {
    const ids = [participant.id, participant.phoneNumber, participant.lid].filter((id): id is string => !!id);
    if (ids.some((id) => self.some((me) => baileys.areJidsSameUser(id, me)))) continue;
    events.push({
      type,
      accountId,
      chatKey: update.id,
      user: {
        id: baileys.jidNormalizedUser(participant.id),
        username: participant.username ?? null,
        name: participant.name ?? participant.notify ?? null,
      },
      date: now,
    });
  }
  return events;
}

/**
 * The Baileys content for a text, optionally with media: images and videos carry the text as
 * their caption, anything else goes as a document.
 *
 * @throws PlatformError `invalid` for a message with neither text nor media.
 */
export function outgoingContent(text: string, media?: OutgoingMedia): AnyMessageContent {
  if (!media) {
    if (text.length === 0) throw new PlatformError('invalid', 'whatsapp: a message needs text or media');
    return { text };
  }
  const caption = text.length > 0 ? text : undefined;
  const mimetype = media.mimeType;
  if (mimetype.startsWith('image/')) return { image: media.data, caption, mimetype };
  if (mimetype.startsWith('video/')) return { video: media.data, caption, mimetype };
  return { document: media.data, mimetype, fileName: media.fileName ?? 'file', caption };
}
