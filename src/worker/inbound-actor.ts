/**
 * Acts on each inbound event the worker stored, at once and in the worker itself (see
 * activities/inbound-inline), a few at a time. The event's workflow start was held back when the
 * event was stored: an attempt that finished everything cancels it, one that could not (a wait,
 * a failure) makes it due now so the workflow does the rest, and should the worker die mid-way the
 * held-back start goes out by itself once its delay is over. So the pipeline keeps its durability
 * and exactly-once sends, and an auto-reply leaves within milliseconds rather than Temporal round
 * trips. Past `maxQueued` waiting events, new ones go straight to their workflows.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { InlineOutcome } from '../activities/inbound-inline';
import { cancelPendingStart, hastenPendingStart } from '../db/repos/temporal-outbox.repo';
import { inboundEventWorkflowId } from '../workflows/shared';

export interface InboundActorOptions {
  db: Knex;
  logger: Logger;
  namespace: string;
  act: (eventId: number) => Promise<InlineOutcome>;
  /** Events acted on at the same time. */
  concurrency: number;
  /** Events waiting beyond which new ones are handed to their workflows at once. */
  maxQueued: number;
  /** Told when a start was made due, so the outbox sends it out without waiting for its sweep. */
  onHandover: () => void;
}

export class InboundActor {
  private readonly queue: number[] = [];
  private running = 0;
  private stopped = false;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: InboundActorOptions) {}

  /** Acts on stored event `eventId` as soon as a place is free. */
  submit(eventId: number): void {
    if (this.stopped || this.queue.length >= this.options.maxQueued) {
      void this.handOver(eventId);
      return;
    }
    this.queue.push(eventId);
    this.next();
  }

  /** Stops taking events (new and waiting ones go to their workflows) and waits for those under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const eventId of this.queue.splice(0)) await this.handOver(eventId);
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  private next(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const eventId = this.queue.shift()!;
      this.running++;
      void this.attempt(eventId).finally(() => {
        this.running--;
        if (this.running === 0) for (const resolve of this.idle) resolve();
        this.next();
      });
    }
  }

  private async attempt(eventId: number): Promise<void> {
    const { db, namespace, logger } = this.options;
    try {
      const outcome = this.stopped ? 'handover' : await this.options.act(eventId);
      if (outcome === 'done') await cancelPendingStart(db, namespace, inboundEventWorkflowId(eventId));
      else await this.handOver(eventId);
    } catch (err) {
      logger.warn({ err, eventId }, 'inbound event handed to its workflow after a failed first attempt');
      await this.handOver(eventId);
    }
  }

  private async handOver(eventId: number): Promise<void> {
    try {
      if (await hastenPendingStart(this.options.db, this.options.namespace, inboundEventWorkflowId(eventId))) this.options.onHandover();
    } catch (err) {
      // The start goes out by itself once its delay is over.
      this.options.logger.warn({ err, eventId }, 'inbound event left to its delayed workflow start');
    }
  }
}
