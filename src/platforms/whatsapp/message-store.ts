/**
 * Where a WhatsApp session keeps the messages it receives, so they can be searched: WhatsApp has
 * no server-side search, and a linked device only ever sees what arrives while it is connected.
 */
import type { MessageInfo, MessageSearch, StoredMessage } from '../../domain/platform-port';

/**
 * What rebuilds the WhatsApp key of a received message, which deleting it for everyone needs:
 * the port's numeric message id is a hash and cannot be turned back into WhatsApp's own.
 */
export interface ReceivedMessageKey {
  /** WhatsApp's own id of the message (`key.id`). */
  waMessageId: string;
  /** The sender in a group as WhatsApp addressed the message (`key.participant`); null in a private chat. */
  participant: string | null;
}

/** A received message as the store keeps it. */
export type ReceivedMessage = StoredMessage & ReceivedMessageKey;

/**
 * Storage of received messages per account. `save` ignores messages already stored (same chat
 * and message id); `search` matches `query` case-insensitively in the text of the chats named in
 * `chatKeys`, newest first, at most `perChatLimit` per chat, within `since`/`until` when given;
 * `findKey` answers the WhatsApp key of a stored message, or null when it is not stored (never
 * received, pruned, or stored before keys were kept).
 */
export interface InboundMessageStore {
  save(accountId: string, messages: readonly ReceivedMessage[]): Promise<void>;
  search(accountId: string, search: MessageSearch): Promise<MessageInfo[]>;
  findKey(accountId: string, chatKey: string, messageId: number): Promise<ReceivedMessageKey | null>;
}

/** An {@link InboundMessageStore} in process memory, for tests and for trying the driver without a database. */
export class MemoryInboundMessageStore implements InboundMessageStore {
  private readonly messages = new Map<string, ReceivedMessage>();

  async save(accountId: string, messages: readonly ReceivedMessage[]): Promise<void> {
    for (const message of messages) {
      const key = `${accountId}\u0000${message.chatKey}\u0000${message.messageId}`;
      if (!this.messages.has(key)) this.messages.set(key, { ...message });
    }
  }

  async findKey(accountId: string, chatKey: string, messageId: number): Promise<ReceivedMessageKey | null> {
    const found = this.messages.get(`${accountId}\u0000${chatKey}\u0000${messageId}`);
    return found ? { waMessageId: found.waMessageId, participant: found.participant } : null;
  }

  async search(accountId: string, search: MessageSearch): Promise<MessageInfo[]> {
    const query = search.query.toLowerCase();
    const found: MessageInfo[] = [];
    for (const chatKey of search.chatKeys) {
      const prefix = `${accountId}\u0000${chatKey}\u0000`;
      const matches = [...this.messages.entries()]
        .filter(([key, m]) => key.startsWith(prefix) && m.text.toLowerCase().includes(query))
        .map(([, m]) => m)
        .filter((m) => (!search.since || m.date >= search.since) && (!search.until || m.date <= search.until))
        .sort((a, b) => b.date.getTime() - a.date.getTime())
        .slice(0, search.perChatLimit);
      found.push(
        ...matches.map(({ waMessageId: _id, participant: _participant, ...m }) => ({ ...m, chatId: m.chatKey, chatTitle: m.chatKey })),
      );
    }
    return found.sort((a, b) => b.date.getTime() - a.date.getTime());
  }
}
