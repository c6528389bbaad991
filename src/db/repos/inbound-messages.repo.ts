import type { Knex } from 'knex';
import type { MessageInfo, MessageSearch } from '../../domain/platform-port';
import type { StoredMessage } from '../../domain/platform-port';
import { rankedMessageSearch } from './message-search';

/** Rows per insert statement. */
const CHUNK = 500;

/** What rebuilds the platform's key of a received message (WhatsApp's own id and group participant). */
export interface InboundMessageKey {
  waMessageId: string;
  participant: string | null;
}

/** Stores received messages; one already stored (same account, chat and message id) is left as it is. */
export async function insertInboundMessages(
  db: Knex,
  accountId: string,
  messages: readonly (StoredMessage & Partial<InboundMessageKey>)[],
): Promise<void> {
  const rows = messages.map((m) => ({
    account_id: accountId,
    chat_key: m.chatKey,
    message_id: m.messageId,
    from_id: m.fromId,
    from_username: m.fromUsername,
    from_name: m.fromName,
    // PostgreSQL text cannot hold NUL characters; they carry no meaning in a chat message.
    text: m.text.replaceAll('\u0000', ''),
    date: m.date,
    wa_message_id: m.waMessageId ?? null,
    participant: m.participant ?? null,
  }));
  for (let start = 0; start < rows.length; start += CHUNK) {
    await db('inbound_messages')
      .insert(rows.slice(start, start + CHUNK))
      .onConflict(['account_id', 'chat_key', 'message_id'])
      .ignore();
  }
}

/** The platform key of a stored message; null when it is not stored or was stored without one. */
export async function findInboundMessageKey(db: Knex, accountId: string, chatKey: string, messageId: number): Promise<InboundMessageKey | null> {
  const row: { wa_message_id: string | null; participant: string | null } | undefined = await db('inbound_messages')
    .where({ account_id: accountId, chat_key: chatKey, message_id: messageId })
    .first('wa_message_id', 'participant');
  return row?.wa_message_id ? { waMessageId: row.wa_message_id, participant: row.participant } : null;
}

/**
 * Stored messages of `chatKeys` whose text contains `query` (case-insensitive), newest first,
 * at most `perChatLimit` per chat. Titles come from the chats AutoHub knows for the account.
 */
export async function searchInboundMessages(db: Knex, accountId: string, search: MessageSearch): Promise<MessageInfo[]> {
  if (search.chatKeys.length === 0 || search.perChatLimit <= 0) return [];
  const ranked = rankedMessageSearch(db, 'inbound_messages', accountId, search);
  const rows: Array<Record<string, unknown>> = await db
    .from(ranked.as('m'))
    .leftJoin('chats as c', function () {
      this.on('c.key', '=', 'm.chat_key').andOn('c.account_id', '=', db.raw('?', [accountId]));
    })
    .where('m.rank', '<=', search.perChatLimit)
    .select('m.*', 'c.platform_id', 'c.title')
    .orderBy('m.date', 'desc');
  return rows.map((r) => ({
    chatKey: r.chat_key as string,
    chatId: (r.platform_id as string | null) ?? (r.chat_key as string),
    chatTitle: (r.title as string | null) ?? (r.chat_key as string),
    messageId: r.message_id as number,
    text: r.text as string,
    fromId: r.from_id as string | null,
    fromUsername: r.from_username as string | null,
    fromName: r.from_name as string | null,
    date: r.date as Date,
  }));
}

/** Deletes messages dated more than `retentionDays` ago; returns how many. */
export async function pruneInboundMessages(db: Knex, retentionDays: number): Promise<number> {
  return db('inbound_messages')
    .where('date', '<', db.raw(`now() - make_interval(days => ?)`, [retentionDays]))
    .delete();
}
