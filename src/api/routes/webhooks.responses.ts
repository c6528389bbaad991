import { z } from 'zod';
import { success } from '../responses';

const Timestamp = z.iso.datetime();

export const WebhookView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    consecutive_failures: z.number().int(),
    failing_since: Timestamp.nullable(),
    last_success_at: Timestamp.nullable(),
    previous_secret_expires_at: Timestamp.nullable().meta({ description: 'Until then the secret replaced last is still signed with too' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .strict()
  .meta({ id: 'Webhook' });

const AttemptView = z
  .object({
    attempt: z.number().int(),
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int(),
    error: z.string().nullable(),
    response_body: z.string().nullable().meta({ description: 'The first 4 KiB of the answer' }),
    at: Timestamp,
  })
  .strict()
  .meta({ id: 'WebhookAttempt' });

export const DeliveryView = z
  .object({
    id: z.uuid().meta({ description: 'Also the webhook-id header of every attempt' }),
    webhook_id: z.uuid(),
    webhook_name: z.string(),
    event_id: z.uuid(),
    event_type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
    delivered_at: Timestamp.nullable(),
    attempt_log: z.array(AttemptView),
  })
  .strict()
  .meta({ id: 'WebhookDelivery' });

const LastFailure = z
  .object({ at: Timestamp, error: z.string(), status_code: z.number().int().nullable(), delivery_id: z.uuid().nullable() })
  .strict()
  .nullable();

export const WebhookResponses = {
  list: success({ webhooks: z.array(WebhookView), count: z.number().int() }),
  created: success({ id: z.uuid(), webhook: WebhookView, secret: z.string().meta({ description: 'Shown in this answer only' }) }),
  saved: success({ id: z.uuid(), webhook: WebhookView }),
  one: success({
    webhook: WebhookView,
    deliveries: z.object({ delivered: z.number().int(), failed: z.number().int(), pending: z.number().int() }).strict(),
    last_failure: LastFailure,
  }),
  deleted: success({ deleted: z.uuid() }),
  tested: success({ event_id: z.uuid(), delivery_id: z.uuid() }),
  log: success({ deliveries: z.array(DeliveryView), count: z.number().int() }),
  replayed: success({ delivery_id: z.uuid(), status: z.literal('pending') }),
  recovered: success({ recovered: z.number().int() }),
};
