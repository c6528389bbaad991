/**
 * What the durable inbound pipeline does with one stored event: its stages (anti-spam, then
 * welcome/goodbye for member events, then auto-reply; the account's own messages never get here,
 * the drivers drop them) decide, from the pure rules in `src/domain`, what to send and which
 * moderation actions to take; every send is enqueued on the one send path with a business key
 * naming the event and the stage's rule, every action logged `pending`, and both written to the
 * automation log — all in the transaction that marks the event processed. So a re-processed event
 * (a retried activity, a worker that died mid-way) decides nothing twice, and whoever acts next —
 * the worker's first attempt, or the event's workflow — does only what the records still hold.
 */
import type { Knex } from 'knex';
import {
  claimInboundEvent,
  findAnyInboundEvent,
  insertAutomationLog,
  listPendingModeration,
  settleAutomationSends,
  type SendingFeature,
  type ModerationDetails,
  type ModerationKind,
  type PendingModeration,
  type StoredInboundEvent,
} from '../db/repos/inbound-events.repo';
import { findAnyKnownChat, type ChatFacts } from '../db/repos/chats.repo';
import { emitEvent } from '../db/repos/events.repo';
import { finishSendRun, listPendingTargets, type SendRunStatus } from '../db/repos/send-runs.repo';
import { chatTypeOf, type AutoReplyChatType } from '../domain/auto-replies';
import type { Platform } from '../domain/platform-port';
import { enqueueSendRun } from './send-runs';
import { inboundActions } from '../metrics';

/** One message a stage decided to send for an event. */
export interface PipelineSend {
  feature: SendingFeature;
  /** Unique among the event's sends of this feature: the rule's id, say. */
  key: string;
  targetKey: string;
  text: string;
  replyTo?: number;
  /** For the automation log: what the send is (`send`, or anti-spam's `warn`), the rule that decided it, and why. */
  action?: string;
  ruleId: string | null;
  reason: string | null;
  /** The person the send is about, when not the event's sender or member. */
  platformUserId?: string | null;
  /** Only log it (anti-spam's dry run): nothing is enqueued. */
  dryRun?: boolean;
  /** Records what the send stands for (the joins a welcome greets), in the pipeline's transaction, once its run exists. */
  onEnqueued?: (trx: Knex, runId: string) => Promise<void>;
}

/** A moderation action a stage decided: logged `pending`, then carried out on the platform (see {@link InboundPlan}). */
export interface PipelineAction {
  feature: Exclude<SendingFeature, 'auto_reply'>;
  action: ModerationKind;
  chatKey: string;
  platformUserId: string | null;
  details: ModerationDetails;
  ruleId: string | null;
  reason: string | null;
  /** Only log it (anti-spam's dry run): nothing is carried out. */
  dryRun?: boolean;
}

/**
 * What a stage decides for an event; `stop` ends the pipeline for it (a spam message gets no
 * auto-reply); `wakeAt` asks for the event's workflow to come back then (a burst of joins is
 * greeted when its window has passed).
 */
export interface StageOutcome {
  sends: PipelineSend[];
  actions?: PipelineAction[];
  stop?: boolean;
  wakeAt?: Date;
}

/**
 * What every stage needs of an event beyond the event itself, read once per event: its account's
 * owner and platform, and its chat as the account knows it (undefined for a chat never scanned)
 * with the kind of chat it is.
 */
export interface EventContext {
  userId: string;
  platform: Platform;
  chat: ChatFacts | undefined;
  chatType: AutoReplyChatType;
}

/** A stage of the pipeline: reads what it needs in `trx` and decides; it sends nothing itself. */
export type PipelineStage = (trx: Knex, stored: StoredInboundEvent, context: EventContext) => Promise<StageOutcome>;

/** A send run of an event still to deliver, and its targets not yet settled. */
export interface PlannedRun {
  runId: string;
  targetKeys: string[];
}

/**
 * What is still to do for an event, by the worker's first attempt or its workflow: moderation
 * actions to carry out (first: a spam message goes before anything answers it), send runs to
 * deliver, and when to come back.
 */
export interface InboundPlan {
  moderation: PendingModeration[];
  runs: PlannedRun[];
  /** ISO time to call again at (see {@link replanInboundEvent}); null when nothing waits. */
  wakeAt: string | null;
}

/**
 * Work a stage may be asked to redo for an already processed event when its workflow wakes (or
 * when an answer was lost): it must be idempotent, as welcome's greeting of pending joins is.
 */
export type PipelineRevisit = (trx: Knex, stored: StoredInboundEvent, context: EventContext) => Promise<StageOutcome>;

/** The business-key prefix of every send an inbound event causes. */
export function inboundBusinessKeyPrefix(eventId: number): string {
  return `inbound:${eventId}:`;
}

const NOTHING_TO_DO: InboundPlan = { moderation: [], runs: [], wakeAt: null };

/**
 * Runs `stages` over inbound event `eventId` once — the first call marks it processed, enqueues its
 * sends, logs its moderation actions `pending` — and answers what the event's workflow still has
 * to do, on this call and on any later one (so a retry after a lost answer still acts). A later
 * call runs `revisit` instead of the stages, which redoes only what is idempotent.
 */
export async function processInboundEvent(
  db: Knex,
  eventId: number,
  stages: readonly PipelineStage[],
  revisit?: PipelineRevisit,
): Promise<InboundPlan> {
  const decided: StageOutcome[] = [];
  const plan = await db.transaction(async (trx) => {
    const found = await eventWithContext(trx, eventId);
    if (!found) return NOTHING_TO_DO;
    const { stored, context } = found;
    let wakeAt: Date | undefined;
    if (await claimInboundEvent(trx, eventId)) {
      for (const stage of stages) {
        const outcome = await applyOutcome(trx, stored, context, await stage(trx, stored, context));
        decided.push(outcome);
        wakeAt = earliest(wakeAt, outcome.wakeAt);
        if (outcome.stop) break;
      }
    } else if (revisit) {
      const outcome = await applyOutcome(trx, stored, context, await revisit(trx, stored, context));
      decided.push(outcome);
      wakeAt = outcome.wakeAt;
    }
    return planOf(trx, stored, wakeAt);
  });
  // Counted once committed: a rolled-back decision was never made.
  for (const outcome of decided) countDecisions(outcome);
  return plan;
}

function countDecisions(outcome: StageOutcome): void {
  const mode = (dryRun: boolean | undefined) => (dryRun ? 'dry_run' : 'live');
  for (const send of outcome.sends) inboundActions.inc({ feature: send.feature, action: send.action ?? 'send', mode: mode(send.dryRun) });
  for (const action of outcome.actions ?? []) inboundActions.inc({ feature: action.feature, action: action.action, mode: mode(action.dryRun) });
}

/** Runs `revisit` over processed event `eventId` (its workflow woke up) and answers what is left to do. */
export async function replanInboundEvent(db: Knex, eventId: number, revisit: PipelineRevisit): Promise<InboundPlan> {
  return db.transaction(async (trx) => {
    const found = await eventWithContext(trx, eventId);
    if (!found) return NOTHING_TO_DO;
    const outcome = await applyOutcome(trx, found.stored, found.context, await revisit(trx, found.stored, found.context));
    return planOf(trx, found.stored, outcome.wakeAt);
  });
}

async function eventWithContext(trx: Knex, eventId: number): Promise<{ stored: StoredInboundEvent; context: EventContext } | undefined> {
  const stored = await findAnyInboundEvent(trx, eventId);
  if (!stored) return undefined;
  const row = await trx('accounts').where({ id: stored.accountId }).first<{ user_id: string; platform: Platform } | undefined>('user_id', 'platform');
  if (!row) return undefined;
  const chat = await findAnyKnownChat(trx, stored.accountId, stored.event.chatKey);
  const chatType = chatTypeOf(row.platform, stored.event.chatKey, chat?.type);
  return { stored, context: { userId: row.user_id, platform: row.platform, chat, chatType } };
}

async function planOf(trx: Knex, stored: StoredInboundEvent, wakeAt: Date | undefined): Promise<InboundPlan> {
  return {
    moderation: await listPendingModeration(trx, stored.id),
    runs: await listPendingTargets(trx, stored.accountId, inboundBusinessKeyPrefix(stored.id)),
    wakeAt: wakeAt?.toISOString() ?? null,
  };
}

function earliest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a || !b) return a ?? b;
  return a <= b ? a : b;
}

/** Logs and enqueues what a stage decided, in the pipeline's transaction. */
async function applyOutcome(trx: Knex, stored: StoredInboundEvent, context: EventContext, outcome: StageOutcome): Promise<StageOutcome> {
  for (const action of outcome.actions ?? []) await logAction(trx, stored, action);
  for (const send of outcome.sends) await enqueueSend(trx, stored, context, send);
  return outcome;
}

/** The person an event is about: a message's sender, or the member who joined or left. */
function personOf(stored: StoredInboundEvent): string {
  return stored.event.type === 'message' ? stored.event.from.id : stored.event.user.id;
}

async function logAction(trx: Knex, stored: StoredInboundEvent, action: PipelineAction): Promise<void> {
  await insertAutomationLog(trx, {
    accountId: stored.accountId,
    inboundEventId: stored.id,
    feature: action.feature,
    ruleId: action.ruleId,
    chatKey: action.chatKey,
    platformUserId: action.platformUserId,
    action: action.action,
    reason: action.reason,
    result: action.dryRun ? 'dry_run' : 'pending',
    sendRunId: null,
    details: action.details,
  });
}

async function enqueueSend(trx: Knex, stored: StoredInboundEvent, context: EventContext, send: PipelineSend): Promise<void> {
  const run = send.dryRun
    ? null
    : await enqueueSendRun(trx, {
        userId: context.userId,
        accountId: stored.accountId,
        platform: context.platform,
        origin: send.feature,
        businessKey: `${inboundBusinessKeyPrefix(stored.id)}${send.feature}:${send.key}`,
        messages: [{ targetKey: send.targetKey, text: send.text, replyTo: send.replyTo ?? null }],
      });
  if (run) await send.onEnqueued?.(trx, run.id);
  await insertAutomationLog(trx, {
    accountId: stored.accountId,
    inboundEventId: stored.id,
    feature: send.feature,
    ruleId: send.ruleId,
    chatKey: stored.event.chatKey,
    platformUserId: send.platformUserId === undefined ? personOf(stored) : send.platformUserId,
    action: send.action ?? 'send',
    reason: send.reason,
    result: run ? 'enqueued' : 'dry_run',
    sendRunId: run?.id ?? null,
  });
}

/** The domain event a sent automation message records, per feature. */
const SENT_EVENT: Record<SendingFeature, string> = {
  auto_reply: 'auto_reply.sent',
  welcome: 'welcome.sent',
  antispam: 'spam.action',
};

/**
 * Closes an inbound event's send run once what could be delivered was, settles the automation
 * log's line for it (sent or failed) and, for a sent message, records its domain event — once:
 * a run closed already is left as it is.
 */
export async function closeInboundSendRun(db: Knex, runId: string, status: SendRunStatus, error?: string): Promise<void> {
  await db.transaction(async (trx) => {
    const counts = await finishSendRun(trx, runId, status, error);
    if (!counts) return;
    const result = counts.sent > 0 ? 'sent' : 'failed';
    for (const line of await settleAutomationSends(trx, runId, result)) {
      if (result !== 'sent') continue;
      await emitEvent(trx, {
        accountId: line.accountId,
        type: SENT_EVENT[line.feature],
        data: {
          action: line.action,
          rule_id: line.ruleId,
          chat_key: line.chatKey,
          user_id: line.platformUserId,
          inbound_event_id: line.inboundEventId,
          send_run_id: runId,
        },
      });
    }
  });
}
