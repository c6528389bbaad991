import { proxyActivities } from '@temporalio/workflow';
import type { InboundWebhookActivities } from '../activities/inbound-webhook.activities';
import { deliverSendRun } from './send-path';
import { BUG_ERROR_TYPES, type InboundWebhookInput } from './shared';

const records = proxyActivities<InboundWebhookActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
});

/**
 * Runs the action of one request an inbound webhook accepted (`inbound-webhook-<receipt id>`):
 * the action commits with its outcome on the receipt, and a message it sends goes through the one
 * send path, its outcome recorded on the receipt too.
 */
export async function inboundWebhookWorkflow(input: InboundWebhookInput): Promise<{ sent: number }> {
  const step = await records.performInboundWebhookAction({ receiptId: input.receiptId });
  if (step.kind === 'done') return { sent: 0 };
  const outcome = await deliverSendRun(step.sessionTaskQueue, step.runId, step.targetKeys);
  await records.finishInboundWebhookSend({ receiptId: input.receiptId, runId: step.runId, error: outcome.stopReason });
  return { sent: outcome.sent };
}
