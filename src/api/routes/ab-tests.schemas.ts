import { z } from 'zod';
import { variantProblems } from '../../domain/ab-split';
import { MAX_MESSAGE_LENGTH } from '../../domain/limits';
import { keptText, trimmedText } from '../schemas/text';

const Variant = z
  .object({
    name: trimmedText(50),
    template: keptText(MAX_MESSAGE_LENGTH).optional().meta({ description: 'The message; may use the template variables ({{name}}, …)' }),
    template_id: z.string().trim().optional().meta({ description: 'A template of yours instead of template' }),
    weight: z.number().positive().max(1000).optional().meta({ description: 'Share of the groups, relative to the others; default 1' }),
  })
  .refine((v) => (v.template === undefined) !== (v.template_id === undefined), 'give exactly one of template and template_id');

/** `POST /api/ab-tests`. */
export const CreateAbTestBody = z
  .object({
    name: trimmedText(200),
    account_id: z.string().trim().optional().meta({ description: 'Default: your only account (400 when you have several)' }),
    variants: z
      .array(Variant)
      .min(2, 'give at least two variants')
      .max(10, 'at most 10 variants')
      .superRefine((variants, ctx) => {
        for (const problem of variantProblems(variants)) ctx.addIssue({ code: 'custom', message: problem });
      }),
    groups: z.array(trimmedText(200)).min(1, 'give at least one group').max(1000, 'at most 1000 groups'),
    sample_percent: z.number().int().min(1).max(99).optional().meta({ description: 'Try the variants on this share of the groups first, then send the winner to the rest' }),
    decide_after_minutes: z.number().positive().max(43_200).optional().meta({ description: 'With sample_percent: when to decide (default 60; fractions allowed)' }),
  })
  .refine((t) => t.decide_after_minutes === undefined || t.sample_percent !== undefined, {
    message: 'decide_after_minutes needs sample_percent',
    path: ['decide_after_minutes'],
  });

const Count = z.number().int().min(0).max(1_000_000_000);

/** `POST /api/ab-tests/:id/results`. */
export const AbTestResultsBody = z.object({ variant: trimmedText(50), sent: Count, delivered: Count.default(0), failed: Count.default(0) });
