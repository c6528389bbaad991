import assert from 'node:assert/strict';
import { inboundEventWorkflowId } from '../../src/workflows/shared';
import { eventually, type Client } from './http';
import { getStack, getTemporalClient } from './stack';

/** A person of an injected event; a message's sender may say more (see the sandbox's inbound route). */
export interface InjectedPerson {
  id: string;
  username?: string;
  name?: string;
  kind?: 'user' | 'chat' | 'channel';
  admin?: boolean;
  linked_channel?: boolean;
}

/** An event to inject into a sandbox account's chat. */
export type Injection =
  | { type: 'message'; chat_key: string; from: InjectedPerson; text: string; forwarded?: boolean }
  | { type: 'join' | 'leave'; chat_key: string; user: InjectedPerson };

/**
 * Injects `injection` into the sandbox account and waits until the pipeline has acted on it —
 * the worker itself, or the event's workflow where the worker handed the rest over (the held-back
 * workflow start is then gone: cancelled, or sent out). Answers the stored event's id, what its
 * sends came to (`sent` messages of `runs` send runs) and, for a message, its message id.
 */
export async function injectAndSettle(api: Client, accountId: string, injection: Injection, timeoutMs = 20_000) {
  const { db } = await getStack();
  const before = await db('inbound_events').where({ account_id: accountId }).max<{ max: string | null }[]>('id as max');
  const after = Number(before[0]?.max ?? 0);
  const injected = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, injection);
  assert.equal(injected.status, 201, JSON.stringify(injected.body));
  const person = injection.type === 'message' ? injection.from.id : injection.user.id;
  const stored = await eventually(
    async () =>
      (await db('inbound_events')
        .where({ account_id: accountId, type: injection.type, sender_id: person })
        .where('id', '>', after)
        .whereNotNull('processed_at')
        .orderBy('id')
        .first()) ?? undefined,
    timeoutMs,
    `the ${injection.type} of ${person} to be stored and processed`,
  );
  const eventId = Number(stored.id);
  return { eventId, result: await settled(accountId, eventId, timeoutMs), messageId: injection.type === 'message' ? Number(stored.payload.messageId) : undefined };
}

/** Waits until processed event `eventId` is fully acted on; answers what its sends came to. */
export async function settled(accountId: string, eventId: number, timeoutMs = 20_000): Promise<{ sent: number; runs: number }> {
  const { db } = await getStack();
  const workflowId = inboundEventWorkflowId(eventId);
  await eventually(
    async () => ((await db('temporal_outbox').where({ subject: workflowId }).first()) ? undefined : true),
    timeoutMs,
    `event ${eventId} to be acted on, or handed to its workflow`,
  );
  const handle = (await getTemporalClient()).workflow.getHandle(workflowId);
  const started = await handle.describe().then(
    () => true,
    () => false,
  );
  if (started) await handle.result();
  const runs = await db('send_runs').where({ account_id: accountId }).whereLike('business_key', `inbound:${eventId}:%`).pluck('id');
  const sent = runs.length === 0 ? 0 : (await db('deliveries').whereIn('run_id', runs).where({ status: 'sent' })).length;
  return { sent, runs: runs.length };
}
