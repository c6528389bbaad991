/**
 * The durable inbound pipeline's front door. Every event a live session receives — real, or
 * injected into the sandbox, through the same code — is stored once, de-duplicated on the
 * platform's message or event id, and in the same transaction the workflow that acts on it is
 * enqueued (`inbound-<event id>`, started by the Temporal outbox). An event stored before a crash
 * is therefore acted on after it, and an event delivered twice is acted on once. The worker acts
 * on a new event at once itself, holding the workflow back meanwhile (see worker/inbound-actor).
 */
import { inboundEvents } from '../metrics';
import type { Knex } from 'knex';
import { emitEvent } from '../db/repos/events.repo';
import { insertInboundEvent } from '../db/repos/inbound-events.repo';
import { enqueueWorkflowStart } from '../db/repos/temporal-outbox.repo';
import type { InboundEvent } from '../domain/platform-port';
import { accountTaskQueue } from '../domain/sharding';
import { storedSearchAttributes } from '../temporal/search-attributes';
import { INBOUND_EVENT_WORKFLOW, inboundEventWorkflowId, MAIN_TASK_QUEUE, type InboundEventInput } from '../workflows/shared';

/** The domain event each kind of inbound event is recorded as. */
const EVENT_TYPES = { message: 'inbound.message', join: 'member.joined', leave: 'member.left' } as const;

/** Where an event's workflow is enqueued, and whether the receiver acts on the event itself first. */
export interface ReceiveOptions {
  namespace: string;
  sessionShards: number;
  /**
   * Hold the workflow's start back this long: the receiver acts on the event at once itself and
   * then cancels or hastens the start (see worker/inbound-actor); 0 or absent starts it at once.
   */
  handoverDelayMs?: number;
}

/**
 * Stores `event` and enqueues the workflow that acts on it, in one transaction; also records it as
 * a domain event. Answers the stored event's id, or undefined when it was stored before (or its
 * account is gone), in which case nothing else is done.
 */
export async function receiveInboundEvent(db: Knex, options: ReceiveOptions, event: InboundEvent): Promise<number | undefined> {
  const stored = await db.transaction(async (trx) => {
    const account = await trx('accounts').where({ id: event.accountId }).first<{ user_id: string } | undefined>('user_id');
    if (!account) return undefined;
    const eventId = await insertInboundEvent(trx, event);
    if (eventId === undefined) return undefined;
    const input: InboundEventInput = {
      eventId,
      accountId: event.accountId,
      sessionTaskQueue: accountTaskQueue(event.accountId, options.sessionShards),
    };
    await enqueueWorkflowStart(trx, options.namespace, {
      workflowId: inboundEventWorkflowId(eventId),
      workflowType: INBOUND_EVENT_WORKFLOW,
      taskQueue: MAIN_TASK_QUEUE,
      args: [input],
      memo: { userId: account.user_id, accountId: event.accountId, eventId },
      searchAttributes: storedSearchAttributes('inbound', { userId: account.user_id, accountId: event.accountId }),
    }, { delayMs: options.handoverDelayMs });
    await emitEvent(trx, { accountId: event.accountId, type: EVENT_TYPES[event.type], chatKey: event.chatKey, data: inboundEventData(event, eventId) });
    return eventId;
  });
  if (stored !== undefined) inboundEvents.inc({ type: event.type });
  return stored;
}

/** The documented payload of an inbound event's domain event (`inbound.message`, `member.joined`, `member.left`). */
function inboundEventData(event: InboundEvent, inboundEventId: number): Record<string, unknown> {
  const common = { inbound_event_id: inboundEventId, chat_key: event.chatKey, date: event.date.toISOString() };
  if (event.type !== 'message') return { ...common, user: event.user };
  return {
    ...common,
    message_id: event.messageId,
    from: event.from,
    text: event.text,
    ...(event.fromKind && { from_kind: event.fromKind }),
    ...(event.forwarded && { forwarded: true }),
  };
}
