/**
 * The inbound pipeline's first attempt, in the worker that received the event, at once: the same
 * steps as the event's workflow (decide once, moderate, deliver through the one send path, close
 * the runs) through the same code, without the round trips through Temporal that would cost an
 * auto-reply most of its second. Whatever this attempt cannot finish without waiting — a pacing
 * slot or FloodWait beyond `maxInlineWaitMs`, a burst's window, connection trouble, a draining
 * worker — it hands over to the workflow, which re-reads the records and does only what is left.
 */
import type { Knex } from 'knex';
import { processInboundEvent, closeInboundSendRun, type PipelineRevisit, type PipelineStage } from '../services/inbound-pipeline';
import type { SessionPool } from '../platforms/session-pool';
import { carryOutModeration } from './moderation.activities';
import { deliverRun } from './send.activities';
import type { SendControl } from './send-pacing';

export interface InlineInboundDeps {
  db: Knex;
  pool: SessionPool;
  stages: readonly PipelineStage[];
  revisit: PipelineRevisit;
  /** Longest pacing wait the attempt spends; a longer one is the workflow's. */
  maxInlineWaitMs: number;
  /** Aborted when the worker begins to shut down: the attempt stops before its next send and hands over. */
  draining?: AbortSignal;
}

/** How the attempt ended: everything done, or the rest left to the event's workflow. */
export type InlineOutcome = 'done' | 'handover';

const never = new AbortController().signal;

/** A send's control outside an activity: nothing to heartbeat, never cancelled (draining hands over instead). */
const inlineControl: SendControl = {
  heartbeat: () => {},
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, typeof ms === 'number' ? ms : 0)),
  cancellationSignal: never,
};

/** Acts on stored inbound event `eventId` as far as it can without waiting. @throws on any failure, which the caller hands over. */
export async function actOnInboundEvent(deps: InlineInboundDeps, eventId: number): Promise<InlineOutcome> {
  const plan = await processInboundEvent(deps.db, eventId, deps.stages, deps.revisit);
  for (const action of plan.moderation) await carryOutModeration(deps, action.logId);
  for (const run of plan.runs) {
    const batch = await deliverRun(deps, inlineControl, { runId: run.runId, targetKeys: run.targetKeys });
    if (batch.remaining.length > 0) return 'handover';
    await closeInboundSendRun(deps.db, run.runId, 'completed');
  }
  return plan.wakeAt === null ? 'done' : 'handover';
}
