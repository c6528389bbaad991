import { z } from 'zod';
import { ApiKeyView, ChatView, Deleted, ImageView, success, TemplateView, UserView } from '../responses';

/** Response bodies of the template routes. */
export const TemplateResponses = {
  list: success({ templates: z.array(TemplateView), count: z.number().int() }),
  created: success({ id: z.uuid(), template: TemplateView }),
  one: success({ template: TemplateView }),
  deleted: Deleted,
};

/** Response bodies of the image library routes. */
export const ImageResponses = {
  one: success({ image: ImageView }),
  list: success({ images: z.array(ImageView), count: z.number().int() }),
  deleted: Deleted,
};

/** Response bodies of the admin routes. */
export const AdminResponses = {
  userCreated: success({ user: UserView, api_key: z.string() }),
  users: success({ users: z.array(UserView.extend({ keys: z.array(ApiKeyView) }).strict()), count: z.number().int() }),
  keyIssued: success({ key_id: z.uuid(), api_key: z.string() }),
  keyRevoked: success({ key_id: z.uuid(), revoked: z.literal(true) }),
  keyChanged: success({ key: ApiKeyView }),
};

/** Response bodies of the groups and system routes. */
export const SystemResponses = {
  groups: success({ groups: z.array(ChatView), count: z.number().int() }),
  systemInfo: success({
    name: z.literal('AutoHub'),
    version: z.string(),
    platforms: z.array(z.enum(['telegram', 'whatsapp'])),
    sandbox: z.boolean(),
    limits: z
      .object({
        max_targets_per_broadcast: z.number().int(),
        max_message_length: z.number().int(),
        max_body_bytes: z.number().int(),
        schedule_types: z.array(z.string()),
      })
      .strict(),
    user: UserView,
    docs_url: z.string(),
    openapi_url: z.string(),
    temporal_ui_url: z.string(),
    endpoints: z.array(z.object({ method: z.string(), path: z.string(), summary: z.string() }).strict()),
  }),
  status: success({
    user: UserView,
    accounts: z.object({ total: z.number().int(), connected: z.number().int(), by_platform: z.record(z.string(), z.number().int()) }).strict(),
    automations: z.object({ broadcasts: z.number().int(), active_schedules: z.number().int(), running_broadcasts: z.number().int() }).strict(),
  }),
};
