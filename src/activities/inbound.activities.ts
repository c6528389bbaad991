import type { Knex } from 'knex';
import type { SendRunStatus } from '../db/repos/send-runs.repo';
import {
  closeInboundSendRun,
  processInboundEvent,
  replanInboundEvent,
  type InboundPlan,
  type PipelineRevisit,
  type PipelineStage,
} from '../services/inbound-pipeline';

export interface InboundActivityDeps {
  db: Knex;
  /** The pipeline's stages, in order (anti-spam, welcome/goodbye, auto-reply). */
  stages: readonly PipelineStage[];
  /** What a woken event's workflow redoes (greeting a burst's joins). */
  revisit: PipelineRevisit;
}

/** Database-only activities of the inbound pipeline (task queue `autohub`). */
export function createInboundActivities({ db, stages, revisit }: InboundActivityDeps) {
  return {
    /** Decides and enqueues what inbound event `eventId` causes (once), and answers what its workflow still has to do. */
    async processInboundEvent(input: { eventId: number }): Promise<InboundPlan> {
      return processInboundEvent(db, input.eventId, stages, revisit);
    },

    /** What a woken event's workflow does now: a burst's greeting, once its window has passed. */
    async replanInboundEvent(input: { eventId: number }): Promise<InboundPlan> {
      return replanInboundEvent(db, input.eventId, revisit);
    },

    /** Closes a send run once its workflow has delivered what it could (see {@link closeInboundSendRun}). */
    async finishSendRun(input: { runId: string; status: SendRunStatus; error?: string }): Promise<void> {
      await closeInboundSendRun(db, input.runId, input.status, input.error);
    },
  };
}

export type InboundActivities = ReturnType<typeof createInboundActivities>;
