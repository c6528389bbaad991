import type { Knex } from 'knex';
import { finishSendRun, type SendRunStatus } from '../db/repos/send-runs.repo';
import { processInboundEvent, type PipelineStage, type PlannedRun } from '../services/inbound-pipeline';

export interface InboundActivityDeps {
  db: Knex;
  /** The pipeline's stages, in order (anti-spam, welcome/goodbye, auto-reply). */
  stages: readonly PipelineStage[];
}

/** Database-only activities of the inbound pipeline (task queue `autohub`). */
export function createInboundActivities({ db, stages }: InboundActivityDeps) {
  return {
    /** Decides and enqueues what inbound event `eventId` causes (once), and answers the send runs still to deliver. */
    async processInboundEvent(input: { eventId: number }): Promise<{ runs: PlannedRun[] }> {
      return { runs: await processInboundEvent(db, input.eventId, stages) };
    },

    /** Closes a send run once its workflow has delivered what it could. */
    async finishSendRun(input: { runId: string; status: SendRunStatus; error?: string }): Promise<void> {
      await db.transaction((trx) => finishSendRun(trx, input.runId, input.status, input.error));
    },
  };
}

export type InboundActivities = ReturnType<typeof createInboundActivities>;
