import { z } from 'zod';
import { InboundActionSchema } from '../../domain/inbound-webhooks';
import { success } from '../responses';

const Timestamp = z.iso.datetime();

export const InboundWebhookView = z
  .object({
    id: z.string().meta({ description: '144 random bits, base64url: the receiver URL is the credential of a hook without a secret' }),
    name: z.string(),
    url: z.url().meta({ description: 'Where outside systems POST: no API key needed' }),
    action: InboundActionSchema,
    enabled: z.boolean(),
    signed: z.boolean().meta({ description: 'True when requests must carry a Standard Webhooks signature of the secret' }),
    user_id: z.uuid(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .strict()
  .meta({ id: 'InboundWebhook' });

const ReceiptView = z
  .object({
    id: z.uuid(),
    webhook_id: z.string().nullable().meta({ description: "The sender's webhook-id header, when it sent one" }),
    status: z.enum(['pending', 'sending', 'succeeded', 'failed']),
    event_id: z.uuid().nullable().meta({ description: 'The inbound.webhook event recorded with the receipt' }),
    result: z.record(z.string(), z.unknown()).nullable().meta({ description: "What the action did (a broadcast run, a send's target and outcome, a contact id …)" }),
    error: z.string().nullable().meta({ description: 'Why the action failed' }),
    received_at: Timestamp,
    finished_at: Timestamp.nullable(),
  })
  .strict()
  .meta({ id: 'InboundWebhookReceipt' });

const secret = z.string().optional().meta({ description: 'The secret, shown only in the answer that set or generated it' });

export const InboundWebhookResponses = {
  list: success({ webhooks: z.array(InboundWebhookView), count: z.number().int() }),
  saved: success({ id: z.string(), webhook: InboundWebhookView, secret }),
  one: success({ webhook: InboundWebhookView }),
  deleted: success({ deleted: z.string() }),
  receipts: success({ receipts: z.array(ReceiptView), count: z.number().int() }),
  accepted: success({
    receipt_id: z.uuid(),
    duplicate: z.boolean().meta({ description: 'True when this webhook-id was accepted before: nothing more is done' }),
    status: ReceiptView.shape.status,
  }),
};
