import type { Knex } from 'knex';
import type { ReplyCandidate } from '../../domain/search-reply';

/** Where a search-reply stands. */
export type SearchReplyStatus = 'pending' | 'sent' | 'failed';

/** A private reply of search-reply: reserved for one job, then sent or failed. */
export interface SearchReply {
  id: number;
  accountId: string;
  userKey: string;
  keywordsKey: string;
  jobId: string | null;
  targetKey: string;
  username: string | null;
  userName: string | null;
  chatKey: string;
  chatTitle: string;
  messageId: number;
  matchedText: string;
  clientMessageId: string;
  status: SearchReplyStatus;
  error: string | null;
  reservedAt: Date;
  sentAt: Date | null;
}

interface SearchReplyRow {
  id: number;
  account_id: string;
  user_key: string;
  keywords_key: string;
  job_id: string | null;
  target_key: string;
  username: string | null;
  user_name: string | null;
  chat_key: string;
  chat_title: string;
  message_id: number;
  matched_text: string;
  client_message_id: string;
  status: SearchReplyStatus;
  error: string | null;
  reserved_at: Date;
  sent_at: Date | null;
}

const mapReply = (r: SearchReplyRow): SearchReply => ({
  id: r.id,
  accountId: r.account_id,
  userKey: r.user_key,
  keywordsKey: r.keywords_key,
  jobId: r.job_id,
  targetKey: r.target_key,
  username: r.username,
  userName: r.user_name,
  chatKey: r.chat_key,
  chatTitle: r.chat_title,
  messageId: r.message_id,
  matchedText: r.matched_text,
  clientMessageId: r.client_message_id,
  status: r.status,
  error: r.error,
  reservedAt: r.reserved_at,
  sentAt: r.sent_at,
});

/**
 * Reserves a reply to each candidate for `jobId`, unless the account already replied to that
 * user for the same keywords within `windowDays` (a failed reply does not count). Reserving
 * again for the same job changes nothing, so a retried activity keeps its client message ids.
 * Returns every reply reserved for the job, in candidate order.
 */
export async function reserveSearchReplies(
  db: Knex,
  input: { accountId: string; keywordsKey: string; jobId: string; windowDays: number; candidates: ReplyCandidate[] },
): Promise<SearchReply[]> {
  if (input.candidates.length > 0) {
    const rows = input.candidates.map((c) => ({
      account_id: input.accountId,
      user_key: c.userKey,
      keywords_key: input.keywordsKey,
      job_id: input.jobId,
      target_key: c.targetKey,
      username: c.username,
      user_name: c.name,
      chat_key: c.chatKey,
      chat_title: c.chatTitle,
      message_id: c.messageId,
      matched_text: c.matchedText,
      client_message_id: db.fn.uuid(),
      status: 'pending',
    }));
    const columns = Object.keys(rows[0]!).filter((c) => !['account_id', 'user_key', 'keywords_key'].includes(c));
    const { sql, bindings } = db('search_replies').insert(rows).toSQL();
    // Taken over only when it belongs to another job and is outside the window, or failed.
    await db.raw(
      `${sql} on conflict (account_id, user_key, keywords_key) do update set
         ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}, error = null, reserved_at = now(), sent_at = null
       where search_replies.job_id is distinct from excluded.job_id
         and (search_replies.status = 'failed'
              or coalesce(search_replies.sent_at, search_replies.reserved_at) < now() - (? * interval '1 day'))`,
      [...bindings, input.windowDays],
    );
  }
  const reserved = await listJobReplies(db, input.jobId);
  const order = new Map(input.candidates.map((c, i) => [c.userKey, i]));
  return reserved.sort((a, b) => (order.get(a.userKey) ?? Infinity) - (order.get(b.userKey) ?? Infinity));
}

export async function findSearchReply(db: Knex, id: number): Promise<SearchReply | undefined> {
  const row: SearchReplyRow | undefined = await db('search_replies').where({ id }).first();
  return row && mapReply(row);
}

export async function markSearchReplySent(db: Knex, id: number, sentAt: Date): Promise<void> {
  await db('search_replies').where({ id }).update({ status: 'sent', sent_at: sentAt, error: null });
}

export async function markSearchReplyFailed(db: Knex, id: number, error: string): Promise<void> {
  await db('search_replies').where({ id, status: 'pending' }).update({ status: 'failed', error });
}

/** The replies reserved for a job, oldest reservation first. */
export async function listJobReplies(db: Knex, jobId: string): Promise<SearchReply[]> {
  const rows: SearchReplyRow[] = await db('search_replies').where({ job_id: jobId }).orderBy('id');
  return rows.map(mapReply);
}
