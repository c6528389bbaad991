import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AbTestActivities } from '../activities/ab-test.activities';
import { deliverSendRun } from './send-path';
import { BUG_ERROR_TYPES, DECIDE_AB_TEST_SIGNAL, type AbTestInput } from './shared';

const records = proxyActivities<AbTestActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
});

export const decideAbTestSignal = defineSignal(DECIDE_AB_TEST_SIGNAL);

/**
 * A started A/B test (`abtest-<id>`): delivers each variant's send run through the one send path;
 * a sample test then waits `decideAfterMs` (or the `decideAbTest` signal of an early `complete`),
 * decides, and delivers the chosen variant to the groups held back.
 */
export async function abTestWorkflow(input: AbTestInput): Promise<{ sent: number }> {
  let decideNow = false;
  setHandler(decideAbTestSignal, () => {
    decideNow = true;
  });
  let sent = 0;
  const deliverAll = async (runs: Array<{ runId: string; targetKeys: string[] }>) => {
    for (const run of runs) {
      const outcome = await deliverSendRun(input.sessionTaskQueue, run.runId, run.targetKeys);
      sent += outcome.sent;
      await records.finishAbTestRun({ runId: run.runId, status: outcome.stopReason ? 'failed' : 'completed', error: outcome.stopReason });
    }
  };
  await deliverAll(await records.abTestRuns({ testId: input.testId, part: 'variants' }));
  if (input.decideAfterMs === null) return { sent };
  await condition(() => decideNow, input.decideAfterMs);
  await records.decideAbTest({ testId: input.testId });
  await deliverAll(await records.abTestRuns({ testId: input.testId, part: 'rest' }));
  return { sent };
}
