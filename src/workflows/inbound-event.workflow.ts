import { proxyActivities } from '@temporalio/workflow';
import type { InboundActivities } from '../activities/inbound.activities';
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
 * Acts on one stored inbound event (`inbound-<event id>`): the pipeline decides and enqueues its
 * sends once, then each send run is delivered through the one send path — the account's pacing,
 * FloodWait handling and status checks — and closed. Re-run after a crash, it enqueues nothing
 * again and delivers only what is still pending.
 */
export async function inboundEventWorkflow(input: InboundEventInput): Promise<{ sent: number; runs: number }> {
  const { runs } = await pipeline.processInboundEvent({ eventId: input.eventId });
  let sent = 0;
  for (const run of runs) {
    const outcome = await deliverSendRun(input.sessionTaskQueue, run.runId, run.targetKeys);
    sent += outcome.sent;
    await pipeline.finishSendRun({ runId: run.runId, status: outcome.stopReason ? 'failed' : 'completed', error: outcome.stopReason });
  }
  return { sent, runs: runs.length };
}
