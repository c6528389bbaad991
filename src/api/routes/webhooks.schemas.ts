import { z } from 'zod';
import { EVENT_TYPES, isEventPattern } from '../../domain/event-types';
import { WebhookSecretSchema } from '../../domain/webhook-secrets';
import { trimmedText } from '../schemas/text';

const isHttpUrl = (text: string) => {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};

const Url = z
  .string()
  .trim()
  .max(2048, 'at most 2048 characters')
  .refine(isHttpUrl, 'must be an http or https URL')
  .meta({ description: 'Where deliveries are POSTed; public addresses only (checked when connecting), unless AUTOHUB_WEBHOOK_ALLOW_PRIVATE=true' });

const Events = z
  .array(z.string().trim().refine(isEventPattern, `must be "*", an event type (${EVENT_TYPES.join(', ')}) or a prefix such as "message.*"`))
  .min(1, 'give at least one event type, or "*"')
  .max(100, 'at most 100 event types')
  .transform((events) => [...new Set(events)])
  .meta({ description: 'Event types, "*" for every event, or prefixes such as "message.*"' });


/** `POST /api/webhooks`. */
export const CreateWebhookBody = z.object({
  name: trimmedText(200),
  url: Url,
  events: Events.default(['*']),
  secret: WebhookSecretSchema.optional().meta({ description: 'Default: a generated whsec_ secret, shown once in this answer' }),
});

/** `PUT /api/webhooks/:id`: any of the fields. */
export const UpdateWebhookBody = z
  .object({
    name: trimmedText(200).optional(),
    url: Url.optional(),
    events: Events.optional(),
    secret: WebhookSecretSchema.optional().meta({ description: 'A new secret; the current one stays valid for 24 hours, both signatures sent meanwhile' }),
    enabled: z.boolean().optional().meta({ description: 'true re-enables a disabled hook (its failure counts start again)' }),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of name, url, events, secret, enabled');

/** `GET /api/webhooks/log`. */
export const WebhookLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  webhook_id: z.uuid().optional(),
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
});

/** `POST /api/webhooks/:id/recover`. */
export const RecoverWebhookBody = z.object({
  since: z.iso.datetime({ offset: true }).meta({ description: 'Failed deliveries created at or after this time are sent again' }),
});
