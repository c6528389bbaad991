import type { Knex } from 'knex';
import * as scans from '../db/repos/scan.repo';
import { listJobReplies, markSearchReplyFailed } from '../db/repos/scan-replies.repo';
import type { ExternalDiscoverySource, SourceReport } from '../domain/discovery';
import { askSource, createHttpDiscoverySources, type DiscoverySourceAdapter } from './scan-sources';

export interface ScanActivityDeps {
  db: Knex;
  /** TGStat search API token; without it the TGStat source reports itself unconfigured. */
  tgstatToken?: string;
  /** Replaces the HTTP discovery sources (tests). */
  sources?: Partial<Record<ExternalDiscoverySource, DiscoverySourceAdapter>>;
}

/** Database and web activities of scan jobs (task queue `autohub`); none touches a session. */
export function createScanActivities({ db, tgstatToken, sources }: ScanActivityDeps) {
  const adapters: Partial<Record<ExternalDiscoverySource, DiscoverySourceAdapter>> = {
    ...createHttpDiscoverySources({ tgstatToken }),
    ...sources,
  };
  return {
    async completeScanJob(input: { jobId: string; result: object }): Promise<void> {
      await scans.completeScanJob(db, input.jobId, input.result);
    },

    async failScanJob(input: { jobId: string; error: string; errorType: string | null }): Promise<void> {
      await scans.failScanJob(db, input.jobId, input.error, input.errorType);
    },

    /**
     * Completes a search-reply job from its ledger: who was replied to (in the order they were
     * reserved), how many matched users had been replied to within the window already, and the
     * replies that failed.
     */
    async finishSearchReplyJob(input: { jobId: string; accountId: string; keywords: string; matched: number }): Promise<void> {
      const replies = await listJobReplies(db, input.jobId);
      const sent = replies.filter((r) => r.status === 'sent');
      const failed = replies.filter((r) => r.status === 'failed');
      await scans.completeScanJob(db, input.jobId, {
        account_id: input.accountId,
        keywords: input.keywords,
        replied_to: sent.length,
        details: sent.map((r) => ({
          user: r.username || r.userName || r.userKey,
          chat: r.chatTitle,
          matched_text: r.matchedText,
        })),
        matched_users: input.matched,
        already_replied: input.matched - replies.length,
        failed: failed.map((r) => ({ user: r.username || r.userName || r.userKey, error: r.error })),
      });
    },

    /** Fails the job's replies that were never sent (the account stopped being able to send). */
    async failPendingSearchReplies(input: { jobId: string; error: string }): Promise<void> {
      for (const reply of await listJobReplies(db, input.jobId)) {
        if (reply.status === 'pending') await markSearchReplyFailed(db, reply.id, input.error);
      }
    },

    /** Which of `usernames` the account already knows (its scanned chats), lower-cased. */
    async findKnownUsernames(input: { accountId: string; usernames: string[] }): Promise<string[]> {
      return scans.findKnownUsernames(db, input.accountId, input.usernames);
    },

    /** Asks one optional discovery source; never fails — a failure is reported in the answer. */
    async searchDiscoverySource(input: {
      source: Exclude<ExternalDiscoverySource, 'searchee'>;
      query: string;
      limit: number;
      timeoutMs: number;
    }): Promise<SourceReport> {
      const adapter = adapters[input.source];
      if (!adapter) return { name: input.source, ok: false, error: 'not available on this worker', chats: [] };
      return askSource(adapter, input.query, { limit: input.limit, timeoutMs: input.timeoutMs });
    },
  };
}

export type ScanActivities = ReturnType<typeof createScanActivities>;
