import { sleep } from '@temporalio/workflow';
import { describeFailure, runScanJob, scanJobs, scanSession } from './scan-job';
import { PlatformFailureTypes, type ScanJobInput, type ScanJobResult, type SearchReplyParams } from './scan.shared';

/** Failures after which the account cannot send any more replies. */
const ACCOUNT_FAILURES: readonly string[] = [PlatformFailureTypes.AccountRestricted, PlatformFailureTypes.AuthRevoked];

/**
 * `POST /api/v1/scan/search-reply`: finds the users whose recent messages contain a keyword,
 * reserves one reply per user not answered for these keywords within the window, and sends
 * them privately through the account's send budget. A wait the budget or a FloodWait imposes
 * beyond the activity's inline limit is a durable timer here. A reply that cannot be delivered
 * fails alone; an account that can no longer send fails the remaining replies and the job.
 */
export async function searchReplyWorkflow(input: ScanJobInput<SearchReplyParams>): Promise<ScanJobResult> {
  const session = scanSession(input.sessionTaskQueue);
  return runScanJob(input.jobId, async () => {
    const { matched, replyIds } = await session.collectSearchReplies(input);
    let remaining = replyIds;
    while (remaining.length > 0) {
      try {
        const batch = await session.sendSearchReplies({ replyIds: remaining, replyText: input.params.replyText });
        remaining = batch.remaining;
        if (batch.deferUntil) await sleep(Math.max(0, Date.parse(batch.deferUntil) - Date.now()));
      } catch (err) {
        const { message, type } = describeFailure(err);
        await scanJobs.failPendingSearchReplies({ jobId: input.jobId, error: message });
        if (type !== null && ACCOUNT_FAILURES.includes(type)) throw err;
        remaining = [];
      }
    }
    await scanJobs.finishSearchReplyJob({ jobId: input.jobId, accountId: input.accountId, keywords: input.params.keywords, matched });
  });
}
