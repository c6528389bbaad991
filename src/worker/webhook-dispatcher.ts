/**
 * Takes up webhook deliveries as events queue them (told by the `autohub_webhook_deliveries`
 * notification, and sweeping for any it missed): claims due ones with a lease (`for update skip
 * locked`, so dispatchers of several workers share them; a dead one's lease runs out and its
 * deliveries are claimed again), makes each one's first attempt itself and starts the delivery's
 * workflow (`webhook-<delivery id>`) only for the retries — the pattern of the inbound actor. A
 * workflow per delivery from the first attempt costs Temporal round trips that keep a 2-core
 * machine far below the 500 deliveries/s it must carry (see README, bench/webhooks);
 * `inlineFirstAttempt: false` gives every delivery its workflow at once.
 *
 * Delivery is at least once: a dispatcher that dies after sending and before recording leaves the
 * delivery to be sent again, with the same `webhook-id` for receivers to de-duplicate on.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { WebhookConfig } from '../config';
import { claimDueDeliveries, releaseToWorkflows, type DeliveryWork } from '../db/repos/webhooks.repo';
import { attemptDelivery, failForDisabledHook, settleOutcomes, type WebhookDeliveryDeps } from '../services/webhook-delivery';
import { searchAttributesFor } from '../temporal/search-attributes';
import { MAIN_TASK_QUEUE, WEBHOOK_DELIVERY_WORKFLOW, webhookDeliveryWorkflowId, type WebhookDeliveryInput } from '../workflows/shared';

/** Deliveries one lane claims at a time. */
const BATCH = 50;
/** How often due deliveries are looked for without a notification (a missed one, a lease run out). */
const SWEEP_MS = 1_000;

export interface WebhookDispatcherOptions {
  deps: WebhookDeliveryDeps;
  temporal: Client;
  config: WebhookConfig;
  logger: Logger;
}

export class WebhookDispatcher {
  private readonly lanes: number;
  private readonly leaseMs: number;
  private active = 0;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.lanes = Math.max(1, Math.ceil(options.config.concurrency / BATCH));
    // Long enough for an attempt that waits its whole time limit, and its bookkeeping.
    this.leaseMs = 2 * options.config.timeoutMs + 10_000;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), SWEEP_MS);
    this.kick();
  }

  /** Stops claiming and waits for the attempts under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.active > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  /** Takes up whatever is due, in every lane not busy already. */
  kick(): void {
    while (!this.stopped && this.active < this.lanes) {
      this.active++;
      void this.lane()
        .catch((err) => this.options.logger.warn({ err }, 'webhook dispatch failed; its deliveries are taken up again when their lease runs out'))
        .finally(() => {
          this.active--;
          if (this.active === 0) for (const resolve of this.idle) resolve();
        });
    }
  }

  /** Claims and carries out batches until none is due. */
  private async lane(): Promise<void> {
    while (!this.stopped) {
      const claimed = await claimDueDeliveries(this.options.deps.db, BATCH, this.leaseMs);
      if (claimed.length === 0) return;
      await this.carryOut(claimed);
    }
  }

  private async carryOut(claimed: DeliveryWork[]): Promise<void> {
    const { deps, config } = this.options;
    const disabled = claimed.filter((w) => !w.webhook.enabled);
    await failForDisabledHook(deps.db, disabled);
    const live = claimed.filter((w) => w.webhook.enabled);
    if (!config.inlineFirstAttempt) return this.handOver(live.map((work) => ({ work, attemptsMade: 0 })));
    const outcomes = await Promise.all(live.map((work) => attemptDelivery(deps, work)));
    const settled = await settleOutcomes(deps, outcomes, () => config.retryScheduleMs.length === 0);
    await this.handOver(settled.filter((o) => o.settle === 'pending').map((o) => ({ work: o.work, attemptsMade: 1, retryAfterMs: o.retryAfterMs })));
  }

  /** Starts the workflows of these deliveries' series and leaves the deliveries to them; a failed start is taken up again after the lease. */
  private async handOver(items: Array<{ work: DeliveryWork; attemptsMade: number; retryAfterMs?: number }>): Promise<void> {
    const { temporal, config, logger, deps } = this.options;
    const started = await Promise.all(
      items.map(async ({ work, attemptsMade, retryAfterMs }) => {
        const input: WebhookDeliveryInput = {
          deliveryId: work.id,
          series: work.series,
          attemptsMade,
          retryScheduleMs: config.retryScheduleMs,
          ...(retryAfterMs !== undefined && { retryAfterMs }),
        };
        try {
          await temporal.workflow.start(WEBHOOK_DELIVERY_WORKFLOW, {
            workflowId: webhookDeliveryWorkflowId(work.id),
            taskQueue: MAIN_TASK_QUEUE,
            args: [input],
            memo: { userId: work.webhook.userId, webhookId: work.webhook.id, eventId: work.event.id, series: work.series },
            typedSearchAttributes: searchAttributesFor('webhook', { userId: work.webhook.userId, accountId: work.event.accountId }),
            // A replay or recover runs the id again once the previous series' run has closed.
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          });
        } catch (err) {
          // A run is carrying the delivery already (a start repeated after a crash); should it be
          // an older series', that run hands the delivery back (see the activity).
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
            logger.warn({ err, deliveryId: work.id }, 'webhook delivery workflow not started; retried when its lease runs out');
            return undefined;
          }
        }
        return { id: work.id, series: work.series };
      }),
    );
    await releaseToWorkflows(deps.db, started.filter((s) => s !== undefined));
  }
}
