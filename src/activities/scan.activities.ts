import type { Knex } from 'knex';
import * as scans from '../db/repos/scan.repo';
import { listJobReplies } from '../db/repos/scan-replies.repo';
import { finishSendRun, findSendRunId } from '../db/repos/send-runs.repo';
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
  /** Closes the send run of a search-reply job, if it has one still running. */
  const closeJobSendRun = async (jobId: string, status: 'completed' | 'failed', error?: string) => {
    await db.transaction(async (trx) => {
      // Job ids are unique, so the job's run is found by origin and job id alone.
      const runId = await findSendRunId(trx, { origin: 'search_reply', businessKey: jobId });
      if (runId) await finishSendRun(trx, runId, status, error);
    });
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
     * replies that failed. The job's send run closes with it.
     */
    async finishSearchReplyJob(input: { jobId: string; accountId: string; keywords: string; matched: number }): Promise<void> {
      await closeJobSendRun(input.jobId, 'completed');
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

    /** Fails the job's replies that were never sent (the account stopped being able to send), closing its send run. */
    async failPendingSearchReplies(input: { jobId: string; error: string }): Promise<void> {
      await closeJobSendRun(input.jobId, 'failed', input.error);
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
