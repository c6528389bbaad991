/**
 * Inbound webhooks: URLs outside systems POST to without an API key, each running one action of
 * its owner's (see domain/inbound-webhooks). The hook's id is the credential of an unsigned hook,
 * so it is 144 random bits; a hook with a secret also takes only requests signed per Standard
 * Webhooks. An accepted request is stored as a receipt — once per `webhook-id` — with its
 * `inbound.webhook` event and its workflow's start (`inbound-webhook-<receipt id>`, through the
 * Temporal outbox), all in one transaction: an answered 202 is acted on, even across a crash.
 */
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { WebhookVerificationError } from 'standardwebhooks';
import { emitEvent } from '../db/repos/events.repo';
import * as repo from '../db/repos/inbound-webhooks.repo';
import type { Scope } from '../db/repos/scope';
import type { SecretBox } from '../db/secret-box';
import { enqueueWorkflowStart } from '../db/repos/temporal-outbox.repo';
import type { InboundAction } from '../domain/inbound-webhooks';
import { generateWebhookSecret, standardWebhookOf } from '../domain/webhook-secrets';
import { BadRequestError, NotFoundError, WebhookSignatureError } from '../errors';
import { storedSearchAttributes } from '../temporal/search-attributes';
import { INBOUND_WEBHOOK_WORKFLOW, inboundWebhookWorkflowId, MAIN_TASK_QUEUE, type InboundWebhookInput } from '../workflows/shared';
import { checkActionResources } from './inbound-webhook-actions';

/** Where receipts' workflows are enqueued, and what opens hooks' secrets. */
export interface InboundWebhookDeps {
  db: Knex;
  secrets: SecretBox;
  namespace: string;
  /** Tells the outbox a start was committed. */
  kick: () => void;
}

/** Longest `webhook-id` kept: Standard Webhooks senders use short ids (`msg_…`). */
const MAX_WEBHOOK_ID_LENGTH = 200;

/** A new hook id: 18 random bytes (144 bits) as 24 base64url characters. */
const newHookId = () => randomBytes(18).toString('base64url');


/** What the owner asks of a hook's secret: keep it, set this one, generate one, or remove it (`null`). */
export type SecretChoice = { kind: 'keep' } | { kind: 'set'; secret: string } | { kind: 'generate' } | { kind: 'none' };

/** The sealed secret to store for `choice`, and the secret to show once (undefined when none is new). */
function secretFor(secrets: SecretBox, choice: SecretChoice): { sealed?: string | null; shown?: string } {
  if (choice.kind === 'keep') return {};
  if (choice.kind === 'none') return { sealed: null };
  const secret = choice.kind === 'generate' ? generateWebhookSecret() : choice.secret;
  return { sealed: secrets.seal(secret), shown: secret };
}

// Actions are resolved in the hook owner's scope alone, admins included.
const ownerScope = (userId: string): Scope => ({ userId, admin: false });

/** A hook and, when it was just given one, its secret (shown this once). */
export interface SavedHook {
  hook: repo.InboundWebhook;
  secret?: string;
}

/**
 * Creates a hook of the scope's user. @throws BadRequestError for an action naming a resource
 * the user does not own, or a malformed secret.
 */
export async function createInboundHook(
  deps: Pick<InboundWebhookDeps, 'db' | 'secrets'>,
  scope: Scope,
  fields: { name: string; action: InboundAction; enabled: boolean; secret: SecretChoice },
): Promise<SavedHook> {
  await checkActionResources(deps.db, ownerScope(scope.userId), fields.action);
  const { sealed, shown } = secretFor(deps.secrets, fields.secret);
  const hook = await repo.insertHook(deps.db, { id: newHookId(), userId: scope.userId, name: fields.name, action: fields.action, enabled: fields.enabled, sealedSecret: sealed ?? null });
  return { hook, secret: shown };
}

export const listInboundHooks = (db: Knex, scope: Scope) => repo.listHooks(db, scope);

/** Hook `id` as `scope` sees it (admins: everyone's). @throws NotFoundError. */
export async function visibleInboundHook(db: Knex, scope: Scope, id: string): Promise<repo.InboundWebhook> {
  const hook = await repo.findHook(db, scope, id);
  if (!hook) throw new NotFoundError('inbound webhook not found');
  return hook;
}

/** Changes hook `id`; a new action is checked in its owner's scope. @throws NotFoundError; BadRequestError. */
export async function changeInboundHook(
  deps: Pick<InboundWebhookDeps, 'db' | 'secrets'>,
  scope: Scope,
  id: string,
  change: { name?: string; action?: InboundAction; enabled?: boolean; secret: SecretChoice },
): Promise<SavedHook> {
  const current = await visibleInboundHook(deps.db, scope, id);
  if (change.action) await checkActionResources(deps.db, ownerScope(current.userId), change.action);
  const { sealed, shown } = secretFor(deps.secrets, change.secret);
  const hook = await repo.updateHook(deps.db, scope, current.id, { name: change.name, action: change.action, enabled: change.enabled, sealedSecret: sealed });
  if (!hook) throw new NotFoundError('inbound webhook not found');
  return { hook, secret: shown };
}

/** Deletes hook `id` and its receipts. @throws NotFoundError. */
export async function removeInboundHook(db: Knex, scope: Scope, id: string): Promise<string> {
  if (!(await repo.deleteHook(db, scope, id))) throw new NotFoundError('inbound webhook not found');
  return id;
}

/** The newest receipts of hook `id` as `scope` sees it. @throws NotFoundError. */
export async function listInboundReceipts(db: Knex, scope: Scope, id: string, limit: number): Promise<repo.Receipt[]> {
  const hook = await visibleInboundHook(db, scope, id);
  return repo.listReceipts(db, hook.id, limit);
}

/**
 * The enabled hook `id` a request may be received by, once its signature verifies when the hook
 * has a secret (`webhook-id`, `webhook-timestamp`, `webhook-signature` over the raw body, with
 * the Standard Webhooks tolerance of 5 minutes). Answers the hook and the request's `webhook-id`
 * (null when an unsigned request sent none).
 * @throws NotFoundError for an unknown or disabled hook; WebhookSignatureError; BadRequestError
 *   for a `webhook-id` too long.
 */
export async function receivingHook(
  deps: Pick<InboundWebhookDeps, 'db' | 'secrets'>,
  id: string,
  rawBody: Buffer,
  headers: IncomingHttpHeaders,
): Promise<{ hook: repo.InboundWebhook; webhookId: string | null }> {
  const hook = await repo.findAnyHook(deps.db, id);
  if (!hook || !hook.enabled) throw new NotFoundError('inbound webhook not found');
  const header = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : '');
  if (hook.sealedSecret !== null) {
    try {
      standardWebhookOf(deps.secrets.open(hook.sealedSecret)).verify(rawBody, {
        'webhook-id': header('webhook-id'),
        'webhook-timestamp': header('webhook-timestamp'),
        'webhook-signature': header('webhook-signature'),
      });
    } catch (err) {
      if (err instanceof WebhookVerificationError) throw new WebhookSignatureError(`webhook signature: ${err.message}`);
      throw err;
    }
  }
  const webhookId = header('webhook-id').trim();
  if (webhookId.length > MAX_WEBHOOK_ID_LENGTH) throw new BadRequestError(`webhook-id: at most ${MAX_WEBHOOK_ID_LENGTH} characters`);
  return { hook, webhookId: webhookId || null };
}

/** How a request was taken: its receipt, and whether it repeated a `webhook-id` accepted before (and so did nothing). */
export interface Acceptance {
  receipt: repo.Receipt;
  duplicate: boolean;
}

/**
 * Accepts a verified request to `hook`: stores its receipt, records `inbound.webhook` (hook id,
 * receipt id, action type, `webhook-id`, the payload) and enqueues the workflow that runs the
 * action, in one transaction. A `webhookId` accepted before answers that receipt, doing nothing.
 * @throws EventPayloadTooLargeError (413) for a payload no event can carry.
 */
export async function acceptInboundWebhook(deps: InboundWebhookDeps, hook: repo.InboundWebhook, webhookId: string | null, payload: unknown): Promise<Acceptance> {
  const accepted = await deps.db.transaction(async (trx): Promise<Acceptance> => {
    const receipt = await repo.insertReceipt(trx, hook.id, webhookId);
    if (!receipt) return { receipt: (await repo.findReceiptOf(trx, hook.id, webhookId!))!, duplicate: true };
    const eventId = await emitEvent(trx, {
      userId: hook.userId,
      type: 'inbound.webhook',
      data: { hook_id: hook.id, receipt_id: receipt.id, action: hook.action.type, webhook_id: webhookId, payload: payload ?? null },
    });
    await repo.updateReceipt(trx, receipt.id, { status: 'pending', eventId });
    const input: InboundWebhookInput = { receiptId: receipt.id };
    const owner = { userId: hook.userId, accountId: hook.action.type === 'send_message' ? hook.action.account_id : null };
    await enqueueWorkflowStart(trx, deps.namespace, {
      workflowId: inboundWebhookWorkflowId(receipt.id),
      workflowType: INBOUND_WEBHOOK_WORKFLOW,
      taskQueue: MAIN_TASK_QUEUE,
      args: [input],
      memo: { ...owner, inboundWebhookId: hook.id, receiptId: receipt.id },
      searchAttributes: storedSearchAttributes('inbound_webhook', owner),
    });
    return { receipt: { ...receipt, eventId: eventId ?? null }, duplicate: false };
  });
  if (!accepted.duplicate) deps.kick();
  return accepted;
}
