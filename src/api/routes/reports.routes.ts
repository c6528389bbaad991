import type { ParameterizedContext } from 'koa';
import type { Readable } from 'node:stream';
import { viewerFor } from '../../services/analytics';
import { automationLog, automationLogCsv, groupsReport, groupsReportCsv, systemSummary } from '../../services/reports';
import type { ApiDeps, ApiState } from '../context';
import { ok, route } from '../route';
import { eventEnvelope } from '../../services/event-envelope';
import { presentGroupTotals, presentSummary } from './analytics.presenters';
import { ReportResponses } from './analytics.responses';
import { AutomationReportQuery, GroupsReportQuery, SystemSummaryQuery } from './analytics.schemas';

/** A CSV answer, downloaded as `name`. */
function csv(ctx: ParameterizedContext<ApiState>, name: string, body: Readable) {
  ctx.type = 'text/csv; charset=utf-8';
  ctx.attachment(name);
  return { status: 200, body };
}

/** Reports as JSON or CSV (`?format=`): automation actions, scanned chats, the system summary. */
export function reportRoutes({ db }: ApiDeps) {
  return [
    route({
      method: 'get',
      path: '/api/reports/automation-log',
      summary:
        'Every automation action, newest first, from the event log: broadcast runs, auto-replies, welcome messages, anti-spam actions, drip steps, A/B test results, opt-outs and webhooks',
      tag: 'Reports',
      operationId: 'reportAutomationLog',
      responses: { 200: ReportResponses.automationLog },
      errors: [404],
      query: AutomationReportQuery,
      handler: async ({ ctx, caller, query }) => {
        const actions = await automationLog(db, await viewerFor(db, caller.scope, query.user_id), query.limit);
        if (query.format === 'csv') return csv(ctx, 'automation-log.csv', automationLogCsv(actions));
        return ok({ entries: actions.map((a) => ({ ...eventEnvelope(a), feature: a.feature })), count: actions.length });
      },
    }),
    route({
      method: 'get',
      path: '/api/reports/groups',
      summary: 'The scanned chats of the caller’s accounts (groups, channels, contacts) with their account, members and last activity',
      tag: 'Reports',
      operationId: 'reportGroups',
      responses: { 200: ReportResponses.groups },
      errors: [404],
      query: GroupsReportQuery,
      handler: async ({ ctx, caller, query }) => {
        const chats = await groupsReport(db, await viewerFor(db, caller.scope, query.user_id));
        if (query.format === 'csv') return csv(ctx, 'groups.csv', groupsReportCsv(chats));
        return ok({
          groups: chats.map((c) => ({
            account_id: c.accountId,
            account_name: c.accountName,
            platform: c.platform,
            key: c.key,
            id: c.platformId,
            type: c.type,
            title: c.title,
            username: c.username,
            members: c.members,
            last_activity_at: c.lastActivityAt?.toISOString() ?? null,
            scanned_at: c.scannedAt.toISOString(),
          })),
          count: chats.length,
        });
      },
    }),
    route({
      method: 'get',
      path: '/api/reports/summary',
      summary: 'The whole system in one answer: analytics (last 24 hours, last 30 days), accounts, contacts, campaigns (broadcasts, drips, A/B tests) and webhooks',
      tag: 'Reports',
      operationId: 'reportSummary',
      responses: { 200: ReportResponses.summary },
      errors: [404],
      query: SystemSummaryQuery,
      handler: async ({ caller, query }) => {
        const { last24h, last30d, counts } = await systemSummary(db, await viewerFor(db, caller.scope, query.user_id));
        return ok({
          analytics: { last_24_hours: presentSummary(last24h), last_30_days: { ...presentGroupTotals(last30d), groups_with_messages: last30d.totalGroups } },
          accounts: counts.accounts,
          contacts: { total: counts.contacts.total, opted_out: counts.contacts.optedOut },
          campaigns: {
            broadcasts: { total: counts.broadcasts.total, enabled: counts.broadcasts.enabled, by_schedule_type: counts.broadcasts.byScheduleType, runs: counts.broadcasts.runs },
            drip_campaigns: { total: counts.drips.total, by_status: counts.drips.byStatus },
            ab_tests: { total: counts.abTests.total, by_status: counts.abTests.byStatus },
          },
          webhooks: counts.webhooks,
        });
      },
    }),
  ];
}
