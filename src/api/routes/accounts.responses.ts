import { z } from 'zod';
import { AccountView, AccountWithLoginView, BudgetView, Deleted, ImageView, RawAccountView, success, PlatformId } from '../responses';

/** Response bodies of the account, login, limits, profile and sandbox routes. */
export const AccountResponses = {
  created: success({ account: z.union([AccountView, AccountWithLoginView]) }),
  list: success({ accounts: z.array(AccountView), count: z.number().int() }),
  one: success({ account: AccountWithLoginView.extend({ budget: BudgetView.nullable() }).strict() }),
  deleted: Deleted,
  legacyList: success({ accounts: z.array(RawAccountView), count: z.number().int() }),
  loginStep: success({
    status: z.enum(['code_sent', 'pairing_code', 'qr', 'password_required', 'connected', 'failed']),
    hint: z.string().optional(),
    account: AccountWithLoginView,
  }),
  limits: success({ account_id: z.uuid(), budget: BudgetView }),
};

const ProfileView = z
  .object({
    id: PlatformId,
    first_name: z.string(),
    last_name: z.string(),
    username: z.string().nullable(),
    phone: z.string().nullable(),
    about: z.string(),
    photo: z.boolean(),
  })
  .strict()
  .meta({ id: 'Profile' });

export const ProfileResponses = {
  profile: success({ ok: z.literal(true), profile: ProfileView }),
  username: success({ ok: z.literal(true), username: z.string().nullable(), profile: ProfileView }),
};

const OutboxItem = z
  .object({
    id: z.string(),
    type: z.enum(['message', 'delete', 'ban', 'mute', 'warn']),
    chat_key: z.string(),
    text: z.string().optional(),
    user_id: z.string().optional(),
    reply_to: z.string().optional(),
    media: ImageView.pick({ mime_type: true, size_bytes: true, sha256: true }).strict().optional(),
    at: z.iso.datetime(),
  })
  .strict();

export const SandboxResponses = {
  outbox: success({ items: z.array(OutboxItem), count: z.number().int() }),
  inbound: success({ event_id: z.string() }),
  faults: success({
    faults: z
      .object({
        flood_wait_seconds: z.number().int(),
        flood_wait_sends: z.number().int(),
        forbidden_keys: z.array(z.string()),
        disconnect: z.boolean(),
        peer_flood: z.boolean(),
      })
      .strict(),
  }),
};
