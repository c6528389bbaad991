import { finishInboundSend, performInboundAction, type InboundActionDeps, type InboundActionStep } from '../services/inbound-webhook-actions';

/** Database-only activities of inbound webhooks' workflows (task queue `autohub`). */
export function createInboundWebhookActivities(deps: InboundActionDeps) {
  return {
    /** Carries out a receipt's action once; answers the send run still to deliver, if any. */
    async performInboundWebhookAction(input: { receiptId: string }): Promise<InboundActionStep> {
      return performInboundAction(deps, input.receiptId);
    },
    /** Closes a receipt's send run and records the send's outcome on the receipt. */
    async finishInboundWebhookSend(input: { receiptId: string; runId: string; error?: string }): Promise<void> {
      await finishInboundSend(deps.db, input.receiptId, input.runId, input.error);
    },
  };
}

export type InboundWebhookActivities = ReturnType<typeof createInboundWebhookActivities>;
