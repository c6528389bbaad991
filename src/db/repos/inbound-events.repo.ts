import type { Knex } from 'knex';
import { fromStoredPayload, inboundEventKey, toStoredPayload, type StoredInboundEventPayload } from '../../domain/inbound-events';
import type { InboundEvent } from '../../domain/platform-port';

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

/** One line of the automation log. */
export interface AutomationLogEntry {
  accountId: string;
  inboundEventId: number | null;
  feature: 'auto_reply' | 'welcome' | 'antispam';
  ruleId: string | null;
  chatKey: string;
  platformUserId: string | null;
  action: string;
  reason: string | null;
  result: string;
  sendRunId: string | null;
}

/** Writes `entry` to the automation log of the account's owner. */
export async function insertAutomationLog(trx: Knex, entry: AutomationLogEntry): Promise<void> {
  await trx.raw(
    `insert into automation_log (user_id, account_id, inbound_event_id, feature, rule_id, chat_key, platform_user_id, action, reason, result, send_run_id)
     select user_id, id, ?, ?, ?, ?, ?, ?, ?, ?, ? from accounts where id = ?`,
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
      entry.accountId,
    ],
  );
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
