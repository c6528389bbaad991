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
 * Injects `injection` into the sandbox account and waits until the pipeline has acted on it:
 * answers the stored event's id, its workflow's result and, for a message, its message id.
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
        .orderBy('id')
        .first()) ?? undefined,
    timeoutMs,
    `the ${injection.type} of ${person} to be stored`,
  );
  const result = await eventually(
    async () => (await getTemporalClient()).workflow.getHandle(inboundEventWorkflowId(Number(stored.id))).result().catch(() => undefined),
    timeoutMs,
    `the ${injection.type} of ${person} to be acted on`,
  );
  return { eventId: Number(stored.id), result, messageId: injection.type === 'message' ? Number(stored.payload.messageId) : undefined };
}
