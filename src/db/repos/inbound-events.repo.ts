import type { Knex } from 'knex';
import { fromStoredPayload, inboundEventKey, toStoredPayload, type StoredInboundEventPayload } from '../../domain/inbound-events';
import type { InboundEvent } from '../../domain/platform-port';
import type { Scope } from './scope';

/** An inbound event as stored, with when it arrived and when the pipeline acted on it. */
export interface StoredInboundEvent {
  id: number;
  accountId: string;
  event: InboundEvent;
  receivedAt: Date;
  processedAt: Date | null;
}

/** Stores `event` once: answers its new id, or undefined when the same event was stored before. */
export async function insertInboundEvent(trx: Knex, event: InboundEvent): Promise<number | undefined> {
  const [row] = await trx('inbound_events')
    .insert({
      account_id: event.accountId,
      event_key: inboundEventKey(event),
      type: event.type,
      chat_key: event.chatKey,
      sender_id: event.type === 'message' ? event.from.id : event.user.id,
      payload: JSON.stringify(toStoredPayload(event)),
    })
    .onConflict(['account_id', 'event_key'])
    .ignore()
    .returning<{ id: string }[]>('id');
  return row ? Number(row.id) : undefined;
}

/** Inbound event `id`; the system's own read (the pipeline), not scoped to a user. */
export async function findAnyInboundEvent(db: Knex, id: number): Promise<StoredInboundEvent | undefined> {
  const row = await db('inbound_events').where({ id }).first<
    { id: string; account_id: string; payload: StoredInboundEventPayload; received_at: Date; processed_at: Date | null } | undefined
  >();
  return (
    row && { id: Number(row.id), accountId: row.account_id, event: fromStoredPayload(row.payload), receivedAt: row.received_at, processedAt: row.processed_at }
  );
}

/**
 * Marks inbound event `id` processed in `trx`, locking it: answers false when it was processed
 * already (another attempt got there first), so what processing enqueues is enqueued once.
 */
export async function claimInboundEvent(trx: Knex, id: number): Promise<boolean> {
  const updated = await trx('inbound_events').where({ id }).whereNull('processed_at').update({ processed_at: trx.fn.now() });
  return updated > 0;
}

/**
 * What the pipeline knows of a sender's earlier activity in a chat, from the events stored before
 * `beforeEventId`: when they posted within the `since` window, and their last join with how many
 * messages they posted after it.
 */
export interface SenderActivity {
  recentMessages: Date[];
  joinedAt: Date | null;
  messagesSinceJoin: number;
}

/** The sender's activity in the chat before event `beforeEventId` (see {@link SenderActivity}). */
export async function findSenderActivity(
  db: Knex,
  where: { accountId: string; chatKey: string; senderId: string; beforeEventId: number; since: Date },
): Promise<SenderActivity> {
  const scope = () =>
    db('inbound_events').where({ account_id: where.accountId, chat_key: where.chatKey, sender_id: where.senderId }).where('id', '<', where.beforeEventId);
  // One after the other: the caller's transaction has one connection.
  const recent = await scope().where({ type: 'message' }).where('received_at', '>', where.since).orderBy('id').select<{ received_at: Date }[]>('received_at');
  const join = await scope().where({ type: 'join' }).orderBy('id', 'desc').first<{ id: string; received_at: Date } | undefined>('id', 'received_at');
  let messagesSinceJoin = 0;
  if (join) {
    const row = await scope().where({ type: 'message' }).where('id', '>', join.id).count<{ count: string }[]>('* as count');
    messagesSinceJoin = Number(row[0]?.count ?? 0);
  }
  return { recentMessages: recent.map((r) => r.received_at), joinedAt: join?.received_at ?? null, messagesSinceJoin };
}

/** The automations that write to the log. */
export const AUTOMATION_FEATURES = ['auto_reply', 'welcome', 'antispam', 'opt_out'] as const;
export type AutomationFeature = (typeof AUTOMATION_FEATURES)[number];
/** The automations that send messages (each an origin of the one send path). */
export type SendingFeature = Exclude<AutomationFeature, 'opt_out'>;

/**
 * A logged action's result: a send is `enqueued`, then `sent` or `failed`; a moderation action is
 * `pending`, then `done`, `failed` (the platform refused) or `unsupported` (it has no such action);
 * anything decided in a dry run is `dry_run`.
 */
export const AUTOMATION_RESULTS = ['enqueued', 'sent', 'failed', 'pending', 'done', 'unsupported', 'dry_run'] as const;
export type AutomationResult = (typeof AUTOMATION_RESULTS)[number];

/** One line of the automation log. */
export interface AutomationLogEntry {
  accountId: string;
  inboundEventId: number | null;
  feature: AutomationFeature;
  ruleId: string | null;
  chatKey: string;
  platformUserId: string | null;
  action: string;
  reason: string | null;
  result: AutomationResult;
  sendRunId: string | null;
  /** What carrying the action out needs: the message to delete, the end of a mute. */
  details?: ModerationDetails | null;
}

/** The moderation actions carried out on a platform: the pipeline's, and the lifting of a ban. */
export type ModerationKind = 'delete' | 'mute' | 'ban' | 'unban';

/** What a moderation action acts on. */
export interface ModerationDetails {
  messageId?: number | string;
  /** ISO end of a mute. */
  until?: string;
}

/** A moderation action logged `pending`: still to carry out. */
export interface PendingModeration {
  logId: number;
  action: ModerationKind;
  chatKey: string;
  platformUserId: string | null;
  details: ModerationDetails;
}

/** Writes `entry` to the automation log of the account's owner; answers the line's id (undefined when the account is gone). */
export async function insertAutomationLog(trx: Knex, entry: AutomationLogEntry): Promise<number | undefined> {
  const result = await trx.raw(
    `insert into automation_log (user_id, account_id, inbound_event_id, feature, rule_id, chat_key, platform_user_id, action, reason, result, send_run_id, details)
     select user_id, id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb from accounts where id = ? returning id`,
    [
      entry.inboundEventId,
      entry.feature,
      entry.ruleId,
      entry.chatKey,
      entry.platformUserId,
      entry.action,
      entry.reason,
      entry.result,
      entry.sendRunId,
      entry.details ? JSON.stringify(entry.details) : null,
      entry.accountId,
    ],
  );
  const [row] = (result as { rows: Array<{ id: string }> }).rows;
  return row ? Number(row.id) : undefined;
}

/** The moderation actions of inbound event `eventId` still to carry out, in the order they were decided. */
export async function listPendingModeration(db: Knex, eventId: number): Promise<PendingModeration[]> {
  const rows = await db('automation_log')
    .where({ inbound_event_id: eventId, result: 'pending' })
    .orderBy('id')
    .select<{ id: string; action: ModerationKind; chat_key: string; platform_user_id: string | null; details: ModerationDetails | null }[]>(
      'id',
      'action',
      'chat_key',
      'platform_user_id',
      'details',
    );
  return rows.map((r) => ({ logId: Number(r.id), action: r.action, chatKey: r.chat_key, platformUserId: r.platform_user_id, details: r.details ?? {} }));
}

/** A logged action as the activity that carries it out reads it, with its account. */
export async function findAnyModeration(
  db: Knex,
  logId: number,
): Promise<(PendingModeration & { accountId: string; feature: AutomationFeature; result: string }) | undefined> {
  const r = await db('automation_log').where({ id: logId }).first<
    | {
        id: string;
        account_id: string;
        feature: AutomationFeature;
        action: ModerationKind;
        chat_key: string;
        platform_user_id: string | null;
        details: ModerationDetails | null;
        result: string;
      }
    | undefined
  >('id', 'account_id', 'feature', 'action', 'chat_key', 'platform_user_id', 'details', 'result');
  return (
    r && {
      logId: Number(r.id),
      accountId: r.account_id,
      feature: r.feature,
      action: r.action,
      chatKey: r.chat_key,
      platformUserId: r.platform_user_id,
      details: r.details ?? {},
      result: r.result,
    }
  );
}

/**
 * Sets the result of pending action `logId` once: answers false when it had one already (a
 * retried activity), so what follows a result (its domain event) happens once.
 */
export async function settleAutomationLog(db: Knex, logId: number, outcome: { result: AutomationResult; error?: string }): Promise<boolean> {
  const updated = await db('automation_log')
    .where({ id: logId, result: 'pending' })
    .update({ result: outcome.result, error: outcome.error ?? null, updated_at: db.fn.now() });
  return updated > 0;
}

/** A logged send whose result was just settled. */
export interface SettledSend {
  id: number;
  accountId: string;
  feature: SendingFeature;
  action: string;
  ruleId: string | null;
  chatKey: string;
  platformUserId: string | null;
  inboundEventId: number | null;
}

/** Sets the result of the send logged for send run `runId`; answers the lines it settled. */
export async function settleAutomationSends(
  db: Knex,
  runId: string,
  result: 'sent' | 'failed',
): Promise<SettledSend[]> {
  const rows = await db('automation_log')
    .where({ send_run_id: runId, result: 'enqueued' })
    .update({ result, updated_at: db.fn.now() })
    .returning<
      {
        id: string;
        account_id: string;
        feature: SendingFeature;
        action: string;
        rule_id: string | null;
        chat_key: string;
        platform_user_id: string | null;
        inbound_event_id: string | null;
      }[]
    >(['id', 'account_id', 'feature', 'action', 'rule_id', 'chat_key', 'platform_user_id', 'inbound_event_id']);
  return rows.map((r) => ({
    id: Number(r.id),
    accountId: r.account_id,
    feature: r.feature,
    action: r.action,
    ruleId: r.rule_id,
    chatKey: r.chat_key,
    platformUserId: r.platform_user_id,
    inboundEventId: r.inbound_event_id === null ? null : Number(r.inbound_event_id),
  }));
}

/**
 * Deletes the inbound events processed more than `retentionDays` ago; one not yet processed stays
 * until it is. Their automation log lines stay (without the link to the event).
 */
export async function pruneInboundEvents(db: Knex, retentionDays: number): Promise<number> {
  return db('inbound_events')
    .whereNotNull('processed_at')
    .where('processed_at', '<', db.raw(`now() - make_interval(days => ?)`, [retentionDays]))
    .delete();
}

/** A line of the automation log as its owner reads it. */
export interface AutomationLogLine {
  id: number;
  accountId: string;
  inboundEventId: number | null;
  feature: AutomationFeature;
  action: string;
  ruleId: string | null;
  chatKey: string;
  platformUserId: string | null;
  reason: string | null;
  result: string;
  error: string | null;
  sendRunId: string | null;
  createdAt: Date;
  updatedAt: Date | null;
}

/** The scope's user's automation log, newest first, `before` a line id when paging back. */
export async function listAutomationLog(
  db: Knex,
  scope: Scope,
  filter: { accountId?: string; feature?: AutomationFeature; result?: string; before?: number; limit: number },
): Promise<AutomationLogLine[]> {
  const query = db('automation_log').where({ user_id: scope.userId }).orderBy('id', 'desc').limit(filter.limit);
  if (filter.accountId) query.where({ account_id: filter.accountId });
  if (filter.feature) query.where({ feature: filter.feature });
  if (filter.result) query.where({ result: filter.result });
  if (filter.before !== undefined) query.where('id', '<', filter.before);
  const rows = (await query) as Array<{
    id: string;
    account_id: string;
    inbound_event_id: string | null;
    feature: AutomationFeature;
    action: string;
    rule_id: string | null;
    chat_key: string;
    platform_user_id: string | null;
    reason: string | null;
    result: string;
    error: string | null;
    send_run_id: string | null;
    created_at: Date;
    updated_at: Date | null;
  }>;
  return rows.map((r) => ({
    id: Number(r.id),
    accountId: r.account_id,
    inboundEventId: r.inbound_event_id === null ? null : Number(r.inbound_event_id),
    feature: r.feature,
    action: r.action,
    ruleId: r.rule_id,
    chatKey: r.chat_key,
    platformUserId: r.platform_user_id,
    reason: r.reason,
    result: r.result,
    error: r.error,
    sendRunId: r.send_run_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** The chats where the scope's user's accounts carried out a ban of `platformUserId` (and the account that did). */
export async function listPlatformBans(db: Knex, scope: Scope, platformUserId: string): Promise<Array<{ accountId: string; chatKey: string }>> {
  const rows = await db('automation_log')
    .where({ user_id: scope.userId, platform_user_id: platformUserId, action: 'ban', result: 'done' })
    .distinct<{ account_id: string; chat_key: string }[]>('account_id', 'chat_key');
  return rows.map((r) => ({ accountId: r.account_id, chatKey: r.chat_key }));
}
