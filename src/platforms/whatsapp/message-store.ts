/**
 * Where a WhatsApp session keeps the messages it receives, so they can be searched: WhatsApp has
 * no server-side search, and a linked device only ever sees what arrives while it is connected.
 */
import type { MessageInfo, MessageSearch, StoredMessage } from '../../domain/platform-port';

/**
 * Storage of received messages per account. `save` ignores messages already stored (same chat
 * and message id); `search` matches `query` case-insensitively in the text of the chats named in
 * `chatKeys`, newest first, at most `perChatLimit` per chat, within `since`/`until` when given.
 */
export interface InboundMessageStore {
  save(accountId: string, messages: readonly StoredMessage[]): Promise<void>;
  search(accountId: string, search: MessageSearch): Promise<MessageInfo[]>;
}

/** An {@link InboundMessageStore} in process memory, for tests and for trying the driver without a database. */
export class MemoryInboundMessageStore implements InboundMessageStore {
  private readonly messages = new Map<string, StoredMessage>();

  async save(accountId: string, messages: readonly StoredMessage[]): Promise<void> {
    for (const message of messages) {
      const key = `${accountId}\u0000${message.chatKey}\u0000${message.messageId}`;
      if (!this.messages.has(key)) this.messages.set(key, { ...message });
    }
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
      found.push(...matches.map((m) => ({ ...m, chatId: m.chatKey, chatTitle: m.chatKey })));
    }
    return found.sort((a, b) => b.date.getTime() - a.date.getTime());
  }
}
