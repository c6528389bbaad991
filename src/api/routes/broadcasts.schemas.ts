import { z } from 'zod';
import { MAX_MESSAGE_LENGTH, MAX_TARGETS_PER_BROADCAST, SCHEDULE_TYPES } from '../../domain/limits';
import { PLATFORMS } from '../../platforms/types';

/** `POST /api/v1/broadcast`: every rule of the reference's field table and limits. */
export const CreateBroadcastBody = z
  .object({
    account_id: z.string().trim().min(1),
    target_keys: z
      .array(z.string().trim().min(1, 'a target key must not be empty'))
      .min(1, 'give at least 1 target')
      .max(MAX_TARGETS_PER_BROADCAST, `at most ${MAX_TARGETS_PER_BROADCAST} targets per broadcast`),
    message: z
      .string()
      .max(MAX_MESSAGE_LENGTH, `at most ${MAX_MESSAGE_LENGTH} characters`)
      .refine((m) => m.trim().length > 0, 'must not be blank')
      .optional(),
    template_id: z.string().trim().min(1).optional(),
    schedule_type: z.enum(SCHEDULE_TYPES).default('now'),
    interval_minutes: z.number().positive().optional(),
    daily_time: z.string().optional(),
    timezone: z.string().optional(),
    platform: z.enum(['auto', ...PLATFORMS]).default('auto'),
    name: z.string().trim().max(200).optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.message === undefined) === (b.template_id === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of message or template_id' });
    }
    const seen = new Set<string>();
    const repeated = b.target_keys.filter((k) => seen.size === seen.add(k).size);
    if (repeated.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['target_keys'], message: `repeated targets: ${[...new Set(repeated)].join(', ')}` });
    }
  });

export type CreateBroadcast = z.infer<typeof CreateBroadcastBody>;
