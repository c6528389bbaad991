import {
  accountStats,
  dashboard,
  eventFeed,
  exportDaily,
  groupStats,
  peakHours,
  recordCustomEvent,
  summary,
  viewerFor,
} from '../../services/analytics';
import type { ApiDeps } from '../context';
import { CsvContent } from '../openapi';
import { ok, route } from '../route';
import { eventEnvelope } from '../../services/event-envelope';
import { presentAccounts, presentGroups, presentPeakHours, presentSummary } from './analytics.presenters';
import { AnalyticsResponses } from './analytics.responses';
import {
  AccountsQuery,
  CustomEventBody,
  DashboardQuery,
  EventFeedQuery,
  ExportQuery,
  GroupsQuery,
  PeakHoursQuery,
  SummaryQuery,
} from './analytics.schemas';

/** Analytics from the rollups, custom events, and the events feed; the caller's numbers (admins: everyone's, or `user_id`'s). */
export function analyticsRoutes({ db }: ApiDeps) {
  return [
    route({
      method: 'get',
      path: '/api/analytics/summary',
      summary: 'Events by type over the last N hours (the current hour and those before it), with messages sent, failed and the delivery rate',
      tag: 'Analytics',
      operationId: 'getAnalyticsSummary',
      responses: { 200: AnalyticsResponses.summary },
      errors: [404],
      query: SummaryQuery,
      handler: async ({ caller, query }) => ok(presentSummary(await summary(db, await viewerFor(db, caller.scope, query.user_id), query.hours))),
    }),
    route({
      method: 'get',
      path: '/api/analytics/groups',
      summary: 'Messages sent and failed per chat over the last N UTC days, with delivery rates and daily breakdowns, most messages first',
      tag: 'Analytics',
      operationId: 'getAnalyticsGroups',
      responses: { 200: AnalyticsResponses.groups },
      errors: [404],
      query: GroupsQuery,
      handler: async ({ caller, query }) =>
        ok(presentGroups(await groupStats(db, await viewerFor(db, caller.scope, query.user_id), query.days, query.limit))),
    }),
    route({
      method: 'get',
      path: '/api/analytics/accounts',
      summary: 'Each account: name, platform, connected, its scanned chats, and messages sent and failed over the last N days',
      tag: 'Analytics',
      operationId: 'getAnalyticsAccounts',
      responses: { 200: AnalyticsResponses.accounts },
      errors: [404],
      query: AccountsQuery,
      handler: async ({ caller, query }) => ok(presentAccounts(await accountStats(db, await viewerFor(db, caller.scope, query.user_id), query.days))),
    }),
    route({
      method: 'get',
      path: '/api/analytics/peak-hours',
      summary: 'The hours of the week (in a time zone) ranked by delivery success over the last N days: best delivery rate first, then most delivered',
      tag: 'Analytics',
      operationId: 'getAnalyticsPeakHours',
      responses: { 200: AnalyticsResponses.peakHours },
      errors: [404],
      query: PeakHoursQuery,
      handler: async ({ caller, query }) =>
        ok(presentPeakHours(await peakHours(db, await viewerFor(db, caller.scope, query.user_id), query.days, query.timezone))),
    }),
    route({
      method: 'get',
      path: '/api/analytics/dashboard',
      summary: 'Summary, groups, accounts and peak hours in one answer',
      tag: 'Analytics',
      operationId: 'getAnalyticsDashboard',
      responses: { 200: AnalyticsResponses.dashboard },
      errors: [404],
      query: DashboardQuery,
      handler: async ({ caller, query }) => {
        const all = await dashboard(db, await viewerFor(db, caller.scope, query.user_id), query);
        return ok({
          summary: presentSummary(all.summary),
          groups: presentGroups(all.groups),
          accounts: presentAccounts(all.accounts),
          peak_hours: presentPeakHours(all.peakHours),
        });
      },
    }),
    route({
      method: 'get',
      path: '/api/analytics/export',
      summary: 'Daily analytics as CSV, streamed: one row per UTC day, account, chat and event type (date, user_id, account_id, chat_key, event_type, count)',
      tag: 'Analytics',
      operationId: 'exportAnalytics',
      responses: { 200: CsvContent },
      errors: [404],
      query: ExportQuery,
      handler: async ({ ctx, caller, query }) => {
        const viewer = await viewerFor(db, caller.scope, query.user_id);
        ctx.type = 'text/csv; charset=utf-8';
        ctx.attachment('analytics.csv');
        return { status: 200, body: exportDaily(db, viewer, query.days) };
      },
    }),
    route({
      method: 'post',
      path: '/api/analytics/events',
      summary: "Record a custom event: counted in analytics and offered to matching webhooks; AutoHub's own event types are refused",
      tag: 'Analytics',
      operationId: 'recordAnalyticsEvent',
      responses: { 201: AnalyticsResponses.recorded },
      errors: [404],
      body: CustomEventBody,
      handler: async ({ caller, body }) => {
        const recorded = await recordCustomEvent(db, caller.scope, { type: body.type, data: body.data, accountId: body.account_id, chatKey: body.chat_key });
        return ok({ event_id: recorded.eventId, type: body.type, created_at: recorded.at.toISOString() }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/events',
      summary: "The caller's events, newest first: each as webhooks carry it: id, type, timestamp, user, account, chat and data; filtered by type or prefix (message.*) and time",
      tag: 'Events',
      operationId: 'listEvents',
      responses: { 200: AnalyticsResponses.events },
      errors: [404],
      query: EventFeedQuery,
      handler: async ({ caller, query }) => {
        const events = await eventFeed(db, await viewerFor(db, caller.scope, query.user_id), query);
        return ok({ events: events.map(eventEnvelope), count: events.length });
      },
    }),
  ];
}
