/**
 * The pure side of analytics: which event types are the system's own, the windows numbers are
 * counted over, delivery rates, and the hours of the week ranked by delivery success.
 */
import { DateTime, IANAZone } from 'luxon';

/** The event a delivered message records; counted as `sent`. */
export const MESSAGE_SENT = 'message.sent';
/** The event a failed message records; counted as `failed`. */
export const MESSAGE_FAILED = 'message.failed';

/**
 * The namespaces of the events AutoHub itself records (`message.sent`, `drip.completed` …). A
 * custom event may not use them, so nobody can fake a delivery in the numbers or in a webhook.
 */
export const DOMAIN_EVENT_NAMESPACES = [
  'message',
  'broadcast',
  'account',
  'inbound',
  'member',
  'auto_reply',
  'welcome',
  'spam',
  'drip',
  'abtest',
  'contact',
  'webhook',
] as const;

/** The grammar of an event type: dot-separated lower-case words (`custom`, `shop.order_paid`). */
export const EVENT_TYPE_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;

/** True when `type` is, or belongs to a namespace of, the events AutoHub records itself. */
export function isDomainEventType(type: string): boolean {
  const namespace = type.split('.', 1)[0]!;
  return (DOMAIN_EVENT_NAMESPACES as readonly string[]).includes(namespace);
}

/**
 * The automation events, by feature: what `GET /api/reports/automation-log` lists. Types ending in
 * `.` are prefixes.
 */
export const AUTOMATION_EVENTS: ReadonlyArray<{ feature: string; types: readonly string[] }> = [
  { feature: 'broadcast', types: ['broadcast.run.'] },
  { feature: 'auto_reply', types: ['auto_reply.sent'] },
  { feature: 'welcome', types: ['welcome.sent'] },
  { feature: 'antispam', types: ['spam.action'] },
  { feature: 'drip', types: ['drip.'] },
  { feature: 'ab_test', types: ['abtest.completed'] },
  { feature: 'opt_out', types: ['contact.opted_out'] },
  { feature: 'webhook', types: ['webhook.', 'inbound.webhook'] },
];

/** The automation feature an event type belongs to, or undefined for one that is not an automation's. */
export function automationFeature(type: string): string | undefined {
  return AUTOMATION_EVENTS.find((f) => f.types.some((t) => (t.endsWith('.') ? type.startsWith(t) : type === t)))?.feature;
}

/** Delivered over attempted, 0..1; null when nothing was attempted. */
export function deliveryRate(sent: number, failed: number): number | null {
  const attempted = sent + failed;
  return attempted === 0 ? null : sent / attempted;
}

/** The hourly buckets of "the last `hours` hours": the current hour and the `hours - 1` before it. */
export function hoursWindow(hours: number, now: Date): { from: Date; to: Date } {
  const currentHour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  return { from: new Date(currentHour - (hours - 1) * 3_600_000), to: now };
}

/** The UTC days of "the last `days` days": today and the `days - 1` before it. */
export function daysWindow(days: number, now: Date): { from: Date; to: Date; fromDay: string } {
  const today = Math.floor(now.getTime() / 86_400_000) * 86_400_000;
  const from = new Date(today - (days - 1) * 86_400_000);
  return { from, to: now, fromDay: from.toISOString().slice(0, 10) };
}

/** Messages sent and failed in one UTC hour. */
export interface HourlyDeliveries {
  hour: Date;
  sent: number;
  failed: number;
}

/** One hour of the week in a time zone, with the deliveries made in it. */
export interface PeakHour {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  dayName: string;
  /** 0..23, on the zone's clock. */
  hour: number;
  sent: number;
  failed: number;
  deliveryRate: number;
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** True for a time zone luxon (and so peak hours) can use. */
export function isTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

/**
 * The hours of the week, on the clock of `timezone`, in which anything was attempted, best first:
 * by delivery rate, then by messages delivered, then earliest in the week. Each UTC hour falls
 * into one local hour (zones offset by a half hour count it in the local hour it starts in).
 */
export function rankPeakHours(hours: readonly HourlyDeliveries[], timezone: string): PeakHour[] {
  const buckets = new Map<number, { weekday: number; hour: number; sent: number; failed: number }>();
  for (const h of hours) {
    const local = DateTime.fromJSDate(h.hour, { zone: timezone });
    const key = local.weekday * 24 + local.hour;
    const bucket = buckets.get(key) ?? { weekday: local.weekday, hour: local.hour, sent: 0, failed: 0 };
    bucket.sent += h.sent;
    bucket.failed += h.failed;
    buckets.set(key, bucket);
  }
  return [...buckets.values()]
    .filter((b) => b.sent + b.failed > 0)
    .map((b) => ({ ...b, dayName: DAY_NAMES[b.weekday - 1]!, deliveryRate: b.sent / (b.sent + b.failed) }))
    .sort((a, b) => b.deliveryRate - a.deliveryRate || b.sent - a.sent || a.weekday * 24 + a.hour - (b.weekday * 24 + b.hour));
}
