/** Inbound webhooks and their receipts (see the migration). */
import type { Knex } from 'knex';
import type { InboundAction } from '../../domain/inbound-webhooks';
import { ownedBy, type Scope } from './scope';

export interface InboundWebhook {
  id: string;
  userId: string;
  name: string;
  /** Sealed with the secret box; null for a hook that takes unsigned requests. */
  sealedSecret: string | null;
  action: InboundAction;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface HookRow {
  id: string;
  user_id: string;
  name: string;
  secret: string | null;
  action: InboundAction;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const mapHook = (r: HookRow): InboundWebhook => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  sealedSecret: r.secret,
  action: r.action,
  enabled: r.enabled,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type ReceiptStatus = 'pending' | 'sending' | 'succeeded' | 'failed';

export interface Receipt {
  id: string;
  hookId: string;
  webhookId: string | null;
  status: ReceiptStatus;
  eventId: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
  receivedAt: Date;
  finishedAt: Date | null;
}

interface ReceiptRow {
  id: string;
  hook_id: string;
  webhook_id: string | null;
  status: ReceiptStatus;
  event_id: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
  received_at: Date;
  finished_at: Date | null;
}

const mapReceipt = (r: ReceiptRow): Receipt => ({
  id: r.id,
  hookId: r.hook_id,
  webhookId: r.webhook_id,
  status: r.status,
  eventId: r.event_id,
  result: r.result,
  error: r.error,
  receivedAt: r.received_at,
  finishedAt: r.finished_at,
});

/** The fields of a hook its owner sets. */
export interface HookFields {
  name: string;
  sealedSecret: string | null;
  action: InboundAction;
  enabled: boolean;
}

export async function insertHook(db: Knex, hook: HookFields & { id: string; userId: string }): Promise<InboundWebhook> {
  const [row] = await db('inbound_webhooks')
    .insert({ id: hook.id, user_id: hook.userId, name: hook.name, secret: hook.sealedSecret, action: JSON.stringify(hook.action), enabled: hook.enabled })
    .returning<HookRow[]>('*');
  return mapHook(row!);
}

/** Hook `id` as `scope` sees it. */
export async function findHook(db: Knex, scope: Scope, id: string): Promise<InboundWebhook | undefined> {
  const row = await ownedBy(db('inbound_webhooks').where({ id }), scope).first<HookRow | undefined>();
  return row && mapHook(row);
}

/** Hook `id` whoever owns it: the receiver's read, where the id is the credential. */
export async function findAnyHook(db: Knex, id: string): Promise<InboundWebhook | undefined> {
  const row = await db('inbound_webhooks').where({ id }).first<HookRow | undefined>();
  return row && mapHook(row);
}

/** The hooks `scope` sees, newest first. */
export async function listHooks(db: Knex, scope: Scope): Promise<InboundWebhook[]> {
  const rows = await ownedBy(db('inbound_webhooks'), scope).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]).select<HookRow[]>('*');
  return rows.map(mapHook);
}

export async function updateHook(db: Knex, scope: Scope, id: string, change: Partial<HookFields>): Promise<InboundWebhook | undefined> {
  const [row] = await ownedBy(db('inbound_webhooks').where({ id }), scope)
    .update({
      ...(change.name !== undefined && { name: change.name }),
      ...(change.sealedSecret !== undefined && { secret: change.sealedSecret }),
      ...(change.action !== undefined && { action: JSON.stringify(change.action) }),
      ...(change.enabled !== undefined && { enabled: change.enabled }),
      updated_at: db.fn.now(),
    })
    .returning<HookRow[]>('*');
  return row && mapHook(row);
}

export async function deleteHook(db: Knex, scope: Scope, id: string): Promise<boolean> {
  return (await ownedBy(db('inbound_webhooks').where({ id }), scope).delete()) > 0;
}

/**
 * Stores a receipt for a request to hook `hookId`; undefined when one with the same `webhookId`
 * was stored before (the request is a repeat), which is then answered by {@link findReceiptOf}.
 */
export async function insertReceipt(trx: Knex, hookId: string, webhookId: string | null): Promise<Receipt | undefined> {
  const [row] = await trx('inbound_webhook_receipts')
    .insert({ hook_id: hookId, webhook_id: webhookId })
    .onConflict(['hook_id', 'webhook_id'])
    .ignore()
    .returning<ReceiptRow[]>('*');
  return row && mapReceipt(row);
}

/** The receipt of hook `hookId`'s request `webhookId`. */
export async function findReceiptOf(db: Knex, hookId: string, webhookId: string): Promise<Receipt | undefined> {
  const row = await db('inbound_webhook_receipts').where({ hook_id: hookId, webhook_id: webhookId }).first<ReceiptRow | undefined>();
  return row && mapReceipt(row);
}

export async function findReceipt(db: Knex, id: string, options: { forUpdate?: boolean } = {}): Promise<Receipt | undefined> {
  const query = db('inbound_webhook_receipts').where({ id });
  if (options.forUpdate) query.forUpdate();
  const row = await query.first<ReceiptRow | undefined>();
  return row && mapReceipt(row);
}

/** Hook `hookId`'s newest receipts. */
export async function listReceipts(db: Knex, hookId: string, limit: number): Promise<Receipt[]> {
  const rows = await db('inbound_webhook_receipts')
    .where({ hook_id: hookId })
    .orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id' }])
    .limit(limit)
    .select<ReceiptRow[]>('*');
  return rows.map(mapReceipt);
}

/** Records where receipt `id` stands; a final status stamps its finish. */
export async function updateReceipt(
  db: Knex,
  id: string,
  change: { status: ReceiptStatus; eventId?: string; result?: Record<string, unknown>; error?: string | null },
): Promise<void> {
  const final = change.status === 'succeeded' || change.status === 'failed';
  await db('inbound_webhook_receipts')
    .where({ id })
    .update({
      status: change.status,
      ...(change.eventId !== undefined && { event_id: change.eventId }),
      ...(change.result !== undefined && { result: JSON.stringify(change.result) }),
      ...(change.error !== undefined && { error: change.error }),
      ...(final && { finished_at: db.fn.now() }),
    });
}
