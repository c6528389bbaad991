import { condition, continueAsNew, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DripActivities } from '../activities/drip.activities';
import { deliverSendRun } from './send-path';
import { BUG_ERROR_TYPES, DRIP_CHANGED_SIGNAL, type DripEnrollmentInput } from './shared';

const records = proxyActivities<DripActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
});

export const dripChangedSignal = defineSignal(DRIP_CHANGED_SIGNAL);

/** How long a paused enrollment waits before reading its row again, should a resume's signal be lost. */
const PAUSED_RECHECK_MS = 60 * 60_000;

/**
 * One target's enrollment in a drip campaign (`drip-<campaign id>-target-<key>`): reads where its
 * row stands, sleeps on a durable timer until the next step is due (woken early by the
 * `dripChanged` signal of a pause, resume or edit), and sends each step through the one send path.
 * The row decides; the signal only wakes.
 */
export async function dripEnrollmentWorkflow(input: DripEnrollmentInput): Promise<{ sent: number }> {
  let changed = false;
  setHandler(dripChangedSignal, () => {
    changed = true;
  });
  let sent = 0;
  for (;;) {
    const next = await records.nextDripStep({ enrollmentId: input.enrollmentId });
    if (next.kind === 'done') return { sent };
    if (next.kind !== 'send') {
      const waitMs = next.kind === 'paused' ? PAUSED_RECHECK_MS : Math.max(0, Date.parse(next.until) - Date.now());
      await condition(() => changed, waitMs);
      changed = false;
      continue;
    }
    for (const run of await records.enqueueDripStep({ enrollmentId: input.enrollmentId, step: next.step })) {
      const outcome = await deliverSendRun(input.sessionTaskQueue, run.runId, run.targetKeys);
      sent += outcome.sent;
      await records.finishDripStep({ enrollmentId: input.enrollmentId, step: next.step, runId: run.runId, status: outcome.stopReason ? 'failed' : 'completed', error: outcome.stopReason });
    }
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof dripEnrollmentWorkflow>(input);
  }
}
