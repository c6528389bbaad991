import { z } from 'zod';
import { csvOrJson } from '../openapi';
import { success } from '../responses';

const Timestamp = z.iso.datetime();
const Count = z.number().int().min(0);
const Rate = z.number().min(0).max(1).nullable().meta({ description: 'sent / (sent + failed), 0..1; null when nothing was attempted' });
const Day = z.iso.date().meta({ description: 'A UTC day' });

const DayDeliveries = z.object({ date: Day, sent: Count, failed: Count, delivery_rate: Rate }).strict().meta({ id: 'AnalyticsDay' });

export const SummaryView = z
  .object({
    hours: z.number().int(),
    from: Timestamp.meta({ description: 'Start of the first hour counted' }),
    to: Timestamp,
    events_by_type: z.record(z.string(), Count),
    total_events: Count,
    sent: Count,
    failed: Count,
    delivery_rate: Rate,
  })
  .strict()
  .meta({ id: 'AnalyticsSummary' });

export const GroupsView = z
  .object({
    days: z.number().int(),
    from: Timestamp.meta({ description: 'Start of the first UTC day counted' }),
    to: Timestamp,
    sent: Count,
    failed: Count,
    delivery_rate: Rate,
    daily: z.array(DayDeliveries).meta({ description: 'Every chat together, days with messages only' }),
    groups: z.array(
      z
        .object({
          account_id: z.uuid(),
          chat_key: z.string(),
          title: z.string().nullable().meta({ description: 'Of the scanned chat; null when it was not scanned' }),
          type: z.string().nullable(),
          sent: Count,
          failed: Count,
          delivery_rate: Rate,
          daily: z.array(DayDeliveries),
        })
        .strict()
        .meta({ id: 'AnalyticsGroup' }),
    ),
    count: Count,
    total: Count.meta({ description: 'Chats with any message in the window (groups lists the first `limit`)' }),
  })
  .strict()
  .meta({ id: 'AnalyticsGroups' });

export const AccountsView = z
  .object({
    days: z.number().int(),
    accounts: z.array(
      z
        .object({
          id: z.uuid(),
          user_id: z.uuid(),
          name: z.string(),
          platform: z.enum(['telegram', 'whatsapp']),
          status: z.string(),
          connected: z.boolean(),
          groups_count: Count.meta({ description: 'Chats found by its scans (what GET /api/v1/groups lists)' }),
          sent: Count,
          failed: Count,
          delivery_rate: Rate,
        })
        .strict()
        .meta({ id: 'AnalyticsAccount' }),
    ),
    count: Count,
  })
  .strict()
  .meta({ id: 'AnalyticsAccounts' });

export const PeakHoursView = z
  .object({
    days: z.number().int(),
    timezone: z.string(),
    peak_hours: z.array(
      z
        .object({
          weekday: z.number().int().min(1).max(7).meta({ description: 'ISO weekday, 1 = Monday … 7 = Sunday' }),
          day: z.string(),
          hour: z.number().int().min(0).max(23),
          sent: Count,
          failed: Count,
          delivery_rate: z.number().min(0).max(1),
        })
        .strict()
        .meta({ id: 'PeakHour' }),
    ),
    count: Count,
  })
  .strict()
  .meta({ id: 'AnalyticsPeakHours' });

const eventFields = {
  id: z.uuid().meta({ description: "The event's stable id: the same in webhooks, the feed and reports" }),
  type: z.string(),
  timestamp: Timestamp,
  user_id: z.uuid().nullable(),
  account_id: z.uuid().nullable(),
  chat_key: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
};

/** An event: the body a webhook receives, and an item of the feed. */
export const EventView = z.object(eventFields).strict().meta({ id: 'Event' });

const AutomationActionView = z
  .object({
    ...eventFields,
    feature: z.enum(['broadcast', 'auto_reply', 'welcome', 'antispam', 'drip', 'ab_test', 'opt_out', 'webhook', 'other']),
  })
  .strict()
  .meta({ id: 'AutomationAction' });

const ScannedChatView = z
  .object({
    account_id: z.uuid(),
    account_name: z.string(),
    platform: z.enum(['telegram', 'whatsapp']),
    key: z.string(),
    id: z.string(),
    type: z.string(),
    title: z.string(),
    username: z.string().nullable(),
    members: z.number().int().nullable(),
    last_activity_at: Timestamp.nullable(),
    scanned_at: Timestamp,
  })
  .strict()
  .meta({ id: 'ScannedChat' });

const ByKey = z.record(z.string(), Count);

export const AnalyticsResponses = {
  summary: success(SummaryView.shape),
  groups: success(GroupsView.shape),
  accounts: success(AccountsView.shape),
  peakHours: success(PeakHoursView.shape),
  dashboard: success({ summary: SummaryView, groups: GroupsView, accounts: AccountsView, peak_hours: PeakHoursView }),
  recorded: success({ event_id: z.uuid(), type: z.string(), created_at: Timestamp }),
  events: success({ events: z.array(EventView), count: Count }),
};

export const ReportResponses = {
  automationLog: csvOrJson(success({ entries: z.array(AutomationActionView), count: Count })),
  groups: csvOrJson(success({ groups: z.array(ScannedChatView), count: Count })),
  summary: success({
    analytics: z.object({ last_24_hours: SummaryView, last_30_days: GroupsView.omit({ groups: true, count: true, total: true }).extend({ groups_with_messages: Count }) }).strict(),
    accounts: z.object({ total: Count, connected: Count }).strict(),
    contacts: z.object({ total: Count, opted_out: Count }).strict(),
    campaigns: z
      .object({
        broadcasts: z.object({ total: Count, enabled: Count, by_schedule_type: ByKey, runs: Count }).strict(),
        drip_campaigns: z.object({ total: Count, by_status: ByKey }).strict(),
        ab_tests: z.object({ total: Count, by_status: ByKey }).strict(),
      })
      .strict(),
    webhooks: z.object({ total: Count, enabled: Count }).strict(),
  }),
};
