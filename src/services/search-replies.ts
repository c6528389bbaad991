import type { Knex } from 'knex';
import { findAnsweredMessages, findRecentlyRepliedUsers, insertSearchReplies, listJobReplies, type SearchReply } from '../db/repos/scan-replies.repo';
import { pickNewReplies, type ReplyCandidate } from '../domain/search-reply';
import { enqueueSendRun } from './send-runs';

/** A search-reply job's replies to enqueue. */
export interface SearchReplyRequest {
  accountId: string;
  jobId: string;
  keywordsKey: string;
  replyText: string;
  /** A user is not replied to twice within this many days, whatever the keywords… */
  windowDays: number;
  /** …unless this allows it (a message is still never answered twice). */
  allowRepeat: boolean;
  candidates: ReplyCandidate[];
}

/** The replies a job enqueued and the send run that delivers them. */
export interface EnqueuedSearchReplies {
  runId: string;
  replies: SearchReply[];
}

/**
 * Enqueues a job's replies as a send run of origin `search_reply` keyed by the job: one reply to
 * each candidate whose message was never answered and who was not replied to within the window
 * (unless `allowRepeat`). Enqueueing again for the same job (a retried activity) answers the
 * replies it enqueued the first time and adds none. An account's search-replies are enqueued one
 * at a time, so two jobs never both take the same user or message.
 */
export async function enqueueSearchReplies(db: Knex, request: SearchReplyRequest): Promise<EnqueuedSearchReplies> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`search-reply:${request.accountId}`]);
    const account = await trx('accounts').where({ id: request.accountId }).first<{ user_id: string } | undefined>('user_id');
    if (!account) throw new Error(`account ${request.accountId} no longer exists`);
    const answered = await findAnsweredMessages(trx, request.accountId, request.candidates);
    const recent = request.allowRepeat
      ? new Set<string>()
      : await findRecentlyRepliedUsers(trx, request.accountId, request.candidates.map((c) => c.userKey), request.windowDays);
    const chosen = pickNewReplies(request.candidates, { answeredMessages: answered, recentUsers: recent });
    const run = await enqueueSendRun(trx, {
      userId: account.user_id,
      accountId: request.accountId,
      origin: 'search_reply',
      businessKey: request.jobId,
      messages: chosen.map((c) => ({ targetKey: c.targetKey, text: request.replyText })),
    });
    if (run.created) {
      const deliveryIds = new Map(run.deliveries.map((d) => [d.targetKey, d.id]));
      await insertSearchReplies(trx, { accountId: request.accountId, jobId: request.jobId, keywordsKey: request.keywordsKey, candidates: chosen, deliveryIds });
    }
    const order = new Map(request.candidates.map((c, i) => [c.userKey, i]));
    const replies = (await listJobReplies(trx, request.jobId)).sort((a, b) => (order.get(a.userKey) ?? Infinity) - (order.get(b.userKey) ?? Infinity));
    return { runId: run.id, replies };
  });
}
