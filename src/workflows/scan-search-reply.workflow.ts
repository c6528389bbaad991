import { patched, sleep } from '@temporalio/workflow';
import { describeFailure, runScanJob, scanJobs, scanSession } from './scan-job';
import type { ScanJobInput, ScanJobResult, SearchReplyParams } from './scan.shared';
import { sendActivities } from './send-path';
import { ACCOUNT_LEVEL_FAILURES } from './shared';

/** A batch of sends: what is left, and until when it must wait. */
type SendBatch = { remaining: unknown[]; deferUntil?: string };

/**
 * `POST /api/v1/scan/search-reply`: finds the users whose recent messages contain a keyword,
 * enqueues a send run of one reply per user not answered within the window (never to a message
 * answered before), and delivers it through the one send path: the account's send budget and
 * status checks. A wait the budget or a FloodWait imposes beyond the activity's inline limit is
 * a durable timer here. A reply that cannot be delivered fails alone; an account that can no
 * longer send fails the remaining replies and the job.
 */
export async function searchReplyWorkflow(input: ScanJobInput<SearchReplyParams>): Promise<ScanJobResult> {
  const session = scanSession(input.sessionTaskQueue);
  return runScanJob(input.jobId, async () => {
    const collected = await session.collectSearchReplies(input);
    // Workflows started before the one send path deliver through the old activity's name.
    let send: () => Promise<SendBatch>;
    if (patched('one-send-path')) {
      const sender = sendActivities(input.sessionTaskQueue);
      let targetKeys = collected.targetKeys;
      send = async () => {
        const batch = await sender.deliverMessages({ runId: collected.runId, targetKeys });
        targetKeys = batch.remaining;
        return batch;
      };
    } else {
      let replyIds = collected.replyIds;
      send = async () => {
        const batch = await session.sendSearchReplies({ replyIds, replyText: input.params.replyText });
        replyIds = batch.remaining;
        return batch;
      };
    }
    let more = collected.replyIds.length > 0;
    while (more) {
      try {
        const batch = await send();
        more = batch.remaining.length > 0;
        if (batch.deferUntil) await sleep(Math.max(0, Date.parse(batch.deferUntil) - Date.now()));
      } catch (err) {
        const { message, type } = describeFailure(err);
        await scanJobs.failPendingSearchReplies({ jobId: input.jobId, error: message });
        if (type !== null && ACCOUNT_LEVEL_FAILURES.includes(type)) throw err;
        more = false;
      }
    }
    await scanJobs.finishSearchReplyJob({ jobId: input.jobId, accountId: input.accountId, keywords: input.params.keywords, matched: collected.matched });
  });
}
