import type { Knex } from 'knex';
import { recordAccountEvent } from '../db/repos/events.repo';
import { settleAutomationSends, type AutomationFeature } from '../db/repos/inbound-events.repo';
import { finishSendRun, type SendRunStatus } from '../db/repos/send-runs.repo';
import { processInboundEvent, replanInboundEvent, type InboundPlan, type PipelineRevisit, type PipelineStage } from '../services/inbound-pipeline';

export interface InboundActivityDeps {
  db: Knex;
  /** The pipeline's stages, in order (anti-spam, welcome/goodbye, auto-reply). */
  stages: readonly PipelineStage[];
  /** What a woken event's workflow redoes (greeting a burst's joins). */
  revisit: PipelineRevisit;
}

/** The domain event a sent automation message records, per feature. */
const SENT_EVENT: Record<AutomationFeature, string> = {
  auto_reply: 'auto_reply.sent',
  welcome: 'welcome.sent',
  antispam: 'spam.action',
};

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

    /**
     * Closes a send run once its workflow has delivered what it could, settles the automation
     * log's line for it (sent or failed) and, for a sent message, records its domain event — once.
     */
    async finishSendRun(input: { runId: string; status: SendRunStatus; error?: string }): Promise<void> {
      await db.transaction(async (trx) => {
        const counts = await finishSendRun(trx, input.runId, input.status, input.error);
        if (!counts) return;
        const result = counts.sent > 0 ? 'sent' : 'failed';
        for (const line of await settleAutomationSends(trx, input.runId, result)) {
          if (result !== 'sent') continue;
          await recordAccountEvent(trx, {
            accountId: line.accountId,
            type: SENT_EVENT[line.feature],
            data: {
              action: line.action,
              rule_id: line.ruleId,
              chat_key: line.chatKey,
              user_id: line.platformUserId,
              inbound_event_id: line.inboundEventId,
              send_run_id: input.runId,
            },
          });
        }
      });
    },
  };
}

export type InboundActivities = ReturnType<typeof createInboundActivities>;
