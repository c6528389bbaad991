import type { Knex } from 'knex';
import { queryPrepared } from '../prepared';
import type { Platform } from '../../domain/platform-port';
import { canonicalTargetKeyOrNull } from '../../domain/target-keys';
import { emitEventsFrom } from './events.repo';

/** Every feature that sends a message; the `send_runs.origin` CHECK constraint lists the same. */
export const SEND_ORIGINS = ['broadcast', 'search_reply', 'auto_reply', 'welcome', 'antispam', 'drip', 'ab_test', 'webhook'] as const;

/** The feature a send run belongs to. */
export type SendOrigin = (typeof SEND_ORIGINS)[number];

export type SendRunStatus = 'running' | 'completed' | 'failed' | 'cancelled';
export type DeliveryStatus = 'pending' | 'sent' | 'failed';

/** One message a send run is to deliver. */
export interface OutgoingMessage {
  targetKey: string;
  /** The text, or a template's content whose variables are rendered per target when `fromTemplate`. */
  text: string;
  /** @default false */
  fromTemplate?: boolean;
  /** An image of the owner's library sent with the text as its caption. */
  imageId?: string | null;
  /** The platform message id this message answers (quotes), in the target chat. */
  replyTo?: number | null;
}

/** A send run to open. */
export interface NewSendRun {
  userId: string;
  accountId: string;
  /** The account's platform, when the caller knows it: spares reading it again. */
  platform?: Platform;
  origin: SendOrigin;
  /** What makes a repeated trigger the same run: unique per account and origin. */
  businessKey: string;
  messages: OutgoingMessage[];
}

/** A ledger row as its run's owner sees it. */
export interface LedgerRow {
  id: number;
  targetKey: string;
  status: DeliveryStatus;
  error: string | null;
  sentAt: Date | null;
}

type LedgerDbRow = { id: number; target_key: string; status: DeliveryStatus; error: string | null; sent_at: Date | null };
const LEDGER_COLUMNS = ['id', 'target_key', 'status', 'error', 'sent_at'];
const mapLedgerRow = (r: LedgerDbRow): LedgerRow => ({ id: Number(r.id), targetKey: r.target_key, status: r.status, error: r.error, sentAt: r.sent_at });

/** A send run and its ledger rows in order; `created` is false when the trigger was a repeat. */
export interface SendRun {
  id: string;
  accountId: string;
  created: boolean;
  deliveries: LedgerRow[];
}

/**
 * Opens a send run with one pending ledger row per message, unless the account already has a run
 * of this origin and business key: then that run is answered as it is and nothing is added. Run it
 * inside the caller's transaction so the run and the change that caused it commit together.
 *
 * Target keys reach the ledger in their canonical form (the chat's identity on the account's
 * platform), and a chat named twice gets one row: the first message for it. A key of no known
 * form is kept as given, so its send fails as `invalid` where everyone can see it.
 */
export async function insertSendRun(trx: Knex, run: NewSendRun): Promise<SendRun> {
  const [inserted] = await trx('send_runs')
    .insert({ user_id: run.userId, account_id: run.accountId, origin: run.origin, business_key: run.businessKey })
    .onConflict(['account_id', 'origin', 'business_key'])
    .ignore()
    .returning<{ id: string }[]>('id');
  if (!inserted) {
    const existing = await trx('send_runs')
      .where({ account_id: run.accountId, origin: run.origin, business_key: run.businessKey })
      .first<{ id: string }>('id');
    return { id: existing.id, accountId: run.accountId, created: false, deliveries: await listLedger(trx, existing.id) };
  }
  const messages = await canonicalMessages(trx, run);
  if (messages.length === 0) return { id: inserted.id, accountId: run.accountId, created: true, deliveries: [] };
  const rows = await trx('deliveries')
    .insert(
      messages.map((m, position) => ({
        run_id: inserted.id,
        position,
        target_key: m.targetKey,
        text: m.text,
        from_template: m.fromTemplate ?? false,
        image_id: m.imageId ?? null,
        reply_to: m.replyTo ?? null,
        status: 'pending',
      })),
    )
    .returning<LedgerDbRow[]>(LEDGER_COLUMNS);
  // Rows come back in the order they were inserted, the ledger's order; sorted all the same, as the ledger is read.
  const deliveries = rows.map(mapLedgerRow).sort((a, b) => a.id - b.id);
  return { id: inserted.id, accountId: run.accountId, created: true, deliveries };
}

/** `run`'s messages with canonical target keys, one per chat. */
async function canonicalMessages(trx: Knex, run: NewSendRun): Promise<OutgoingMessage[]> {
  if (run.messages.length === 0) return [];
  const platform = run.platform ?? (await trx('accounts').where({ id: run.accountId }).first<{ platform: Platform }>('platform')).platform;
  const byChat = new Map<string, OutgoingMessage>();
  for (const message of run.messages) {
    const targetKey = canonicalTargetKeyOrNull(platform, message.targetKey) ?? message.targetKey;
    if (!byChat.has(targetKey)) byChat.set(targetKey, { ...message, targetKey });
  }
  return [...byChat.values()];
}

/** The id of the send run of an origin and a business key unique to one account (a job id, a workflow id). */
export async function findSendRunId(db: Knex, key: { origin: SendOrigin; businessKey: string }): Promise<string | undefined> {
  const row = await db('send_runs')
    .where({ origin: key.origin, business_key: key.businessKey })
    .first<{ id: string } | undefined>('id');
  return row?.id;
}

/** The ledger rows of a send run, in the order they were enqueued. */
export async function listLedger(db: Knex, runId: string): Promise<LedgerRow[]> {
  const rows = await db('deliveries').where({ run_id: runId }).orderBy('position').select<LedgerDbRow[]>(LEDGER_COLUMNS);
  return rows.map(mapLedgerRow);
}

/** A ledger row with what sending it needs. */
export interface Delivery {
  runId: string;
  targetKey: string;
  status: DeliveryStatus;
  clientMessageId: string;
  error: string | null;
  message: string;
  /** True when the message came from a template, whose variables are rendered per target. */
  fromTemplate: boolean;
  /** The image sent with the message, the message being its caption. */
  imageId: string | null;
  /** The message id it answers, in the target chat. */
  replyTo: number | null;
  accountId: string;
  accountName: string;
  accountStatus: string;
  /** The account's platform and the run's origin: what the send metrics count it by. */
  platform: string;
  origin: string;
}

/** The ledger rows of `targetKeys` in a send run, by target key, with what sending them needs. */
export async function findDeliveries(db: Knex, runId: string, targetKeys: string[]): Promise<Map<string, Delivery>> {
  const rows: Array<{
    target_key: string;
    status: DeliveryStatus;
    client_message_id: string;
    error: string | null;
    text: string;
    from_template: boolean;
    image_id: string | null;
    reply_to: string | null;
    account_id: string;
    account_name: string;
    account_status: string;
    platform: string;
    origin: string;
  }> = await db('deliveries as d')
    .join('send_runs as r', 'r.id', 'd.run_id')
    .join('accounts as a', 'a.id', 'r.account_id')
    .where('d.run_id', runId)
    .whereIn('d.target_key', targetKeys)
    .select(
      'd.target_key',
      'd.status',
      'd.client_message_id',
      'd.error',
      'd.text',
      'd.from_template',
      'd.image_id',
      'd.reply_to',
      'r.account_id',
      'a.name as account_name',
      'a.status as account_status',
      'a.platform',
      'r.origin',
    );
  return new Map(
    rows.map((row) => [
      row.target_key,
      {
        runId,
        targetKey: row.target_key,
        status: row.status,
        clientMessageId: row.client_message_id,
        error: row.error,
        message: row.text,
        fromTemplate: row.from_template,
        imageId: row.image_id,
        replyTo: row.reply_to === null ? null : Number(row.reply_to),
        accountId: row.account_id,
        accountName: row.account_name,
        accountStatus: row.account_status,
        platform: row.platform,
        origin: row.origin,
      },
    ]),
  );
}

/** The ledger row of one target of a send run. */
export async function findDelivery(db: Knex, runId: string, targetKey: string): Promise<Delivery | undefined> {
  return (await findDeliveries(db, runId, [targetKey])).get(targetKey);
}

/**
 * Settles a run's targets as `sent` or `failed` (with `error`) and records `message.<status>` for
 * each one that was pending, in one statement (a send's last round trip). A sent target stays
 * sent; failing a failed one again only changes its error.
 */
async function settleDeliveries(
  db: Knex,
  runId: string,
  targetKeys: readonly string[],
  outcome: { status: 'sent'; platformMessageId: string; sentAt: Date } | { status: 'failed'; error: string },
): Promise<void> {
  const sent = outcome.status === 'sent';
  const platformMessageId = sent ? outcome.platformMessageId : null;
  const error = sent ? null : outcome.error;
  await emitEventsFrom(
    db,
    `old as (
       select id, status from deliveries where run_id = ? and target_key = any(?) and status <> 'sent' order by id for update
     ), settled as (
       update deliveries d set status = ?, platform_message_id = ?, sent_at = ?, error = ?, updated_at = now()
       from old, send_runs r
       where d.id = old.id and r.id = d.run_id
       returning d.id, d.target_key, old.status as previous, r.user_id, r.account_id, r.origin
     ), input as (
       -- Only a target that was pending has news; the log's order is the ledger's.
       select row_number() over (order by id) as ord, user_id, account_id, ?::text as type,
              jsonb_strip_nulls(jsonb_build_object('send_run_id', ?::text, 'delivery_id', id, 'origin', origin, 'target_key', target_key,
                                                   'platform_message_id', ?::text, 'error', ?::text)) as data,
              target_key as chat_key, now() as created_at
       from settled where previous = 'pending'
     )`,
    [runId, [...targetKeys], outcome.status, platformMessageId, sent ? outcome.sentAt : null, error, `message.${outcome.status}`, runId, platformMessageId, error],
  );
}

/** Settles a target as sent, recording `message.sent` (see {@link settleDeliveries}). */
export async function markDeliverySent(
  db: Knex,
  runId: string,
  targetKey: string,
  sent: { platformMessageId: string; sentAt: Date },
): Promise<void> {
  await settleDeliveries(db, runId, [targetKey], { status: 'sent', ...sent });
}

/** Fails a target that has not been sent, recording `message.failed`; a sent target stays sent. */
export async function markDeliveryFailed(db: Knex, runId: string, targetKey: string, error: string): Promise<void> {
  await settleDeliveries(db, runId, [targetKey], { status: 'failed', error });
}

/**
 * Closes a running send run with its counts from the ledger; pending rows of a run that did not
 * complete are failed with `error`. A run already closed stays as it was. Answers the counts, or
 * undefined when the run was not running.
 */
export async function finishSendRun(
  trx: Knex,
  runId: string,
  status: SendRunStatus,
  error?: string,
): Promise<{ sent: number; failed: number } | undefined> {
  if (status !== 'completed') {
    // What is still pending fails with the run, once the run is known to be running.
    const run = await trx('send_runs').where({ id: runId, status: 'running' }).forUpdate().first<{ id: string } | undefined>('id');
    if (!run) return undefined;
    const pending: Array<{ target_key: string }> = await trx('deliveries').where({ run_id: runId, status: 'pending' }).select('target_key');
    if (pending.length > 0) await settleDeliveries(trx, runId, pending.map((p) => p.target_key), { status: 'failed', error: error ?? `run ${status}` });
  }
  const [closed] = await queryPrepared<{ sent: number; failed: number }>(trx, CLOSE_RUN, [runId, status, error ?? null]);
  return closed;
}

/**
 * Closes run `$1` as `$2` (error `$3`) with its counts from the ledger, in one statement, if it is
 * still running: a finisher that waited for another's lock finds it closed and changes nothing.
 */
const CLOSE_RUN = `
  with run as (
    select id from send_runs where id = $1 and status = 'running' for update
  ), counts as (
    select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'failed')::int as failed
    from deliveries where run_id = $1
  )
  update send_runs s set status = $2, sent = counts.sent, failed = counts.failed, error = $3, finished_at = now()
  from run, counts
  where s.id = run.id
  returning s.sent, s.failed`;

/**
 * The account's send runs whose business key starts with `prefix` (the sends of one inbound
 * event, say), each with its targets still pending; runs with nothing pending are left out.
 */
export async function listPendingTargets(db: Knex, accountId: string, prefix: string): Promise<Array<{ runId: string; targetKeys: string[] }>> {
  const rows: Array<{ run_id: string; target_key: string }> = await db('deliveries as d')
    .join('send_runs as r', 'r.id', 'd.run_id')
    .where('r.account_id', accountId)
    .whereRaw('starts_with(r.business_key, ?)', [prefix])
    .where('d.status', 'pending')
    .orderBy([{ column: 'r.created_at' }, { column: 'r.id' }, { column: 'd.position' }])
    .select('d.run_id', 'd.target_key');
  const runs = new Map<string, string[]>();
  for (const row of rows) runs.set(row.run_id, [...(runs.get(row.run_id) ?? []), row.target_key]);
  return [...runs].map(([runId, targetKeys]) => ({ runId, targetKeys }));
}

/** The origins that are campaigns: a contact who opted out gets none of their messages. */
const CAMPAIGN_ORIGINS = ['broadcast', 'drip', 'ab_test'];

/**
 * Of `targetKeys` of run `runId`, those naming a contact of the run's owner who opted out, when the
 * run is a campaign's (a broadcast, a drip, an A/B test): by username (`@name`), Telegram user id,
 * WhatsApp JID or phone number in E.164.
 */
export async function findOptedOutTargets(db: Knex, runId: string, targetKeys: readonly string[]): Promise<Set<string>> {
  if (targetKeys.length === 0) return new Set();
  const { rows } = await db.raw<{ rows: Array<{ target_key: string }> }>(
    `select distinct d.target_key from deliveries d
     join send_runs r on r.id = d.run_id and r.origin = any(?)
     join contacts c on c.user_id = r.user_id and c.opted_out
       and (c.username = lower(substr(d.target_key, 2)) and d.target_key like '@%'
            or c.telegram_id = d.target_key or c.whatsapp_jid = d.target_key or c.phone_e164 = d.target_key)
     where d.run_id = ? and d.target_key = any(?)`,
    [CAMPAIGN_ORIGINS, runId, [...targetKeys]],
  );
  return new Set(rows.map((r) => r.target_key));
}
