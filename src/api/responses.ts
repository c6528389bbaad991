/**
 * The response bodies of the API as zod schemas: the resources `presenters.ts` shows, and the
 * `success(...)` envelope. They document every success answer in the OpenAPI document, and in
 * the test suite every answer is checked against them (see `mountRoutes`), so a handler that
 * drifts from its schema fails CI.
 */
import { z } from 'zod';

const Timestamp = z.iso.datetime();
const NullableTimestamp = Timestamp.nullable();
/** Platform ids: Telegram's as numbers where they fit, WhatsApp's JIDs as strings. */
export const PlatformId = z.union([z.number(), z.string()]);

/** A `{"success": true, ...shape}` body; strict, so a field the schema does not know fails the check. */
export function success<S extends z.ZodRawShape>(shape: S) {
  return z.object({ success: z.literal(true), ...shape }).strict();
}

export const UserView = z.object({ id: z.uuid(), name: z.string(), role: z.enum(['admin', 'user']), created_at: Timestamp }).strict().meta({ id: 'User' });

export const ApiKeyView = z
  .object({
    id: z.uuid(),
    prefix: z.string(),
    created_at: Timestamp,
    last_used_at: NullableTimestamp,
    revoked_at: NullableTimestamp,
    rate_limit_per_minute: z.number().int().nullable().meta({ description: "The key's own requests per minute; null: the server's default; 0: unlimited" }),
  })
  .strict()
  .meta({ id: 'ApiKey' });

const Platform = z.enum(['telegram', 'whatsapp']);
const AccountStatus = z.string().meta({ description: 'connected, disconnected, restricted, …' });

const accountFields = {
  id: z.uuid(),
  name: z.string(),
  phone: z.string().nullable(),
  platform: Platform,
  connected: z.boolean(),
  status: AccountStatus,
  sandbox: z.boolean(),
  created_at: Timestamp,
};

export const AccountView = z.object(accountFields).strict().meta({ id: 'Account' });

/** An account with the login in progress, if any. */
export const AccountWithLoginView = z
  .object({
    ...accountFields,
    login: z.string().optional(),
    qr: z.string().optional(),
    qr_url: z.string().optional(),
    qr_png: z.string().optional(),
    pairing_code: z.string().optional(),
    hint: z.string().optional(),
    login_error: z.string().optional(),
  })
  .strict()
  .meta({ id: 'AccountWithLogin' });

export const RawAccountView = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    name: z.string(),
    phone: z.string().nullable(),
    platform: Platform,
    sandbox: z.boolean(),
    status: AccountStatus,
    connected: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .strict()
  .meta({ id: 'RawAccount' });

export const BudgetView = z
  .object({
    limits: z.object({ min_gap_seconds: z.number(), jitter_seconds: z.number(), per_minute: z.number().int(), per_day: z.number().int() }).strict(),
    next_send_at: NullableTimestamp,
    paused_until: NullableTimestamp,
    sent_today: z.number().int(),
  })
  .strict()
  .meta({ id: 'Budget' });

export const ImageView = z
  .object({ id: z.uuid(), mime_type: z.string(), size_bytes: z.number().int(), sha256: z.string(), source_url: z.string().nullable(), created_at: Timestamp })
  .strict()
  .meta({ id: 'Image' });

export const TemplateView = z
  .object({ id: z.uuid(), name: z.string(), content: z.string(), created_at: Timestamp, updated_at: Timestamp })
  .strict()
  .meta({ id: 'Template' });

export const ChatView = z
  .object({
    key: z.string(),
    id: z.string(),
    title: z.string(),
    type: z.string(),
    members: z.number().int().nullable(),
    username: z.string().nullable(),
    platform: Platform,
    account_id: z.uuid(),
    last_activity_at: NullableTimestamp,
    scanned_at: Timestamp.meta({ description: 'When a scan of the account last found the chat' }),
  })
  .strict()
  .meta({ id: 'Chat' });

/** `{"success": true, "deleted": "<id>"}`. */
export const Deleted = success({ deleted: z.string() });
