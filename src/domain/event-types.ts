/**
 * The types of the domain events the event log records, and the patterns a webhook subscribes
 * with: `*` (every event), an exact type (`message.sent`), or a prefix ending in `.*`
 * (`message.*`, `broadcast.run.*`), matched against events in SQL by events.repo.
 */

/** Every event type AutoHub emits. */
export const EVENT_TYPES = [
  'broadcast.run.started',
  'broadcast.run.finished',
  'message.sent',
  'message.failed',
  'account.status_changed',
  'inbound.message',
  'member.joined',
  'member.left',
  'auto_reply.sent',
  'welcome.sent',
  'spam.action',
  'drip.step_sent',
  'drip.completed',
  'abtest.completed',
  'contact.created',
  'contact.opted_out',
  'webhook.test',
  'webhook.disabled',
  'inbound.webhook',
  'custom',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** True when `pattern` is `*`, a known type, or `<prefix>.*` for a prefix some known type has. */
export function isEventPattern(pattern: string): boolean {
  if (pattern === '*' || (EVENT_TYPES as readonly string[]).includes(pattern)) return true;
  if (!pattern.endsWith('.*')) return false;
  const prefix = pattern.slice(0, -1);
  return prefix.length > 1 && EVENT_TYPES.some((type) => type.startsWith(prefix));
}
