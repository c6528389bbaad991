import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { ScanActivities } from '../activities/scan.activities';
import type { ScanSessionActivities } from '../activities/scan-session.activities';
import {
  applyResolved,
  mergeCandidates,
  rankDiscovered,
  summarizeSources,
  usernamesToResolve,
  type SourceReport,
} from '../domain/discovery';
import { describeFailure, runScanJob, scanJobs, scanSession } from './scan-job';
import type { DiscoverParams, ScanJobInput, ScanJobResult } from './scan.shared';
import { BUG_ERROR_TYPES } from './shared';

/** Most candidates whose members or type are looked up through the account (each is one platform request). */
const RESOLVE_LIMIT = 20;

/** Most chats asked of each source: enough to fill `max_results` after filtering. */
function sourceLimit(maxResults: number): number {
  return Math.min(100, Math.max(20, maxResults * 2));
}

/**
 * `POST /api/v1/scan/discover`: asks the account's platform search (which must work: WhatsApp
 * has none, and the job fails with that reason) and the optional sources (which fail soft and
 * are reported one by one), merges what they found, looks up unknown member counts and types
 * through the account, leaves out known chats under `only_new`, and ranks by relevance.
 */
export async function discoverGroupsWorkflow(input: ScanJobInput<DiscoverParams>): Promise<ScanJobResult> {
  const p = input.params;
  const session = scanSession(input.sessionTaskQueue);
  // Optional sources get one attempt each, bounded by their own time limit, waiting for a worker included.
  const once = {
    startToCloseTimeout: p.sourceTimeoutMs + 30_000,
    scheduleToCloseTimeout: p.sourceTimeoutMs + 60_000,
    retry: { maximumAttempts: 1, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
  };
  const web = proxyActivities<ScanActivities>(once);
  const searchee = proxyActivities<ScanSessionActivities>({ ...once, taskQueue: input.sessionTaskQueue });
  const limit = sourceLimit(p.maxResults);

  return runScanJob(input.jobId, async () => {
    const platform = await session.discoverOnPlatform({ accountId: input.accountId, source: p.platform, query: p.query, limit });
    const optional = await Promise.all(
      p.sources.map((source): Promise<SourceReport> => {
        const asked =
          source === 'searchee'
            ? searchee.askSearchee({ jobId: input.jobId, accountId: input.accountId, query: p.query, timeoutMs: p.sourceTimeoutMs })
            : web.searchDiscoverySource({ source, query: p.query, limit, timeoutMs: p.sourceTimeoutMs });
        // The activities fail soft themselves; this covers one that did not finish in time at all.
        return asked.catch((err) => {
          if (isCancellation(err)) throw err;
          return { name: source, ok: false, error: describeFailure(err).message, chats: [] };
        });
      }),
    );
    const reports = [platform, ...optional];

    let candidates = mergeCandidates(reports);
    const unknown = usernamesToResolve(candidates, RESOLVE_LIMIT);
    if (unknown.length > 0) {
      candidates = applyResolved(candidates, await session.resolveDiscoveredChats({ accountId: input.accountId, usernames: unknown }));
    }
    const exclude = p.onlyNew
      ? await scanJobs.findKnownUsernames({ accountId: input.accountId, usernames: candidates.flatMap((c) => (c.username ? [c.username] : [])) })
      : [];
    const groups = rankDiscovered(candidates, {
      keywords: p.keywords ?? undefined,
      category: p.category ?? undefined,
      minMembers: p.minMembers,
      includeChannels: p.includeChannels,
      exclude,
      maxResults: p.maxResults,
    });
    await scanJobs.completeScanJob({
      jobId: input.jobId,
      result: {
        account_id: input.accountId,
        groups,
        total: groups.length,
        sources: summarizeSources(reports),
      },
    });
  });
}
