import { proxyActivities, sleep } from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/webhook.activities';
import { nextRetryDelayMs } from '../domain/webhook-retry';
import { BUG_ERROR_TYPES, type WebhookDeliveryInput, type WebhookDeliveryResult } from './shared';

// An attempt waits at most AUTOHUB_WEBHOOK_TIMEOUT_SECONDS (≤ 60 s) for its answer; the rest is bookkeeping.
// Retries here are of the activity itself (a worker lost mid-attempt, the database away), not of the delivery.
const deliveries = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30, nonRetryableErrorTypes: [...BUG_ERROR_TYPES] },
});

/**
 * One attempt series of a webhook delivery (`webhook-<delivery id>`): each retry after the wait
 * its schedule gives (jittered with the workflow's deterministic random, stretched to a longer
 * Retry-After), until the delivery is delivered or failed for good, or the activity finds it is
 * no longer this series' to send (a replay, a disabled or deleted hook).
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryResult> {
  let made = input.attemptsMade;
  let retryAfterMs = input.retryAfterMs;
  for (;;) {
    if (made > 0) {
      const waitMs = nextRetryDelayMs(input.retryScheduleMs, made - 1, Math.random(), retryAfterMs);
      // The activity settles the last scheduled attempt as failed, so the schedule never runs out here.
      if (waitMs === null) return { status: 'failed', attempts: made };
      await sleep(waitMs);
    }
    const outcome = await deliveries.attemptWebhookDelivery({
      deliveryId: input.deliveryId,
      series: input.series,
      lastAttempt: made >= input.retryScheduleMs.length,
    });
    if (outcome.status !== 'stopped') made++;
    if (outcome.status !== 'pending') return { status: outcome.status, attempts: made };
    retryAfterMs = outcome.retryAfterMs;
  }
}
