import { z } from 'zod';
import { success } from '../responses';

const Timestamp = z.iso.datetime();

const Counts = z.object({ name: z.string(), sent: z.number().int(), delivered: z.number().int(), failed: z.number().int(), delivery_rate: z.number() }).strict();

export const AbDecisionView = z
  .object({
    winner: z.string().nullable().meta({ description: 'The variant that won significantly, or null' }),
    metric: z.enum(['delivery', 'reply']),
    rates: z.record(z.string(), z.number()),
    z: z.number().nullable(),
    p: z.number().nullable(),
    significant: z.boolean(),
    reason: z.string().meta({ description: 'significant difference, no significant difference, too few sends, …' }),
    sent_to_rest: z.string().nullable().meta({ description: 'The variant the held-back groups got (the winner, else the leader)' }),
    decided_at: Timestamp,
  })
  .strict()
  .meta({ id: 'AbTestDecision' });

export const AbTestView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    account_id: z.uuid(),
    status: z.enum(['draft', 'running', 'completed']),
    variants: z.array(z.object({ name: z.string(), template: z.string().optional(), template_id: z.string().optional(), weight: z.number() }).strict()),
    groups: z.array(z.string()),
    sample_percent: z.number().int().nullable(),
    decide_after_minutes: z.number().nullable(),
    split: z.record(z.string(), z.array(z.string())).nullable().meta({ description: 'Each variant’s groups, fixed at start' }),
    rest: z.array(z.string()).nullable().meta({ description: 'The groups held back for the winner' }),
    decision: AbDecisionView.nullable(),
    started_at: Timestamp.nullable(),
    completed_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .strict()
  .meta({ id: 'AbTest' });

export const AbTestResponses = {
  list: success({ tests: z.array(AbTestView), count: z.number().int() }),
  created: success({ id: z.uuid(), test: AbTestView }),
  one: success({ test: AbTestView, results: z.array(Counts) }),
  completed: success({ winner: z.string().nullable(), decision: AbDecisionView, results: z.array(Counts) }),
  deleted: success({ deleted: z.uuid() }),
};
