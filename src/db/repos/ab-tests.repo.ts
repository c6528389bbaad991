/** A/B tests, their owner's alone (an admin's scope sees no one else's either). */
import type { Knex } from 'knex';
import { emitEvent } from './events.repo';
import type { WinnerPick } from '../../domain/ab-stats';
import type { Scope } from './scope';

/** A variant as created: its message (text, or a template of the owner's) and weight. */
export interface AbVariant {
  name: string;
  template?: string;
  template_id?: string;
  weight: number;
}

/** Counts of one variant. */
export interface VariantCounts {
  sent: number;
  delivered: number;
  failed: number;
}

/** What `complete` decided: the statistics, and the variant the held-back groups got (if any). */
export interface AbDecision extends WinnerPick {
  /** The variant sent to the groups held back from a sample test: the winner, else the leader; null when none were held back. */
  sent_to_rest: string | null;
  decided_at: string;
}

export type AbTestStatus = 'draft' | 'running' | 'completed';

export interface AbTest {
  id: string;
  userId: string;
  accountId: string;
  name: string;
  variants: AbVariant[];
  groups: string[];
  samplePercent: number | null;
  decideAfterMinutes: number | null;
  status: AbTestStatus;
  split: Record<string, string[]> | null;
  rest: string[] | null;
  externalResults: Record<string, VariantCounts>;
  decision: AbDecision | null;
  startedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface AbTestRow {
  id: string;
  user_id: string;
  account_id: string;
  name: string;
  variants: AbVariant[];
  groups: string[];
  sample_percent: number | null;
  decide_after_minutes: number | null;
  status: AbTestStatus;
  split: Record<string, string[]> | null;
  rest: string[] | null;
  external_results: Record<string, VariantCounts>;
  decision: AbDecision | null;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const mapTest = (r: AbTestRow): AbTest => ({
  id: r.id,
  userId: r.user_id,
  accountId: r.account_id,
  name: r.name,
  variants: r.variants,
  groups: r.groups,
  samplePercent: r.sample_percent,
  decideAfterMinutes: r.decide_after_minutes,
  status: r.status,
  split: r.split,
  rest: r.rest,
  externalResults: r.external_results,
  decision: r.decision,
  startedAt: r.started_at,
  completedAt: r.completed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const own = (db: Knex, scope: Scope) => db('ab_tests').where({ user_id: scope.userId });

/** A new test of the scope's user, a draft. */
export async function insertAbTest(
  db: Knex,
  scope: Scope,
  test: Pick<AbTest, 'accountId' | 'name' | 'variants' | 'groups' | 'samplePercent' | 'decideAfterMinutes'>,
): Promise<AbTest> {
  const [row] = (await db('ab_tests')
    .insert({
      user_id: scope.userId,
      account_id: test.accountId,
      name: test.name,
      variants: JSON.stringify(test.variants),
      groups: test.groups,
      sample_percent: test.samplePercent,
      decide_after_minutes: test.decideAfterMinutes,
    })
    .returning('*')) as AbTestRow[];
  return mapTest(row!);
}

/** The scope's user's tests, newest first. */
export async function listAbTests(db: Knex, scope: Scope): Promise<AbTest[]> {
  return ((await own(db, scope).orderBy('created_at', 'desc').orderBy('id')) as AbTestRow[]).map(mapTest);
}

/** The scope's user's test `id` (locked for the transaction with `forUpdate`), or undefined. */
export async function findAbTest(db: Knex, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<AbTest | undefined> {
  const query = own(db, scope).where({ id }).first();
  if (options.forUpdate) query.forUpdate();
  const row = (await query) as AbTestRow | undefined;
  return row && mapTest(row);
}

/** Test `id` whoever owns it: the system's own read (its workflow's activities). */
export async function findAnyAbTest(db: Knex, id: string, options: { forUpdate?: boolean } = {}): Promise<AbTest | undefined> {
  const query = db('ab_tests').where({ id }).first();
  if (options.forUpdate) query.forUpdate();
  const row = (await query) as AbTestRow | undefined;
  return row && mapTest(row);
}

/** Marks test `id` started with its split. */
export async function markAbTestStarted(trx: Knex, id: string, split: Record<string, string[]>, rest: string[]): Promise<void> {
  await trx('ab_tests').where({ id }).update({ status: 'running', split: JSON.stringify(split), rest, started_at: trx.fn.now(), updated_at: trx.fn.now() });
}

/** Adds `counts` to the recorded results of variant `variant` of test `id`. */
export async function addExternalResults(trx: Knex, id: string, variant: string, counts: VariantCounts): Promise<AbTest> {
  const [row] = (await trx('ab_tests')
    .where({ id })
    .update({
      external_results: trx.raw(
        `jsonb_set(external_results, array[?], jsonb_build_object(
           'sent', coalesce((external_results->?->>'sent')::bigint, 0) + ?,
           'delivered', coalesce((external_results->?->>'delivered')::bigint, 0) + ?,
           'failed', coalesce((external_results->?->>'failed')::bigint, 0) + ?))`,
        [variant, variant, counts.sent, variant, counts.delivered, variant, counts.failed],
      ),
      updated_at: trx.fn.now(),
    })
    .returning('*')) as AbTestRow[];
  return mapTest(row!);
}

/** Records the decision of test `id`, completing it, and `abtest.completed` with it. */
export async function markAbTestCompleted(trx: Knex, id: string, decision: AbDecision): Promise<void> {
  const [row] = await trx('ab_tests')
    .where({ id })
    .update({ status: 'completed', decision: JSON.stringify(decision), completed_at: trx.fn.now(), updated_at: trx.fn.now() })
    .returning<Array<{ user_id: string; account_id: string; name: string }>>(['user_id', 'account_id', 'name']);
  if (row) await emitEvent(trx, { userId: row.user_id, accountId: row.account_id, type: 'abtest.completed', data: { ab_test_id: id, name: row.name, decision } });
}

/** Deletes the scope's user's test `id`; false when there is none. */
export async function deleteAbTest(db: Knex, scope: Scope, id: string): Promise<boolean> {
  return (await own(db, scope).where({ id }).delete()) > 0;
}

/** The ledger's counts of each of the test's send runs, by business key. */
export async function countAbTestDeliveries(db: Knex, accountId: string, businessKeyPrefix: string): Promise<Map<string, VariantCounts>> {
  const rows = await db('send_runs as r')
    .join('deliveries as d', 'd.run_id', 'r.id')
    .where({ 'r.account_id': accountId, 'r.origin': 'ab_test' })
    .whereLike('r.business_key', `${businessKeyPrefix}%`)
    .groupBy('r.business_key')
    .select<{ business_key: string; delivered: string; failed: string }[]>(
      'r.business_key',
      db.raw("count(*) filter (where d.status = 'sent') as delivered"),
      db.raw("count(*) filter (where d.status = 'failed') as failed"),
    );
  return new Map(rows.map((r) => [r.business_key, { sent: Number(r.delivered) + Number(r.failed), delivered: Number(r.delivered), failed: Number(r.failed) }]));
}
