import { z } from 'zod';
import { Deleted, success } from '../responses';

const Timestamp = z.iso.datetime();

const broadcastFields = {
  id: z.uuid(),
  name: z.string().nullable(),
  account_id: z.uuid(),
  platform: z.enum(['telegram', 'whatsapp']),
  schedule_type: z.enum(['now', 'interval', 'daily']),
  interval_minutes: z.number().nullable(),
  daily_time: z.string().nullable(),
  timezone: z.string().nullable(),
  message: z.string().nullable(),
  template_id: z.uuid().nullable(),
  image_id: z.uuid().nullable(),
  target_keys: z.array(z.string()),
  enabled: z.boolean(),
  schedule_error: z.string().nullable(),
  created_at: Timestamp,
};

const RunView = z
  .object({
    id: z.uuid(),
    run_number: z.number().int(),
    workflow_id: z.string(),
    status: z.enum(['running', 'completed', 'failed', 'cancelled']),
    sent: z.number().int(),
    failed: z.number().int(),
    error: z.string().nullable(),
    started_at: Timestamp,
    finished_at: Timestamp.nullable(),
  })
  .strict()
  .meta({ id: 'BroadcastRun' });

const TargetResult = z
  .object({ target_key: z.string(), status: z.enum(['pending', 'sent', 'failed']), error: z.string().optional(), sent_at: Timestamp.optional() })
  .strict();

const BroadcastView = z.object(broadcastFields).strict().meta({ id: 'Broadcast' });

const DryRunTarget = z
  .object({
    target_key: z.string(),
    resolves: z.boolean(),
    writable: z.boolean(),
    type: z.string().nullable(),
    title: z.string().nullable(),
    members: z.number().int().nullable(),
    message: z.string().nullable(),
    error: z.string().optional(),
  })
  .strict();

/** Response bodies of the broadcast routes (v1 and legacy). */
export const BroadcastResponses = {
  /** A broadcast accepted: started now, or scheduled. */
  created: success({
    schedule_id: z.uuid(),
    platform: z.enum(['telegram', 'whatsapp']),
    message: z.string(),
    workflow_id: z.string().optional(),
    next_run_at: Timestamp.nullable().optional(),
  }),
  dryRun: success({
    dry_run: z.literal(true),
    platform: z.enum(['telegram', 'whatsapp']),
    image: z.object({ mime_type: z.string(), size_bytes: z.number().int() }).strict().nullable(),
    targets: z.array(DryRunTarget),
    estimated_duration_seconds: z.number(),
  }),
  list: success({ broadcasts: z.array(BroadcastView.extend({ last_run: RunView.nullable() }).strict()), count: z.number().int() }),
  one: success({
    broadcast: BroadcastView.extend({
      next_run_at: Timestamp.nullable(),
      last_run: RunView.extend({ results: z.array(TargetResult) }).strict().nullable(),
      runs: z.array(RunView),
    }).strict(),
  }),
  run: success({ schedule_id: z.uuid(), workflow_id: z.string(), run_number: z.number().int(), message: z.string() }),
  patched: success({ broadcast: BroadcastView.extend({ next_run_at: Timestamp.nullable() }).strict() }),
  deleted: Deleted,
  legacyList: success({
    schedules: z.array(BroadcastView.omit({ target_keys: true }).extend({ groups: z.array(z.string()) }).strict()),
    count: z.number().int(),
  }),
};
