import { z } from 'zod';
import { EVENT_TYPE_PATTERN, isTimeZone } from '../../domain/analytics';
import { trimmedText } from '../schemas/text';

const UserId = z
  .uuid('must be a user id')
  .transform((id) => id.toLowerCase())
  .optional()
  .meta({ description: "Admins: only this user's numbers (default everyone's). Others: their own id only" });
const Hours = z.coerce.number('must be a number of hours').int('must be a whole number of hours').min(1, 'at least 1').max(8760, 'at most 8760 (one year)');
const Days = z.coerce.number('must be a number of days').int('must be a whole number of days').min(1, 'at least 1').max(366, 'at most 366');
const TimeZone = z
  .string()
  .max(100)
  .refine(isTimeZone, 'must be an IANA time zone, such as Europe/Berlin')
  .default('UTC')
  .meta({ description: 'IANA time zone whose clock the hours of the week follow; default UTC' });
const GroupLimit = z.coerce.number().int().min(1, 'at least 1').max(1000, 'at most 1000').default(50).meta({ description: 'Chats listed, most messages first' });

const windowDays = Days.default(30).meta({ description: 'UTC days counted: today and the days before it; default 30' });

/** `GET /api/analytics/summary`. */
export const SummaryQuery = z.object({
  hours: Hours.default(24).meta({ description: 'Hours counted: the current hour and those before it; default 24' }),
  user_id: UserId,
});

/** `GET /api/analytics/groups`. */
export const GroupsQuery = z.object({ days: windowDays, limit: GroupLimit, user_id: UserId });

/** `GET /api/analytics/accounts`. */
export const AccountsQuery = z.object({ days: windowDays, user_id: UserId });

/** `GET /api/analytics/peak-hours`. */
export const PeakHoursQuery = z.object({ days: windowDays, timezone: TimeZone, user_id: UserId });

/** `GET /api/analytics/dashboard`: the queries of every part. */
export const DashboardQuery = z.object({
  hours: SummaryQuery.shape.hours,
  days: windowDays,
  limit: GroupLimit,
  timezone: TimeZone,
  user_id: UserId,
});

/** `GET /api/analytics/export`. */
export const ExportQuery = z.object({
  format: z.enum(['csv'], 'must be csv').default('csv'),
  days: windowDays,
  user_id: UserId,
});

/** `POST /api/analytics/events`. */
export const CustomEventBody = z.strictObject({
  type: z
    .string()
    .max(100, 'at most 100 characters')
    .regex(EVENT_TYPE_PATTERN, 'must be dot-separated lower-case words, such as custom or shop.order_paid')
    .meta({ description: "Not one of AutoHub's own namespaces (message, broadcast, account, inbound, member, auto_reply, welcome, spam, drip, abtest, contact, webhook)" }),
  data: z.record(z.string(), z.unknown()).default({}).meta({ description: 'Any JSON object, at most 256 KiB' }),
  account_id: z.uuid('must be an account id').transform((id) => id.toLowerCase()).optional().meta({ description: 'One of your accounts it concerns' }),
  chat_key: trimmedText(200).optional().meta({ description: 'The chat it concerns' }),
});

/** `GET /api/events`. */
export const EventFeedQuery = z.object({
  type: z
    .string()
    .max(100)
    .refine((t) => t === '*' || EVENT_TYPE_PATTERN.test(t.endsWith('.*') ? t.slice(0, -2) : t), 'must be an event type, a prefix such as message.*, or *')
    .optional()
    .meta({ description: 'An event type (message.sent), a prefix (message.*) or *' }),
  since: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 time' })
    .transform((t) => new Date(t))
    .optional()
    .meta({ description: 'Only events at or after this time' }),
  before: z.uuid('must be an event id').transform((id) => id.toLowerCase()).optional().meta({ description: 'Only events older than this one (paging back)' }),
  limit: z.coerce.number().int().min(1, 'at least 1').max(500, 'at most 500').default(50),
  user_id: UserId,
});

/** `GET /api/reports/automation-log`. */
export const AutomationReportQuery = z.object({
  format: z.enum(['json', 'csv'], 'must be json or csv').default('json'),
  limit: z.coerce.number().int().min(1, 'at least 1').max(10_000, 'at most 10000').default(100),
  user_id: UserId,
});

/** `GET /api/reports/groups`. */
export const GroupsReportQuery = z.object({
  format: z.enum(['json', 'csv'], 'must be json or csv').default('json'),
  user_id: UserId,
});

/** `GET /api/reports/summary`. */
export const SystemSummaryQuery = z.object({ user_id: UserId });
