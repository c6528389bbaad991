import { loadDeliveryWork, redispatchDelivery, type DeliveryStatus } from '../db/repos/webhooks.repo';
import { attemptDelivery, failForDisabledHook, settleOutcomes, type WebhookDeliveryDeps } from '../services/webhook-delivery';

/** How long a superseded series' run waits before a dispatcher takes up the newer series: time for this run to close and free the workflow id. */
const SUPERSEDED_REDISPATCH_MS = 2_000;

/** Webhook delivery activities (task queue `autohub`): they touch only the database and the receiver. */
export function createWebhookActivities(deps: WebhookDeliveryDeps) {
  return {
    /**
     * Makes the next attempt of a delivery's series `series`, logged and settled. `stopped`: the
     * delivery is gone, settled or no longer of this series (nothing sent).
     */
    async attemptWebhookDelivery(input: { deliveryId: string; series: number; lastAttempt: boolean }): Promise<{ status: DeliveryStatus | 'stopped'; retryAfterMs?: number }> {
      const work = await loadDeliveryWork(deps.db, input.deliveryId);
      if (!work) return { status: 'stopped' };
      if (work.series !== input.series) {
        // A replay started while this run held the workflow id, so its own start found this one
        // running and left the delivery to it: give it back to a dispatcher.
        if (work.series > input.series) await redispatchDelivery(deps.db, work.id, SUPERSEDED_REDISPATCH_MS);
        return { status: 'stopped' };
      }
      if (work.status !== 'pending') return { status: 'stopped' };
      if (!work.webhook.enabled) {
        await failForDisabledHook(deps.db, [work]);
        return { status: 'failed' };
      }
      const [settled] = await settleOutcomes(deps, [await attemptDelivery(deps, work)], () => input.lastAttempt);
      return { status: settled!.settle, ...(settled!.retryAfterMs !== undefined && { retryAfterMs: settled!.retryAfterMs }) };
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
