import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Knex } from 'knex';
import { findAnyAccount } from '../db/repos/accounts.repo';
import { upsertChats } from '../db/repos/chats.repo';
import type { PacedSendDeps } from './send-pacing';
import { completeScanJob } from '../db/repos/scan.repo';
import { findSearchReplies } from '../db/repos/scan-replies.repo';
import type { DiscoveryCandidate, ResolvedCandidate, SourceReport } from '../domain/discovery';
import { parseSearcheeReplies } from '../domain/discovery-sources';
import { filterChatsByActivity, selectChatsToSearch } from '../domain/scan-filters';
import { chatScanView, foundMessagesView } from '../domain/scan-results';
import { messageKey, pickReplyCandidates } from '../domain/search-reply';
import type { SessionPool } from '../platforms/session-pool';
import { isPlatformError, PlatformError, type MessageInfo, type MessageSearch, type PlatformSession } from '../domain/platform-port';
import { enqueueSearchReplies } from '../services/search-replies';
import type { ChatScanParams, MessageScanParams, ScanJobInput, SearchReplyParams } from '../workflows/scan.shared';
import { FailureTypes } from '../workflows/shared';
import { rethrowPlatformFailure } from './send-failures';
import { createSendActivities } from './send.activities';
import { describeSourceError } from './scan-sources';

export interface ScanSessionActivityDeps extends PacedSendDeps {
  db: Knex;
  pool: SessionPool;
}

/** Chats searched per call to the session; the activity heartbeats between calls. */
const SEARCH_BATCH = 10;

/** The bot the SearcheeBot discovery source asks. */
const SEARCHEE_BOT = '@SearcheeBot';

/** How often the SearcheeBot source looks for the bot's answer. */
const SEARCHEE_POLL_MS = 1_000;

/** What a batch of search-replies sent, and what is left for after `deferUntil` (workflows from before the one send path). */
export interface ReplyBatchResult {
  remaining: number[];
  /** ISO time before which the remaining replies may not go out (pacing, FloodWait). */
  deferUntil?: string;
}

/** Scan, search, search-reply and discovery work on an account's live session (task queues `sessions-<shard>`). */
export function createScanSessionActivities(deps: ScanSessionActivityDeps) {
  const { db, pool } = deps;
  const send = createSendActivities(deps);
  const onSession = async <T>(accountId: string, work: (session: PlatformSession) => Promise<T>): Promise<T> => {
    try {
      return await pool.use(accountId, work);
    } catch (err) {
      return rethrowPlatformFailure(err, { db, accountId, retryRateLimits: true });
    }
  };

  /** Searches `chatKeys` a batch at a time, keeping what `keep` accepts, heartbeating between batches. */
  const searchChats = async (
    accountId: string,
    chatKeys: string[],
    search: Omit<MessageSearch, 'chatKeys'>,
    keep: (m: MessageInfo) => boolean = () => true,
  ): Promise<MessageInfo[]> => {
    const found: MessageInfo[] = [];
    for (let i = 0; i < chatKeys.length; i += SEARCH_BATCH) {
      heartbeat({ searched: i });
      const chatBatch = chatKeys.slice(i, i + SEARCH_BATCH);
      const messages = await onSession(accountId, (s) => s.searchMessages({ ...search, chatKeys: chatBatch }));
      found.push(...messages.filter(keep));
    }
    return found;
  };

  return {
    /** Lists the account's chats, keeps those active since the cutoff, stores them and completes the job. */
    async scanChats(input: ScanJobInput<ChatScanParams>): Promise<void> {
      const chats = await onSession(input.accountId, (s) => s.listChats());
      const kept = filterChatsByActivity(chats, input.params.cutoffMs);
      await upsertChats(db, input.accountId, kept);
      await completeScanJob(db, input.jobId, { account_id: input.accountId, ...chatScanView(kept) });
    },

    /** Searches the chosen chats for the query within the window and completes the job with what it found. */
    async searchChatMessages(input: ScanJobInput<MessageScanParams>): Promise<void> {
      const p = input.params;
      const chats = selectChatsToSearch(await onSession(input.accountId, (s) => s.listChats()), p.targetType, p.maxChats);
      const found = await searchChats(
        input.accountId,
        chats.map((c) => c.key),
        { query: p.query, perChatLimit: p.perChatLimit, since: toDate(p.sinceMs), until: toDate(p.untilMs) },
      );
      const results = foundMessagesView(found);
      await completeScanJob(db, input.jobId, {
        account_id: input.accountId,
        query: p.query,
        results,
        total: results.length,
        chats_searched: chats.length,
      });
    },

    /**
     * Searches the chosen chats for each keyword (at most `perChatLimit` messages per chat and
     * keyword), picks one message per user that contains a keyword, and enqueues a send run of
     * the replies: one to each user whose message was never answered and who was not replied to
     * within the window (see `enqueueSearchReplies`). Returns the run and its targets to deliver
     * (`deliverMessages`), and, for workflows from before the one send path, the reply ids.
     */
    async collectSearchReplies(
      input: ScanJobInput<SearchReplyParams>,
    ): Promise<{ matched: number; replyIds: number[]; runId: string; targetKeys: string[] }> {
      const p = input.params;
      const account = await findAnyAccount(db, input.accountId);
      if (!account) throw ApplicationFailure.nonRetryable(`account ${input.accountId} no longer exists`, FailureTypes.NotFound);
      const self = await onSession(input.accountId, (s) => s.getProfile());
      const chatKeys = selectChatsToSearch(await onSession(input.accountId, (s) => s.listChats()), p.targetType, p.maxChats).map((c) => c.key);
      const matching = new Map<string, MessageInfo>();
      for (const keyword of p.keywordList) {
        // Platform searches match words loosely; a reply needs the keyword itself in the text.
        const found = await searchChats(input.accountId, chatKeys, { query: keyword, perChatLimit: p.perChatLimit, since: null, until: null }, (m) =>
          m.text.toLowerCase().includes(keyword),
        );
        for (const m of found) matching.set(messageKey(m), m);
      }
      const candidates = pickReplyCandidates([...matching.values()], p.keywordList, { platform: account.platform, selfId: self.id });
      const { runId, replies } = await enqueueSearchReplies(db, {
        accountId: input.accountId,
        jobId: input.jobId,
        keywordsKey: p.keywordsKey,
        replyText: p.replyText,
        windowDays: p.windowDays,
        allowRepeat: p.allowRepeat ?? false,
        candidates,
      });
      const pending = replies.filter((r) => r.status === 'pending');
      return { matched: candidates.length, replyIds: pending.map((r) => r.id), runId, targetKeys: pending.map((r) => r.targetKey) };
    },

    /**
     * Sends reserved replies through the one send path (`deliverMessages` on their send run).
     * Kept only for search-reply workflows started before the `one-send-path` patch, which still
     * schedule it; remove it with that patch once none of them is running.
     */
    async sendSearchReplies(input: { replyIds: number[]; replyText: string }): Promise<ReplyBatchResult> {
      const replies = await findSearchReplies(db, input.replyIds);
      const [first] = replies;
      if (!first) return { remaining: [] };
      const batch = await send.deliverMessages({ runId: first.runId, targetKeys: replies.map((r) => r.targetKey) });
      const remaining = new Set(batch.remaining);
      return { remaining: replies.filter((r) => remaining.has(r.targetKey)).map((r) => r.id), deferUntil: batch.deferUntil };
    },

    /**
     * The platform's own public search. Unlike the optional sources it does not fail soft: a
     * platform without one (WhatsApp) fails the discovery with its reason.
     */
    async discoverOnPlatform(input: { accountId: string; source: string; query: string; limit: number }): Promise<SourceReport> {
      const found = await onSession(input.accountId, (s) => s.discoverChats({ keywords: input.query, limit: input.limit }));
      const chats: DiscoveryCandidate[] = found.flatMap((c) =>
        c.type === 'contact' ? [] : [{ title: c.title, username: c.username, members: c.members, type: c.type, description: c.description }],
      );
      return { name: input.source, ok: true, chats };
    },

    /**
     * The SearcheeBot source: sends the query to the bot from the account and reads the chats
     * its answer names. Fails soft: an unreachable bot or no answer within `timeoutMs` is
     * reported, not thrown.
     */
    async askSearchee(input: { jobId: string; accountId: string; query: string; timeoutMs: number }): Promise<SourceReport> {
      const name = 'searchee';
      const deadline = Date.now() + input.timeoutMs;
      try {
        return await pool.use(input.accountId, async (session) => {
          const sent = await session.sendMessage({ targetKey: SEARCHEE_BOT, text: input.query, clientMessageId: `searchee-${input.jobId}` });
          const since = new Date(sent.sentAt.getTime() - 1000);
          // The bot answers after a moment, sometimes with a "searching…" note first: poll until it names chats.
          for (;;) {
            const messages = await session.searchMessages({ query: '', chatKeys: [SEARCHEE_BOT], perChatLimit: 20, since, until: null });
            const answers = messages.filter((m) => m.fromId === m.chatId || m.fromUsername?.toLowerCase() === 'searcheebot');
            const chats = parseSearcheeReplies(answers.map((m) => m.text));
            if (chats.length > 0) return { name, ok: true, chats };
            if (Date.now() + SEARCHEE_POLL_MS > deadline) {
              return { name, ok: false, error: `no answer within ${input.timeoutMs / 1000}s`, chats: [] };
            }
            heartbeat();
            await new Promise((resolve) => setTimeout(resolve, SEARCHEE_POLL_MS));
          }
        });
      } catch (err) {
        const reason = err instanceof PlatformError ? err.message : describeSourceError(err, input.timeoutMs);
        return { name, ok: false, error: `SearcheeBot unreachable: ${reason}`, chats: [] };
      }
    },

    /**
     * Looks `usernames` up through the account to learn their titles, member counts and types.
     * A username that does not exist, or names a user rather than a chat, maps to null; one that
     * cannot be read is left out. A rate limit or lost connection ends the look-ups with what
     * they found: they only add facts.
     */
    async resolveDiscoveredChats(input: { accountId: string; usernames: string[] }): Promise<Record<string, ResolvedCandidate>> {
      const resolved: Record<string, ResolvedCandidate> = {};
      try {
        await pool.use(input.accountId, async (session) => {
          for (const username of input.usernames) {
            heartbeat();
            try {
              const target = await session.resolveTarget(`@${username}`);
              resolved[username] = target.type === 'contact' ? null : { title: target.title, members: target.members, type: target.type };
            } catch (err) {
              if (isPlatformError(err, 'not_found')) resolved[username] = null;
              else if (!isPlatformError(err, 'forbidden', 'invalid')) throw err;
            }
          }
        });
      } catch (err) {
        if (!(err instanceof PlatformError)) throw err;
      }
      return resolved;
    },
  };
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

export type ScanSessionActivities = ReturnType<typeof createScanSessionActivities>;
