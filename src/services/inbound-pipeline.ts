/**
 * What the durable inbound pipeline does with one stored event: its stages (anti-spam, then
 * welcome/goodbye for member events, then auto-reply; the account's own messages never get here,
 * the drivers drop them) decide, from the pure rules in `src/domain`, what to send; every send is
 * enqueued on the one send path with a business key naming the event and the stage's rule, and
 * written to the automation log — all in the transaction that marks the event processed. So a
 * re-processed event (a retried activity, a worker that died mid-way) enqueues nothing twice, and
 * the workflow delivers whatever its event's send runs still hold.
 */
import type { Knex } from 'knex';
import { claimInboundEvent, findAnyInboundEvent, insertAutomationLog, type StoredInboundEvent } from '../db/repos/inbound-events.repo';
import { listPendingTargets, type SendOrigin } from '../db/repos/send-runs.repo';
import type { Platform } from '../domain/platform-port';
import { enqueueSendRun } from './send-runs';

/** One message a stage decided to send for an event. */
export interface PipelineSend {
  feature: 'auto_reply' | 'welcome' | 'antispam';
  /** Unique among the event's sends of this feature: the rule's id, say. */
  key: string;
  targetKey: string;
  text: string;
  replyTo?: number;
  /** For the automation log: the rule that decided it, and why. */
  ruleId: string | null;
  reason: string | null;
}

/** What a stage decides for an event; `stop` ends the pipeline for it (a spam message gets no auto-reply). */
export interface StageOutcome {
  sends: PipelineSend[];
  stop?: boolean;
}

/** The account an event arrived on, as every stage needs it. */
export interface EventAccount {
  userId: string;
  platform: Platform;
}

/** A stage of the pipeline: reads what it needs in `trx` and decides; it sends nothing itself. */
export type PipelineStage = (trx: Knex, stored: StoredInboundEvent, account: EventAccount) => Promise<StageOutcome>;

/** A send run of an event still to deliver, and its targets not yet settled. */
export interface PlannedRun {
  runId: string;
  targetKeys: string[];
}

/** The business-key prefix of every send an inbound event causes. */
export function inboundBusinessKeyPrefix(eventId: number): string {
  return `inbound:${eventId}:`;
}

/**
 * Runs `stages` over inbound event `eventId` once — the first call marks it processed, enqueues its
 * sends and logs them — and answers the event's send runs with targets still pending, on this call
 * and on any later one (so a retry after a lost answer still delivers).
 */
export async function processInboundEvent(db: Knex, eventId: number, stages: readonly PipelineStage[]): Promise<PlannedRun[]> {
  return db.transaction(async (trx) => {
    const stored = await findAnyInboundEvent(trx, eventId);
    if (!stored) return [];
    const row = await trx('accounts').where({ id: stored.accountId }).first<{ user_id: string; platform: Platform } | undefined>('user_id', 'platform');
    if (!row) return [];
    if (await claimInboundEvent(trx, eventId)) {
      const account: EventAccount = { userId: row.user_id, platform: row.platform };
      for (const stage of stages) {
        const outcome = await stage(trx, stored, account);
        for (const send of outcome.sends) await enqueueSend(trx, stored, account.userId, send);
        if (outcome.stop) break;
      }
    }
    return listPendingTargets(trx, stored.accountId, inboundBusinessKeyPrefix(eventId));
  });
}

async function enqueueSend(trx: Knex, stored: StoredInboundEvent, userId: string, send: PipelineSend): Promise<void> {
  const origin: SendOrigin = send.feature;
  const run = await enqueueSendRun(trx, {
    userId,
    accountId: stored.accountId,
    origin,
    businessKey: `${inboundBusinessKeyPrefix(stored.id)}${send.feature}:${send.key}`,
    messages: [{ targetKey: send.targetKey, text: send.text, replyTo: send.replyTo ?? null }],
  });
  const person = stored.event.type === 'message' ? stored.event.from : stored.event.user;
  await insertAutomationLog(trx, {
    accountId: stored.accountId,
    inboundEventId: stored.id,
    feature: send.feature,
    ruleId: send.ruleId,
    chatKey: stored.event.chatKey,
    platformUserId: person.id,
    action: 'send',
    reason: send.reason,
    result: 'enqueued',
    sendRunId: run.id,
  });
}
