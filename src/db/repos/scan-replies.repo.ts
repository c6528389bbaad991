import type { Knex } from 'knex';
import { messageKey, type ReplyCandidate } from '../../domain/search-reply';
import type { DeliveryStatus } from './send-runs.repo';

/**
 * A private reply of search-reply: the search-reply facts (who, which message made them one) of
 * a delivery of the job's send run, whose status it shows.
 */
export interface SearchReply {
  id: number;
  accountId: string;
  userKey: string;
  jobId: string | null;
  targetKey: string;
  username: string | null;
  userName: string | null;
  chatKey: string;
  chatTitle: string;
  messageId: number;
  matchedText: string;
  /** The send run the reply's delivery belongs to. */
  runId: string;
  status: DeliveryStatus;
  error: string | null;
  reservedAt: Date;
  sentAt: Date | null;
}

interface SearchReplyRow {
  id: string;
  account_id: string;
  user_key: string;
  job_id: string | null;
  target_key: string;
  username: string | null;
  user_name: string | null;
  chat_key: string;
  chat_title: string;
  message_id: number;
  matched_text: string;
  run_id: string;
  status: DeliveryStatus;
  error: string | null;
  reserved_at: Date;
  sent_at: Date | null;
}

const mapReply = (r: SearchReplyRow): SearchReply => ({
  id: Number(r.id),
  accountId: r.account_id,
  userKey: r.user_key,
  jobId: r.job_id,
  targetKey: r.target_key,
  username: r.username,
  userName: r.user_name,
  chatKey: r.chat_key,
  chatTitle: r.chat_title,
  messageId: r.message_id,
  matchedText: r.matched_text,
  runId: r.run_id,
  status: r.status,
  error: r.error,
  reservedAt: r.reserved_at,
  sentAt: r.sent_at,
});

/** Search-replies with their deliveries' status. */
function replies(db: Knex) {
  return db('search_replies as sr')
    .join('deliveries as d', 'd.id', 'sr.delivery_id')
    .select('sr.*', 'd.run_id', 'd.status', 'd.error', 'd.sent_at');
}

/**
 * Which of `messages` the account has answered already or is answering (a failed reply does not
 * count), by their `messageKey`.
 */
export async function findAnsweredMessages(db: Knex, accountId: string, messages: Array<{ chatKey: string; messageId: number }>): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const rows: Array<{ chat_key: string; message_id: number }> = await replies(db)
    .where('sr.account_id', accountId)
    .whereNot('d.status', 'failed')
    .whereIn(['sr.chat_key', 'sr.message_id'], messages.map((m) => [m.chatKey, m.messageId]))
    .clearSelect()
    .select('sr.chat_key', 'sr.message_id');
  return new Set(rows.map((r) => messageKey({ chatKey: r.chat_key, messageId: r.message_id })));
}

/**
 * Which of `userKeys` the account replied to (or is replying to) within the last `windowDays`,
 * whatever the keywords; a failed reply does not count.
 */
export async function findRecentlyRepliedUsers(db: Knex, accountId: string, userKeys: string[], windowDays: number): Promise<Set<string>> {
  if (userKeys.length === 0) return new Set();
  const rows: Array<{ user_key: string }> = await replies(db)
    .where('sr.account_id', accountId)
    .whereIn('sr.user_key', userKeys)
    .whereNot('d.status', 'failed')
    .whereRaw(`coalesce(d.sent_at, sr.reserved_at) >= now() - (? * interval '1 day')`, [windowDays])
    .clearSelect()
    .distinct('sr.user_key');
  return new Set(rows.map((r) => r.user_key));
}

/**
 * Records each candidate as the search-reply of its delivery (by target key) for `jobId`. A
 * message whose earlier reply failed is taken over by the new one; the caller has made sure no
 * other reply to these messages is pending or sent.
 */
export async function insertSearchReplies(
  trx: Knex,
  input: { accountId: string; jobId: string; keywordsKey: string; candidates: ReplyCandidate[]; deliveryIds: Map<string, number> },
): Promise<void> {
  if (input.candidates.length === 0) return;
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
    delivery_id: input.deliveryIds.get(c.targetKey),
  }));
  await trx('search_replies')
    .insert(rows)
    .onConflict(['account_id', 'chat_key', 'message_id'])
    .merge(['user_key', 'keywords_key', 'job_id', 'target_key', 'username', 'user_name', 'chat_title', 'matched_text', 'delivery_id', 'reserved_at']);
}

/** The replies of a job, oldest first. */
export async function listJobReplies(db: Knex, jobId: string): Promise<SearchReply[]> {
  const rows: SearchReplyRow[] = await replies(db).where('sr.job_id', jobId).orderBy('sr.id');
  return rows.map(mapReply);
}

/** The replies of `ids`, in that order (those that exist). */
export async function findSearchReplies(db: Knex, ids: number[]): Promise<SearchReply[]> {
  const rows: SearchReplyRow[] = await replies(db).whereIn('sr.id', ids);
  const byId = new Map(rows.map((r) => [Number(r.id), mapReply(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
