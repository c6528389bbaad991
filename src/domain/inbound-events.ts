/** Inbound events as the pipeline keeps them: one key per event, whatever delivered it how often. */
import type { InboundEvent } from './platform-port';

/**
 * The key an inbound event is stored under, unique within its account: a message by its chat and
 * message id; a member event by the platform's event id, or else by chat, member and time (the
 * platforms give a join or leave no id of their own).
 */
export function inboundEventKey(event: InboundEvent): string {
  if (event.type === 'message') return `message:${event.chatKey}:${event.messageId}`;
  if (event.eventId !== undefined) return `${event.type}:${event.eventId}`;
  return `${event.type}:${event.chatKey}:${event.user.id}:${event.date.getTime()}`;
}

/** An inbound event as JSON, for storage: its date as ISO text. */
export type StoredInboundEventPayload = Omit<InboundEvent, 'date'> & { date: string };

/** `event` in its stored form. */
export function toStoredPayload(event: InboundEvent): StoredInboundEventPayload {
  return { ...event, date: event.date.toISOString() } as StoredInboundEventPayload;
}

/** An event read back from its stored form. */
export function fromStoredPayload(payload: StoredInboundEventPayload): InboundEvent {
  return { ...payload, date: new Date(payload.date) } as InboundEvent;
}
