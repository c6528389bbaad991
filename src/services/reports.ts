/**
 * Reports: the automation log (read from the event log, the one place every automation —
 * broadcasts, auto-replies, welcome, anti-spam, drips, A/B tests, opt-outs, webhooks — records
 * what it did), the scanned chats, and the system summary, each as JSON or as CSV.
 */
import type { Knex } from 'knex';
import type { Readable } from 'node:stream';
import { automationEvents, type Viewer } from '../db/repos/analytics.repo';
import type { LoggedEvent } from '../db/repos/events.repo';
import { scannedChats, systemCounts, type ScannedChat } from '../db/repos/reports.repo';
import { automationFeature } from '../domain/analytics';
import { groupStats, summary } from './analytics';
import { csvStream } from './csv-export';

/** One automation action: an event of the log with the feature it belongs to. */
export interface AutomationAction extends LoggedEvent {
  feature: string;
}

/** The viewer's newest `limit` automation actions, newest first. */
export async function automationLog(db: Knex, viewer: Viewer, limit: number): Promise<AutomationAction[]> {
  return (await automationEvents(db, viewer, limit)).map((e) => ({ ...e, feature: automationFeature(e.type) ?? 'other' }));
}

export const AUTOMATION_LOG_COLUMNS = ['timestamp', 'id', 'feature', 'type', 'user_id', 'account_id', 'chat_key', 'data'] as const;

/** {@link automationLog} as CSV; `data` is the event's payload as JSON. */
export function automationLogCsv(actions: readonly AutomationAction[]): Readable {
  return csvStream(
    AUTOMATION_LOG_COLUMNS,
    actions.map((a) => [a.createdAt.toISOString(), a.id, a.feature, a.type, a.userId ?? '', a.accountId ?? '', a.chatKey ?? '', JSON.stringify(a.data)]),
  );
}

/** The most chats a groups report lists. */
export const MAX_REPORTED_CHATS = 100_000;

export async function groupsReport(db: Knex, viewer: Viewer): Promise<ScannedChat[]> {
  return scannedChats(db, viewer, MAX_REPORTED_CHATS);
}

export const GROUPS_REPORT_COLUMNS = [
  'account_id',
  'account_name',
  'platform',
  'key',
  'id',
  'type',
  'title',
  'username',
  'members',
  'last_activity_at',
  'scanned_at',
] as const;

/** {@link groupsReport} as CSV. */
export function groupsReportCsv(chats: readonly ScannedChat[]): Readable {
  return csvStream(
    GROUPS_REPORT_COLUMNS,
    chats.map((c) => [
      c.accountId,
      c.accountName,
      c.platform,
      c.key,
      c.platformId,
      c.type,
      c.title,
      c.username ?? '',
      c.members === null ? '' : String(c.members),
      c.lastActivityAt?.toISOString() ?? '',
      c.scannedAt.toISOString(),
    ]),
  );
}

/** Analytics of the last 24 hours and 30 days, contacts, campaigns, webhooks and accounts, in one answer. */
export async function systemSummary(db: Knex, viewer: Viewer) {
  const now = new Date();
  const [last24h, last30d, counts] = await Promise.all([summary(db, viewer, 24, now), groupStats(db, viewer, 30, 0, now), systemCounts(db, viewer)]);
  return { last24h, last30d, counts };
}
