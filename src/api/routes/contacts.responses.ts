import { z } from 'zod';
import { success } from '../responses';

const Timestamp = z.iso.datetime();

/** A contact as the API shows it. */
export const ContactView = z
  .object({
    id: z.uuid(),
    name: z.string().nullable(),
    phone: z.string().nullable().meta({ description: 'E.164 when it parsed, else as given' }),
    phone_valid: z.boolean().meta({ description: 'True when phone is in E.164' }),
    username: z.string().nullable(),
    telegram_id: z.string().nullable(),
    whatsapp_jid: z.string().nullable(),
    tags: z.array(z.string()),
    segment: z.string().nullable(),
    fields: z.record(z.string(), z.unknown()),
    opted_out: z.boolean(),
    opted_out_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .strict()
  .meta({ id: 'Contact' });

export const InteractionView = z
  .object({ id: z.number().int(), type: z.string(), note: z.string().nullable(), at: Timestamp })
  .strict()
  .meta({ id: 'ContactInteraction' });

/** Response bodies of the contact routes. */
export const ContactResponses = {
  list: success({
    contacts: z.array(ContactView),
    count: z.number().int(),
    total: z.number().int().meta({ description: 'Contacts matching the filters, on every page' }),
    limit: z.number().int(),
    offset: z.number().int(),
  }),
  one: success({ contact: ContactView, interactions: z.array(InteractionView) }),
  saved: success({ id: z.uuid(), contact: ContactView }),
  deleted: success({ deleted: z.uuid() }),
  interaction: success({ interaction: InteractionView }),
  imported: success({
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    skipped_rows: z.array(z.object({ row: z.number().int(), reason: z.string() }).strict()).meta({ description: 'Each skipped row (1 = the first) and why' }),
  }),
  optOutWords: success({ words: z.array(z.string()) }),
  segments: success({ segments: z.array(z.object({ segment: z.string().nullable(), count: z.number().int() }).strict()), count: z.number().int() }),
  tags: success({ tags: z.array(z.object({ tag: z.string(), count: z.number().int() }).strict()), count: z.number().int() }),
};
