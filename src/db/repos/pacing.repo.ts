import type { Knex } from 'knex';
import { defaultPacingLimits, reserveSend, type PacingLimits, type PacingState } from '../../domain/pacing';
import type { Platform } from '../../domain/platform-port';
import { ownedBy, type Scope } from './scope';
import { queryPrepared } from '../prepared';

interface PacingRow {
  min_gap_ms: number;
  jitter_ms: number;
  per_minute: number;
  per_day: number;
  next_send_at: Date | null;
  paused_until: Date | null;
  day: string | null;
  sent_today: number;
  minute_started_at: Date | null;
  sent_this_minute: number;
}

/** An account's send budget and its state. */
export interface Pacing {
  limits: PacingLimits;
  state: PacingState;
}

const mapPacing = (r: PacingRow): Pacing => ({
  limits: { minGapMs: r.min_gap_ms, jitterMs: r.jitter_ms, perMinute: r.per_minute, perDay: r.per_day },
  state: {
    nextSendAt: r.next_send_at,
    pausedUntil: r.paused_until,
    day: r.day,
    sentToday: r.sent_today,
    minuteStartedAt: r.minute_started_at,
    sentThisMinute: r.sent_this_minute,
  },
});

/** Creates the account's pacing row with its platform's defaults, unless it exists. */
async function ensurePacing(db: Knex, accountId: string): Promise<void> {
  const account = await db('accounts')
    .where({ id: accountId })
    .first<{ platform: Platform; sandbox: boolean } | undefined>('platform', 'sandbox');
  if (!account) return;
  const limits = defaultPacingLimits(account.platform, account.sandbox);
  await db('account_pacing')
    .insert({
      account_id: accountId,
      min_gap_ms: limits.minGapMs,
      jitter_ms: limits.jitterMs,
      per_minute: limits.perMinute,
      per_day: limits.perDay,
    })
    .onConflict('account_id')
    .ignore();
}

export async function getPacing(db: Knex, accountId: string): Promise<Pacing | undefined> {
  let row: PacingRow | undefined = await db('account_pacing').where({ account_id: accountId }).first();
  if (!row) {
    await ensurePacing(db, accountId);
    row = await db('account_pacing').where({ account_id: accountId }).first();
  }
  return row && mapPacing(row);
}

/** Changes the send budget of account `accountId` if `scope` may see the account; undefined when it may not. */
export async function updatePacingLimits(db: Knex, scope: Scope, accountId: string, limits: PacingLimits): Promise<Pacing | undefined> {
  await ensurePacing(db, accountId);
  const [row]: PacingRow[] = await db('account_pacing')
    .where({ account_id: accountId })
    .whereIn('account_id', ownedBy(db('accounts').select('id').where({ id: accountId }), scope))
    .update({ min_gap_ms: limits.minGapMs, jitter_ms: limits.jitterMs, per_minute: limits.perMinute, per_day: limits.perDay })
    .returning('*');
  return row && mapPacing(row);
}

/** When a reserved send may go out, and the account's status as the reservation found it. */
export interface SendSlot {
  at: Date;
  accountStatus: string;
}

/**
 * The reservation of an account with no budget and no pause: it only counts the send. It commits
 * asynchronously, as the sandbox's own writes do: the ledger's synchronous commit that settles the
 * send flushes the log up to it, so a crash of the database can lose only the count of a send that
 * nothing recorded, which its retry counts again.
 */
const FAST_RESERVATION = `
  update account_pacing p set
    sent_today = case when p.day = (now() at time zone 'utc')::date then p.sent_today + 1 else 1 end,
    day = (now() at time zone 'utc')::date
  from accounts a, (select set_config('synchronous_commit', 'off', true)) as async_commit
  where p.account_id = $1 and a.id = p.account_id and a.status = 'connected'
    and p.min_gap_ms = 0 and p.jitter_ms = 0 and p.per_minute = 0 and p.per_day = 0
    and (p.paused_until is null or p.paused_until <= now())
    and (p.next_send_at is null or p.next_send_at <= now())
  returning now() as at, a.status`;

/** The paced reservation's read: the account's pacing row, locked, its status, and the slot `$2` already holds. */
const LOCK_PACING = `
  select p.*, a.status, s.at as kept_at
  from account_pacing p
  join accounts a on a.id = p.account_id
  left join send_slots s on s.client_message_id = $2::text
  where p.account_id = $1
  for update of p`;

/** The paced reservation's write: the account's new pacing state, and the send's slot when it is named (`$8`). */
const SAVE_RESERVATION = `
  with pacing as (
    update account_pacing set next_send_at = $2, paused_until = $3, day = $4, sent_today = $5, minute_started_at = $6, sent_this_minute = $7
    where account_id = $1
  )
  insert into send_slots (client_message_id, account_id, at)
  select $8::text, $1::uuid, $9::timestamptz where $8::text is not null
  on conflict (client_message_id) do update set at = excluded.at, reserved_at = now()`;

/**
 * Accounts with a budget, as their latest reservation found: the next one goes straight to the
 * paced path, sparing the fast path's round trip. Only which path is tried first depends on it,
 * since the paced path serves every account; an account found with no budget is dropped from it.
 */
const pacedAccounts = new Set<string>();

/**
 * Reserves the account's next send under its budget (see `reserveSend`) and returns when it may
 * go out. Concurrent reservations of one account queue on its row, so every run shares one budget.
 * An account that is not connected gets no reservation: the caller stops on its status.
 *
 * A send named by its `clientMessageId` keeps the slot it was given: asking again (the next
 * activity, after a durable timer or a retry) answers the same slot, unless a pause (FloodWait)
 * set since covers it, in which case it gets a new one after the pause.
 */
export async function reserveSlot(db: Knex, accountId: string, clientMessageId?: string): Promise<SendSlot> {
  // The fast path's asynchronous commit would extend to a caller's whole transaction.
  if (db.isTransaction) throw new Error('reserveSlot runs outside transactions');
  // Fast path, one statement, prepared since every send runs it: an account with no budget and
  // no pause only counts its sends.
  if (!pacedAccounts.has(accountId)) {
    const [reserved] = await queryPrepared<{ at: Date; status: string }>(db, FAST_RESERVATION, [accountId]);
    if (reserved) return { at: reserved.at, accountStatus: reserved.status };
  }

  // The paced path: the account's row locked with the slot the send may already hold, in one
  // round trip, then the new state and the slot saved in one more.
  const slot = await db.transaction(async (trx) => {
    const [row] = await queryPrepared<PacingRow & { status: string; kept_at: Date | null }>(trx, LOCK_PACING, [accountId, clientMessageId ?? null]);
    if (!row) return undefined;
    if (row.status !== 'connected') return { at: new Date(), accountStatus: row.status };
    if (row.kept_at && (row.paused_until === null || row.kept_at >= row.paused_until)) return { at: row.kept_at, accountStatus: row.status };
    const pacing = mapPacing(row);
    const { minGapMs, jitterMs, perMinute, perDay } = pacing.limits;
    if (minGapMs === 0 && jitterMs === 0 && perMinute === 0 && perDay === 0) pacedAccounts.delete(accountId);
    else pacedAccounts.add(accountId);
    const next = reserveSend(pacing.limits, pacing.state, new Date(), Math.random());
    const state = next.state;
    await queryPrepared(trx, SAVE_RESERVATION, [
      accountId,
      state.nextSendAt,
      state.pausedUntil,
      state.day,
      state.sentToday,
      state.minuteStartedAt,
      state.sentThisMinute,
      clientMessageId ?? null,
      next.at,
    ]);
    return { at: next.at, accountStatus: row.status };
  });
  if (slot) return slot;
  await ensurePacing(db, accountId);
  const account = await db('accounts').where({ id: accountId }).first<{ status: string } | undefined>('status');
  if (!account) return { at: new Date(), accountStatus: 'deleted' };
  return reserveSlot(db, accountId, clientMessageId);
}

/** Forgets slots reserved more than a day ago: their sends went out or were given up long since. */
export async function pruneSendSlots(db: Knex): Promise<number> {
  return db('send_slots').where('reserved_at', '<', db.raw(`now() - interval '1 day'`)).delete();
}

/** Pauses every send of the account until `until` (a FloodWait); an existing longer pause stays. */
export async function pauseSends(db: Knex, accountId: string, until: Date): Promise<void> {
  await ensurePacing(db, accountId);
  await db('account_pacing')
    .where({ account_id: accountId })
    .update({
      paused_until: db.raw('greatest(paused_until, ?::timestamptz)', [until]),
      next_send_at: db.raw('greatest(next_send_at, ?::timestamptz)', [until]),
    });
}
