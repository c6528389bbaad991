/**
 * Inbound webhooks' actions: what a hook does with each request it accepts, and how the request's
 * JSON body supplies the values the hook leaves open. Pure: the service resolves the action's
 * resources in the hook owner's scope and carries it out.
 */
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from './limits';
import { renderPlaceholders } from './placeholders';

const id = z.uuid().transform((v) => v.toLowerCase());
const tag = z.string().trim().min(1, 'must not be blank').max(50, 'at most 50 characters');

/** Runs a broadcast of the owner's now, as `POST /api/v1/broadcast/:id/run` does; the body is not read. */
const RunBroadcastAction = z.strictObject({ type: z.literal('run_broadcast'), broadcast_id: id });

/**
 * Sends one message from an account of the owner's to a target, through the one send path
 * (origin `webhook`). `target_key` and `message` set here are fixed; one left out comes from the
 * body's field of the same name. `{{field}}` in a fixed message is replaced by the body's
 * top-level text or number `field`.
 */
const SendMessageAction = z.strictObject({
  type: z.literal('send_message'),
  account_id: id,
  target_key: z.string().trim().min(1, 'must not be blank').max(200, 'at most 200 characters').optional(),
  message: z.string().max(MAX_MESSAGE_LENGTH, `at most ${MAX_MESSAGE_LENGTH} characters`).refine((m) => m.trim() !== '', 'must not be blank').optional(),
});

/**
 * Creates or updates a contact of the owner's from the body, whose top-level fields are those of
 * `POST /api/contacts` (name, phone, username, telegram_id, whatsapp_jid, tags, segment, fields,
 * …; others are ignored); a contact sharing its phone or an identity is updated. `tags` are
 * added to the contact's own.
 */
const UpsertContactAction = z.strictObject({ type: z.literal('upsert_contact'), tags: z.array(tag).max(20, 'at most 20 tags').optional() });

/**
 * Enrolls a contact in a drip campaign of the owner's (as adding it to the campaign's targets
 * does): the body's `contact_id`, or else the contact the body describes, created or updated as
 * `upsert_contact` does. The contact needs a key on the campaign account's platform.
 */
const EnrollDripAction = z.strictObject({ type: z.literal('enroll_drip'), campaign_id: id, tags: UpsertContactAction.shape.tags });

/** What an inbound webhook does with a request it accepts. */
export const InboundActionSchema = z
  .discriminatedUnion('type', [RunBroadcastAction, SendMessageAction, UpsertContactAction, EnrollDripAction])
  .meta({ id: 'InboundWebhookAction', description: 'run_broadcast, send_message, upsert_contact or enroll_drip; see the README for how the body supplies values' });
export type InboundAction = z.output<typeof InboundActionSchema>;
export type InboundActionType = InboundAction['type'];

/** The body as the object the actions that read it need. @returns an error message when it is not one. */
export function bodyObject(payload: unknown): Record<string, unknown> | string {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return 'the body must be a JSON object';
  return payload as Record<string, unknown>;
}

/** The body's top-level text and number fields, as `{{placeholder}}` values. */
function scalarFields(body: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) values[key] = String(value);
  }
  return values;
}

/** A message to send: its target and text, from the action and the body. */
export type MessageToSend = { ok: true; targetKey: string; text: string } | { ok: false; error: string };

/** The target and text `action` sends for `payload` (see {@link SendMessageAction}). */
export function messageToSend(action: Extract<InboundAction, { type: 'send_message' }>, payload: unknown): MessageToSend {
  const body = bodyObject(payload);
  if (typeof body === 'string') return { ok: false, error: body };
  const targetKey = action.target_key ?? (typeof body.target_key === 'string' ? body.target_key.trim() : '');
  if (!targetKey) return { ok: false, error: 'the body must give target_key (text), as the hook fixes none' };
  const text = action.message !== undefined ? renderPlaceholders(action.message, scalarFields(body)) : typeof body.message === 'string' ? body.message : '';
  if (text.trim() === '') return { ok: false, error: 'the body must give message (text), as the hook fixes none' };
  if (text.length > MAX_MESSAGE_LENGTH) return { ok: false, error: `message: at most ${MAX_MESSAGE_LENGTH} characters` };
  return { ok: true, targetKey, text };
}
