import type { AbTest } from '../../db/repos/ab-tests.repo';
import {
  abTestResults,
  completeAbTest,
  createAbTest,
  listOwnAbTests,
  recordAbTestResults,
  removeAbTest,
  startAbTest,
  visibleAbTest,
} from '../../services/ab-tests';
import { abTestWorkflowId, DECIDE_AB_TEST_SIGNAL } from '../../workflows/shared';
import type { ApiDeps } from '../context';
import { ok, route } from '../route';
import { AbTestResponses } from './ab-tests.responses';
import { AbTestResultsBody, CreateAbTestBody } from './ab-tests.schemas';

/** A/B tests of message variants; started tests send through the one send path. */
export function abTestRoutes({ db, outbox, config, temporal, logger }: ApiDeps) {
  const withResults = async (test: AbTest) => (await abTestResults(db, test)).map((r) => ({ ...r, delivery_rate: r.sent === 0 ? 0 : r.delivered / r.sent }));
  return [
    route({
      method: 'get',
      path: '/api/ab-tests',
      summary: "The caller's A/B tests, newest first",
      tag: 'A/B tests',
      operationId: 'listAbTests',
      responses: { 200: AbTestResponses.list },
      handler: async ({ caller }) => {
        const tests = await listOwnAbTests(db, caller.scope);
        return ok({ tests: tests.map(presentTest), count: tests.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/ab-tests',
      summary: 'Create an A/B test: two or more variants, the groups they are split among by weight, optionally a sample first',
      tag: 'A/B tests',
      operationId: 'createAbTest',
      responses: { 201: AbTestResponses.created },
      errors: [404],
      body: CreateAbTestBody,
      idempotent: true,
      handler: async ({ caller, body }) => {
        const test = await createAbTest(db, caller.scope, {
          name: body.name,
          accountId: body.account_id,
          variants: body.variants,
          groups: body.groups,
          samplePercent: body.sample_percent,
          decideAfterMinutes: body.decide_after_minutes,
        });
        return ok({ id: test.id, test: presentTest(test) }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/ab-tests/:id',
      summary: 'An A/B test with each variant’s counts (the ledger’s plus those recorded)',
      tag: 'A/B tests',
      operationId: 'getAbTest',
      responses: { 200: AbTestResponses.one },
      handler: async ({ caller, params }) => {
        const test = await visibleAbTest(db, caller.scope, params.id ?? '');
        return ok({ test: presentTest(test), results: await withResults(test) });
      },
    }),
    route({
      method: 'post',
      path: '/api/ab-tests/:id/start',
      summary: 'Start a test: each variant goes to its groups (a sample of them, with sample_percent)',
      tag: 'A/B tests',
      operationId: 'startAbTest',
      responses: { 200: AbTestResponses.created },
      errors: [409],
      handler: async ({ caller, params }) => {
        const test = await startAbTest(db, caller.scope, params.id ?? '', { namespace: outbox.namespace, sessionShards: config.sessionShards });
        outbox.kick();
        return ok({ id: test.id, test: presentTest(test) });
      },
    }),
    route({
      method: 'post',
      path: '/api/ab-tests/:id/results',
      summary: 'Record results of a variant measured elsewhere; they add to the ledger’s counts',
      tag: 'A/B tests',
      operationId: 'recordAbTestResults',
      responses: { 200: AbTestResponses.one },
      body: AbTestResultsBody,
      handler: async ({ caller, params, body }) => {
        const test = await recordAbTestResults(db, caller.scope, params.id ?? '', body);
        return ok({ test: presentTest(test), results: await withResults(test) });
      },
    }),
    route({
      method: 'post',
      path: '/api/ab-tests/:id/complete',
      summary: 'Complete a test: the winner by delivery rate with a two-proportion z-test (z, p), or none; a sample test sends its choice to the rest now',
      tag: 'A/B tests',
      operationId: 'completeAbTest',
      responses: { 200: AbTestResponses.completed },
      errors: [409],
      handler: async ({ caller, params }) => {
        const { decision, test } = await completeAbTest(db, caller.scope, params.id ?? '');
        if (test.rest && test.rest.length > 0) {
          // The workflow sends the rest as soon as it hears; if it cannot be told, it does when its wait ends.
          await temporal.workflow
            .getHandle(abTestWorkflowId(test.id))
            .signal(DECIDE_AB_TEST_SIGNAL)
            .catch((err: unknown) => logger.warn({ err, testId: test.id }, 'A/B test workflow not told of its decision'));
        }
        return ok({ winner: decision.winner, decision, results: await withResults(test) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/ab-tests/:id',
      summary: 'Delete a test: its sends not yet made are cancelled; those made stay in the ledger',
      tag: 'A/B tests',
      operationId: 'deleteAbTest',
      responses: { 200: AbTestResponses.deleted },
      handler: async ({ caller, params }) => {
        return ok({ deleted: await removeAbTest(db, caller.scope, params.id ?? '') });
      },
    }),
  ];
}

function presentTest(t: AbTest) {
  return {
    id: t.id,
    name: t.name,
    account_id: t.accountId,
    status: t.status,
    variants: t.variants,
    groups: t.groups,
    sample_percent: t.samplePercent,
    decide_after_minutes: t.decideAfterMinutes,
    split: t.split,
    rest: t.rest,
    decision: t.decision,
    started_at: t.startedAt?.toISOString() ?? null,
    completed_at: t.completedAt?.toISOString() ?? null,
    created_at: t.createdAt.toISOString(),
  };
}
