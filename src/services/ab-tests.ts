/**
 * A/B tests, their owner's alone: variants of a message sent to a deterministic split of target
 * groups through the one send path (one send run per variant, origin `ab_test`, business key
 * `abtest:<id>:<variant>`), results counted from the ledger plus what the owner records, and the
 * decision by a two-proportion z-test. A test with `sample_percent` tries the variants on a sample
 * first; its workflow (`abtest-<id>`) decides after `decide_after_minutes` — or when `complete`
 * is called — and sends the winning variant (the leader when none wins significantly) to the rest.
 */
import type { Knex } from 'knex';
import * as repo from '../db/repos/ab-tests.repo';
import type { Scope } from '../db/repos/scope';
import { finishSendRun, listPendingTargets } from '../db/repos/send-runs.repo';
import { findTemplate } from '../db/repos/templates.repo';
import { enqueueWorkflowStart } from '../db/repos/temporal-outbox.repo';
import { sampleGroups, splitGroups } from '../domain/ab-split';
import { pickWinner } from '../domain/ab-stats';
import { isId } from '../domain/ids';
import { accountTaskQueue } from '../domain/sharding';
import { canonicalTargetKeyOrNull } from '../domain/target-keys';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import { storedSearchAttributes } from '../temporal/search-attributes';
import { AB_TEST_WORKFLOW, abTestWorkflowId, MAIN_TASK_QUEUE, type AbTestInput } from '../workflows/shared';
import { sendingAccount } from './accounts';
import { enqueueSendRun } from './send-runs';

// Tests are their owner's alone: an admin's scope sees no one else's either.
const own = (scope: Scope): Scope => ({ ...scope, admin: false });

/** A test to create, as the API validated it. */
export interface NewAbTest {
  name: string;
  accountId?: string;
  variants: Array<{ name: string; template?: string; template_id?: string; weight?: number }>;
  groups: string[];
  samplePercent?: number;
  decideAfterMinutes?: number;
}

/** The business key of a variant's send run, and of the rest's. */
const variantKey = (testId: string, variant: string) => `abtest:${testId}:variant:${variant}`;
const restKey = (testId: string) => `abtest:${testId}:rest`;

/**
 * Creates a draft test. Groups are target keys in the account's canonical form (a key of no form
 * is kept as given; its send fails at start). @throws BadRequestError for an unknown template or
 * an account that cannot be chosen; NotFoundError for another user's account.
 */
export async function createAbTest(db: Knex, scope: Scope, test: NewAbTest): Promise<repo.AbTest> {
  const account = await sendingAccount(db, scope, test.accountId);
  for (const variant of test.variants) {
    if (variant.template_id !== undefined && !(isId(variant.template_id) && (await findTemplate(db, variant.template_id, own(scope))))) {
      throw new BadRequestError(`variants: template ${variant.template_id} of variant "${variant.name}" not found`);
    }
  }
  const groups = [...new Set(test.groups.map((g) => canonicalTargetKeyOrNull(account.platform, g) ?? g.trim()))];
  if (test.samplePercent !== undefined && groups.length < test.variants.length + 1) {
    throw new BadRequestError(`groups: a sample test needs more groups than variants (${test.variants.length}), to keep some for the winner`);
  }
  return repo.insertAbTest(db, own(scope), {
    accountId: account.id,
    name: test.name,
    variants: test.variants.map((v) => ({ ...v, weight: v.weight ?? 1 })),
    groups,
    samplePercent: test.samplePercent ?? null,
    decideAfterMinutes: test.samplePercent === undefined ? null : (test.decideAfterMinutes ?? 60),
  });
}

export const listOwnAbTests = (db: Knex, scope: Scope) => repo.listAbTests(db, own(scope));

/** The scope's user's test `id`. @throws NotFoundError. */
export async function visibleAbTest(db: Knex, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<repo.AbTest> {
  const test = isId(id) ? await repo.findAbTest(db, own(scope), id.toLowerCase(), options) : undefined;
  if (!test) throw new NotFoundError('A/B test not found');
  return test;
}

/** The text a variant sends: its own, or its template's content (rendered per target at send time). */
async function variantText(db: Knex, test: repo.AbTest, variant: repo.AbVariant): Promise<{ text: string; fromTemplate: boolean }> {
  if (variant.template !== undefined) return { text: variant.template, fromTemplate: true };
  const template = await findTemplate(db, variant.template_id!, { userId: test.userId, admin: false });
  if (!template) throw new BadRequestError(`the template of variant "${variant.name}" was deleted`);
  return { text: template.content, fromTemplate: true };
}

/**
 * Starts a draft test: splits its groups (a sample of them first, with `sample_percent`) among
 * the variants by weight, deterministically; enqueues each variant's send run and the test's
 * workflow in one transaction. @throws NotFoundError; ConflictError for a test started already.
 */
export async function startAbTest(db: Knex, scope: Scope, id: string, options: { namespace: string; sessionShards: number }): Promise<repo.AbTest> {
  return db.transaction(async (trx) => {
    const test = await visibleAbTest(trx, scope, id, { forUpdate: true });
    if (test.status !== 'draft') throw new ConflictError(`the test is ${test.status} already`);
    const { sample, rest } = test.samplePercent === null ? { sample: test.groups, rest: [] } : sampleGroups(test.groups, test.samplePercent, test.id);
    const split = Object.fromEntries(splitGroups(sample, test.variants, test.id));
    for (const variant of test.variants) {
      const targets = split[variant.name] ?? [];
      if (targets.length === 0) continue;
      const { text, fromTemplate } = await variantText(trx, test, variant);
      await enqueueSendRun(trx, {
        userId: test.userId,
        accountId: test.accountId,
        origin: 'ab_test',
        businessKey: variantKey(test.id, variant.name),
        messages: targets.map((targetKey) => ({ targetKey, text, fromTemplate })),
      });
    }
    await repo.markAbTestStarted(trx, test.id, split, rest);
    const input: AbTestInput = {
      testId: test.id,
      sessionTaskQueue: accountTaskQueue(test.accountId, options.sessionShards),
      decideAfterMs: test.decideAfterMinutes === null ? null : Math.round(test.decideAfterMinutes * 60_000),
    };
    const owner = { userId: test.userId, accountId: test.accountId };
    await enqueueWorkflowStart(trx, options.namespace, {
      workflowId: abTestWorkflowId(test.id),
      workflowType: AB_TEST_WORKFLOW,
      taskQueue: MAIN_TASK_QUEUE,
      args: [input],
      memo: { ...owner, abTestId: test.id },
      searchAttributes: storedSearchAttributes('ab_test', owner),
    });
    return (await repo.findAbTest(trx, own(scope), test.id))!;
  });
}

/** The send runs of a started test still to deliver: the variants', or with `rest`, the held-back groups'. */
export async function pendingAbTestRuns(db: Knex, testId: string, part: 'variants' | 'rest') {
  const test = await repo.findAnyAbTest(db, testId);
  if (!test) return [];
  return listPendingTargets(db, test.accountId, part === 'rest' ? restKey(testId) : `abtest:${testId}:variant:`);
}

/** Each variant's counts: the ledger's (sent, delivered, failed) plus the recorded ones. */
export async function abTestResults(db: Knex, test: repo.AbTest): Promise<Array<{ name: string } & repo.VariantCounts>> {
  const ledger = await repo.countAbTestDeliveries(db, test.accountId, `abtest:${test.id}:variant:`);
  return test.variants.map(({ name }) => {
    const counted = ledger.get(variantKey(test.id, name)) ?? { sent: 0, delivered: 0, failed: 0 };
    const recorded = test.externalResults[name] ?? { sent: 0, delivered: 0, failed: 0 };
    return { name, sent: counted.sent + recorded.sent, delivered: counted.delivered + recorded.delivered, failed: counted.failed + recorded.failed };
  });
}

/**
 * Adds externally measured counts of a variant (`POST …/results`). @throws NotFoundError;
 * BadRequestError for a variant the test does not have or counts that do not add up.
 */
export async function recordAbTestResults(db: Knex, scope: Scope, id: string, result: { variant: string } & repo.VariantCounts): Promise<repo.AbTest> {
  if (result.delivered + result.failed > result.sent) throw new BadRequestError('delivered + failed must not exceed sent');
  return db.transaction(async (trx) => {
    const test = await visibleAbTest(trx, scope, id);
    if (!test.variants.some((v) => v.name === result.variant)) {
      throw new BadRequestError(`variant: the test has no variant "${result.variant}" (it has ${test.variants.map((v) => `"${v.name}"`).join(', ')})`);
    }
    return repo.addExternalResults(trx, test.id, result.variant, result);
  });
}

/**
 * Decides test `testId` once — the winner by delivery rate (`pickWinner`) — and, for a sample
 * test, enqueues the winning variant (the leader when none wins significantly) to the groups held
 * back. A decided test keeps its decision. Answers the decision.
 */
export async function decideAbTest(db: Knex, testId: string): Promise<repo.AbDecision | undefined> {
  return db.transaction(async (trx) => {
    const test = await repo.findAnyAbTest(trx, testId, { forUpdate: true });
    if (!test || test.status === 'draft') return undefined;
    if (test.decision) return test.decision;
    const results = await abTestResults(trx, test);
    const pick = pickWinner(results, { metric: 'delivery' });
    const leader = test.variants.map((v) => v.name).reduce((best, name) => ((pick.rates[name] ?? 0) > (pick.rates[best] ?? 0) ? name : best));
    const rest = test.rest ?? [];
    const chosen = rest.length > 0 ? (pick.winner ?? leader) : null;
    if (chosen !== null) {
      const { text, fromTemplate } = await variantText(trx, test, test.variants.find((v) => v.name === chosen)!);
      await enqueueSendRun(trx, {
        userId: test.userId,
        accountId: test.accountId,
        origin: 'ab_test',
        businessKey: restKey(test.id),
        messages: rest.map((targetKey) => ({ targetKey, text, fromTemplate })),
      });
    }
    const decision: repo.AbDecision = { ...pick, sent_to_rest: chosen, decided_at: new Date().toISOString() };
    await repo.markAbTestCompleted(trx, test.id, decision);
    return decision;
  });
}

/** Completes the scope's user's test `id` now (`POST …/complete`); answers the decision and the test. @throws NotFoundError; ConflictError for a draft. */
export async function completeAbTest(db: Knex, scope: Scope, id: string): Promise<{ decision: repo.AbDecision; test: repo.AbTest }> {
  const test = await visibleAbTest(db, scope, id);
  if (test.status === 'draft') throw new ConflictError('the test has not started');
  return { decision: (await decideAbTest(db, test.id))!, test };
}

/**
 * Deletes the scope's user's test `id` and answers its id: its sends not yet made are cancelled
 * (their ledger rows fail with the reason); those made stay in the ledger. @throws NotFoundError.
 */
export async function removeAbTest(db: Knex, scope: Scope, id: string): Promise<string> {
  return db.transaction(async (trx) => {
    const test = await visibleAbTest(trx, scope, id, { forUpdate: true });
    for (const run of await listPendingTargets(trx, test.accountId, `abtest:${test.id}:`)) {
      await finishSendRun(trx, run.runId, 'cancelled', 'the A/B test was deleted');
    }
    await repo.deleteAbTest(trx, own(scope), test.id);
    return test.id;
  });
}
