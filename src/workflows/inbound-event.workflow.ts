import { proxyActivities, sleep } from '@temporalio/workflow';
import type { InboundActivities } from '../activities/inbound.activities';
import { moderationActivities } from './moderation.workflow';
import { deliverSendRun } from './send-path';
import { BUG_ERROR_TYPES, type InboundEventInput } from './shared';

/** The pipeline's records: retried for a few minutes of database trouble, never for a bug. */
const pipeline = proxyActivities<InboundActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 15,
    nonRetryableErrorTypes: [...BUG_ERROR_TYPES],
  },
});

/**
 * Acts on one stored inbound event (`inbound-<event id>`): the pipeline decides once what the
 * event causes; its moderation actions are carried out first (a spam message goes before anything
 * answers it), then each send run is delivered through the one send path — the account's pacing,
 * FloodWait handling and status checks — and closed. A burst of joins brings the workflow back
 * when its window has passed, to greet it. Re-run after a crash, it decides nothing again and
 * does only what is still pending.
 */
export async function inboundEventWorkflow(input: InboundEventInput): Promise<{ sent: number; runs: number }> {
  const moderator = moderationActivities(input.sessionTaskQueue);
  let plan = await pipeline.processInboundEvent({ eventId: input.eventId });
  let sent = 0;
  let runs = 0;
  for (;;) {
    // Histories recorded before moderation and bursts existed answer neither.
    for (const action of plan.moderation ?? []) await moderator.moderate({ logId: action.logId });
    for (const run of plan.runs) {
      const outcome = await deliverSendRun(input.sessionTaskQueue, run.runId, run.targetKeys);
      sent += outcome.sent;
      await pipeline.finishSendRun({ runId: run.runId, status: outcome.stopReason ? 'failed' : 'completed', error: outcome.stopReason });
    }
    runs += plan.runs.length;
    if (!plan.wakeAt) break;
    await sleep(Math.max(0, Date.parse(plan.wakeAt) - Date.now()));
    plan = await pipeline.replanInboundEvent({ eventId: input.eventId });
  }
  return { sent, runs };
}
