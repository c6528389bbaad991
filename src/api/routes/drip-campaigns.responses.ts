import { z } from 'zod';
import { success } from '../responses';

const Timestamp = z.iso.datetime();

export const DripCampaignView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    account_id: z.uuid(),
    status: z.enum(['draft', 'active', 'paused']),
    steps: z.array(z.object({ message: z.string().optional(), template_id: z.string().optional(), delay_minutes: z.number() }).strict()),
    send_window: z.record(z.string(), z.unknown()).nullable(),
    stop_on_reply: z.boolean(),
    targets: z.array(z.union([z.string(), z.object({ tag: z.string() }).strict(), z.object({ segment: z.string() }).strict()])),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .strict()
  .meta({ id: 'DripCampaign' });

const EnrollmentView = z
  .object({
    target_key: z.string(),
    contact_id: z.uuid().nullable(),
    status: z.enum(['active', 'paused', 'completed', 'stopped', 'cancelled']),
    step_reached: z.number().int().meta({ description: 'Steps sent so far' }),
    next_send_at: Timestamp.nullable(),
    remaining_ms: z.number().int().nullable().meta({ description: 'While paused: the delay left to the next step' }),
    stop_reason: z.string().nullable(),
    enrolled_at: Timestamp,
    steps: z.array(z.object({ step: z.number().int(), status: z.enum(['pending', 'sent', 'failed']), sent_at: Timestamp.nullable(), error: z.string().nullable() }).strict()),
  })
  .strict()
  .meta({ id: 'DripEnrollment' });

export const DripResponses = {
  list: success({ campaigns: z.array(DripCampaignView), count: z.number().int() }),
  saved: success({ id: z.uuid(), campaign: DripCampaignView }),
  one: success({ campaign: DripCampaignView, enrollments: z.array(EnrollmentView) }),
  deleted: success({ deleted: z.uuid() }),
};
