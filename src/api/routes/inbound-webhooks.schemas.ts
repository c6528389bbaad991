import { z } from 'zod';
import { InboundActionSchema } from '../../domain/inbound-webhooks';
import { WebhookSecretSchema } from '../../domain/webhook-secrets';
import { trimmedText } from '../schemas/text';


const fields = {
  name: trimmedText(200),
  action: InboundActionSchema,
  enabled: z.boolean().optional().meta({ description: 'Default true; a disabled hook answers 404' }),
  secret: WebhookSecretSchema.nullable().optional().meta({ description: 'whsec_<base64> or any other text (its UTF-8 bytes); null removes the secret' }),
  generate_secret: z.boolean().optional().meta({ description: 'Generate a whsec_ secret, shown once in the answer' }),
};

const oneSecret = (b: { secret?: string | null; generate_secret?: boolean }) => !(b.generate_secret && b.secret !== undefined);
const ONE_SECRET = 'give secret or generate_secret, not both';

/** `POST /api/inbound-webhooks`. */
export const CreateInboundWebhookBody = z.object(fields).refine(oneSecret, ONE_SECRET);

/** `PUT /api/inbound-webhooks/:id`: any of the fields. */
export const UpdateInboundWebhookBody = z
  .object({ ...fields, name: fields.name.optional(), action: fields.action.optional() })
  .refine(oneSecret, ONE_SECRET)
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of name, action, enabled, secret, generate_secret');

/** `GET /api/inbound-webhooks/:id/receipts`. */
export const ReceiptsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
