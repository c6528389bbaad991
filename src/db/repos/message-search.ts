import type { Knex } from 'knex';
import type { MessageSearch } from '../../domain/platform-port';

/** A stored message as both message tables (sandbox world, WhatsApp inbound) hold it. */
export interface StoredMessageRow {
  chat_key: string;
  message_id: number;
  from_id: string | null;
  from_username: string | null;
  from_name: string | null;
  text: string;
  date: Date;
}

/**
 * The search every stored-message table answers the same way: messages of `chatKeys` in the
 * account whose text contains `query` (case-insensitive), within the dates, ranked newest first
 * within each chat. Select from it as `m` and keep `m.rank <= perChatLimit`.
 */
export function rankedMessageSearch(db: Knex, table: 'sandbox_messages' | 'inbound_messages', accountId: string, search: MessageSearch): Knex.QueryBuilder {
  const ranked = db(table)
    .select(
      'chat_key',
      'message_id',
      'from_id',
      'from_username',
      'from_name',
      'text',
      'date',
      db.raw('row_number() over (partition by chat_key order by date desc, id desc) as rank'),
    )
    .where({ account_id: accountId })
    .whereIn('chat_key', search.chatKeys)
    .whereRaw('strpos(lower(text), lower(?)) > 0', [search.query]);
  if (search.since) ranked.where('date', '>=', search.since);
  if (search.until) ranked.where('date', '<=', search.until);
  return ranked;
}
