import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import type { Knex } from 'knex';
import { findAnyAccount } from '../db/repos/accounts.repo';
import { upsertChats } from '../db/repos/chats.repo';
import { pauseSends, reserveSlot } from '../db/repos/pacing.repo';
import { waitForSlot, type PacedSendDeps } from './send-pacing';
import { completeScanJob } from '../db/repos/scan.repo';
import { findSearchReply, markSearchReplyFailed, markSearchReplySent, reserveSearchReplies } from '../db/repos/scan-replies.repo';
import type { DiscoveryCandidate, ResolvedCandidate, SourceReport } from '../domain/discovery';
import { parseSearcheeReplies } from '../domain/discovery-sources';
import { filterChatsByActivity, selectChatsToSearch } from '../domain/scan-filters';
import { chatScanView, foundMessagesView } from '../domain/scan-results';
import { pickReplyCandidates } from '../domain/search-reply';
import type { SessionPool } from '../platforms/session-pool';
import { isPlatformError, PERMANENT_TARGET_ERRORS, PlatformError, type MessageInfo, type MessageSearch, type PlatformSession } from '../platforms/types';
import { PlatformFailureTypes, type ChatScanParams, type MessageScanParams, type ScanJobInput, type SearchReplyParams } from '../workflows/scan.shared';
import { rethrowPlatformFailure } from './scan-failures';
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

/** What a batch of search-replies sent, and what is left for after `deferUntil`. */
export interface ReplyBatchResult {
  remaining: number[];
  /** ISO time before which the remaining replies may not go out (pacing, FloodWait). */
  deferUntil?: string;
}

/** Scan, search, search-reply and discovery work on an account's live session (task queues `sessions-<shard>`). */
export function createScanSessionActivities({ db, pool, maxInlineWaitMs = 10_000, draining }: ScanSessionActivityDeps) {
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
     * keyword), picks one message per user that contains a keyword, and reserves a reply to each
     * user not replied to for these keywords within the window. Returns the ids of the replies
     * still to send.
     */
    async collectSearchReplies(input: ScanJobInput<SearchReplyParams>): Promise<{ matched: number; replyIds: number[] }> {
      const p = input.params;
      const account = await findAnyAccount(db, input.accountId);
      if (!account) throw ApplicationFailure.nonRetryable(`account ${input.accountId} no longer exists`, PlatformFailureTypes.NotFound);
      const self = await onSession(input.accountId, (s) => s.getProfile());
      const chatKeys = selectChatsToSearch(await onSession(input.accountId, (s) => s.listChats()), p.targetType, p.maxChats).map((c) => c.key);
      const matching = new Map<string, MessageInfo>();
      for (const keyword of p.keywordList) {
        // Platform searches match words loosely; a reply needs the keyword itself in the text.
        const found = await searchChats(input.accountId, chatKeys, { query: keyword, perChatLimit: p.perChatLimit, since: null, until: null }, (m) =>
          m.text.toLowerCase().includes(keyword),
        );
        for (const m of found) matching.set(`${m.chatKey}\n${m.messageId}`, m);
      }
      const candidates = pickReplyCandidates([...matching.values()], p.keywordList, { platform: account.platform, selfId: self.id });
      const reserved = await reserveSearchReplies(db, {
        accountId: input.accountId,
        keywordsKey: p.keywordsKey,
        jobId: input.jobId,
        windowDays: p.windowDays,
        candidates,
      });
      return { matched: candidates.length, replyIds: reserved.filter((r) => r.status === 'pending').map((r) => r.id) };
    },

    /**
     * Sends reserved replies in order, each through the account's send budget and once only: a
     * settled reply is skipped, and its client message id lets the platform drop a repeat whose
     * result a crash lost. A user who cannot be written to fails alone. A wait longer than the
     * inline limit (pacing or FloodWait) is handed back to the workflow as `deferUntil`.
     */
    async sendSearchReplies(input: { replyIds: number[]; replyText: string }): Promise<ReplyBatchResult> {
      const ctx = Context.current();
      for (let i = 0; i < input.replyIds.length; i++) {
        ctx.heartbeat({ settled: i });
        const reply = await findSearchReply(db, input.replyIds[i]!);
        if (!reply || reply.status !== 'pending') continue;

        if (draining?.aborted) return { remaining: input.replyIds.slice(i) };
        const slot = await reserveSlot(db, reply.accountId, reply.clientMessageId);
        const deferUntil = await waitForSlot(ctx, slot.at, { maxInlineWaitMs, draining, heartbeatDetails: { settled: i } });
        if (deferUntil) return { remaining: input.replyIds.slice(i), deferUntil: deferUntil.toISOString() };

        try {
          const sent = await pool.use(reply.accountId, (s) =>
            s.sendMessage({ targetKey: reply.targetKey, text: input.replyText, clientMessageId: reply.clientMessageId }),
          );
          await markSearchReplySent(db, reply.id, sent.sentAt);
        } catch (err) {
          if (isPlatformError(err, 'rate_limited')) {
            const until = new Date(Date.now() + (err.retryAfterSeconds ?? 1) * 1000);
            await pauseSends(db, reply.accountId, until);
            if (until.getTime() - Date.now() > maxInlineWaitMs) return { remaining: input.replyIds.slice(i), deferUntil: until.toISOString() };
            i--; // the same user again, once the pause has passed
            continue;
          }
          if (isPlatformError(err, ...PERMANENT_TARGET_ERRORS)) {
            await markSearchReplyFailed(db, reply.id, err.message);
            continue;
          }
          await rethrowPlatformFailure(err, { db, accountId: reply.accountId, retryRateLimits: true });
        }
      }
      return { remaining: [] };
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
