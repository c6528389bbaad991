/**
 * Outbound webhooks as the API manages them: hooks (secrets sealed, a generated `whsec_` one
 * shown once, a rotated one still signed with for 24 hours), their test events, and sending
 * deliveries again (replay one, recover every failed one since a time) as a new attempt series
 * with the same `webhook-id`.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { emitEvent } from '../db/repos/events.repo';
import type { Scope } from '../db/repos/scope';
import * as repo from '../db/repos/webhooks.repo';
import type { SecretBox } from '../db/secret-box';
import { isId } from '../domain/ids';
import { generateWebhookSecret } from '../domain/webhook-secrets';
import { ConflictError, NotFoundError } from '../errors';
import { webhookDeliveryWorkflowId } from '../workflows/shared';

/** How long a replaced secret is still signed with, so receivers can switch without missing a delivery. */
export const SECRET_ROTATION_GRACE_MS = 24 * 60 * 60_000;

/** What the hook services need. */
export interface WebhookServiceDeps {
  db: Knex;
  secrets: SecretBox;
  temporal: Client;
}


/** Creates a hook for the scope's user; answers it and its secret (generated when none is given). */
export async function createWebhook(
  deps: WebhookServiceDeps,
  scope: Scope,
  fields: { name: string; url: string; events: string[]; secret?: string },
): Promise<{ hook: repo.Webhook; secret: string }> {
  const secret = fields.secret ?? generateWebhookSecret();
  const hook = await repo.insertWebhook(deps.db, scope.userId, { ...fields, sealedSecret: deps.secrets.seal(secret) });
  return { hook, secret };
}

/** Hook `id` as the scope sees it. @throws NotFoundError */
export async function visibleWebhook(db: Knex, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<repo.Webhook> {
  const hook = isId(id) ? await repo.findWebhook(db, scope, id.toLowerCase(), options) : undefined;
  if (!hook) throw new NotFoundError('webhook not found');
  return hook;
}

/** A hook with its deliveries counted by status and its last failure. */
export async function webhookDetail(db: Knex, scope: Scope, id: string): Promise<{ hook: repo.Webhook; counts: repo.DeliveryCounts }> {
  const hook = await visibleWebhook(db, scope, id);
  return { hook, counts: await repo.countDeliveries(db, hook.id) };
}

/** Changes a hook; a new secret keeps the current one valid for {@link SECRET_ROTATION_GRACE_MS}. */
export async function changeWebhook(
  deps: WebhookServiceDeps,
  scope: Scope,
  id: string,
  fields: { name?: string; url?: string; events?: string[]; secret?: string; enabled?: boolean },
): Promise<repo.Webhook> {
  return deps.db.transaction(async (trx) => {
    const hook = await visibleWebhook(trx, scope, id, { forUpdate: true });
    const { secret, ...rest } = fields;
    const rotate = secret !== undefined && { sealedSecret: deps.secrets.seal(secret), previousSecretExpiresAt: new Date(Date.now() + SECRET_ROTATION_GRACE_MS) };
    return repo.updateWebhook(trx, hook.id, { ...rest, ...(rotate && { rotate }) });
  });
}

/** Deletes a hook with its deliveries (their workflows find them gone and stop). */
export async function removeWebhook(db: Knex, scope: Scope, id: string): Promise<string> {
  const hook = await visibleWebhook(db, scope, id);
  await repo.deleteWebhook(db, hook.id);
  return hook.id;
}

/** Records a `webhook.test` event delivered to this hook alone. @throws ConflictError for a disabled hook. */
export async function testWebhook(db: Knex, scope: Scope, id: string): Promise<{ eventId: string; deliveryId: string }> {
  return db.transaction(async (trx) => {
    const hook = await visibleWebhook(trx, scope, id, { forUpdate: true });
    if (!hook.enabled) throw new ConflictError('the webhook is disabled; enable it first (PUT {"enabled": true})');
    const data = { webhook_id: hook.id, name: hook.name, message: 'This is a test event from AutoHub.' };
    const eventId = await emitEvent(trx, { type: 'webhook.test', userId: hook.userId, data }, { webhookId: hook.id });
    const deliveryId = eventId && (await repo.deliveryOfEvent(trx, hook.id, eventId));
    if (!eventId || !deliveryId) throw new Error('the test event queued no delivery');
    return { eventId, deliveryId };
  });
}

/**
 * Sends delivery `id` again as a new attempt series (same `webhook-id`). A series still under
 * way is ended first, so its run frees the workflow id and sends nothing more.
 * @throws NotFoundError; ConflictError when its hook is disabled.
 */
export async function replayDelivery(deps: WebhookServiceDeps, scope: Scope, id: string): Promise<void> {
  const delivery = isId(id) ? await repo.findDelivery(deps.db, scope, id.toLowerCase()) : undefined;
  if (!delivery) throw new NotFoundError('delivery not found');
  const hook = await visibleWebhook(deps.db, scope, delivery.webhookId);
  if (!hook.enabled) throw new ConflictError('the webhook is disabled; enable it first (PUT {"enabled": true})');
  if (delivery.status === 'pending') {
    await deps.temporal.workflow
      .getHandle(webhookDeliveryWorkflowId(delivery.id))
      .terminate('replayed: a new attempt series takes over')
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
  }
  await repo.requeueDeliveries(deps.db, (q) => q.where({ id: delivery.id }));
}

/** Sends every failed delivery of hook `id` created since `since` again; answers how many. @throws NotFoundError; ConflictError when disabled. */
export async function recoverWebhook(db: Knex, scope: Scope, id: string, since: Date): Promise<number> {
  return db.transaction(async (trx) => {
    const hook = await visibleWebhook(trx, scope, id, { forUpdate: true });
    if (!hook.enabled) throw new ConflictError('the webhook is disabled; enable it first (PUT {"enabled": true})');
    return repo.requeueDeliveries(trx, (q) => q.where({ webhook_id: hook.id, status: 'failed' }).where('created_at', '>=', since));
  });
}
