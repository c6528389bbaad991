import type { LoggedDelivery, Webhook } from '../../db/repos/webhooks.repo';
import { listDeliveries, listWebhooks } from '../../db/repos/webhooks.repo';
import {
  changeWebhook,
  createWebhook,
  recoverWebhook,
  removeWebhook,
  replayDelivery,
  testWebhook,
  webhookDetail,
  type WebhookServiceDeps,
} from '../../services/webhooks';
import type { ApiDeps } from '../context';
import { idParam, ok, route } from '../route';
import { WebhookResponses } from './webhooks.responses';
import { CreateWebhookBody, RecoverWebhookBody, UpdateWebhookBody, WebhookLogQuery } from './webhooks.schemas';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Outbound webhooks: signed deliveries of the events a hook subscribes to, their log, replay and recovery. */
export function webhookRoutes({ db, secrets, temporal }: ApiDeps) {
  const deps: WebhookServiceDeps = { db, secrets, temporal };
  return [
    route({
      method: 'get',
      path: '/api/webhooks',
      summary: 'Your webhooks, newest first (admins: everyone’s)',
      tag: 'Webhooks',
      operationId: 'listWebhooks',
      responses: { 200: WebhookResponses.list },
      handler: async ({ caller }) => {
        const hooks = await listWebhooks(db, caller.scope);
        return ok({ webhooks: hooks.map(presentWebhook), count: hooks.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/webhooks',
      summary: 'Create a webhook: events ("*", types, or prefixes like "message.*") are POSTed to its url, signed per Standard Webhooks',
      tag: 'Webhooks',
      operationId: 'createWebhook',
      responses: { 201: WebhookResponses.created },
      body: CreateWebhookBody,
      idempotent: true,
      handler: async ({ caller, body }) => {
        const { hook, secret } = await createWebhook(deps, caller.scope, body);
        return ok({ id: hook.id, webhook: presentWebhook(hook), secret }, 201);
      },
    }),
    // Before /api/webhooks/:id, which would take "log" for an id.
    route({
      method: 'get',
      path: '/api/webhooks/log',
      summary: 'Recent deliveries, newest first, each with every attempt (status code, duration, error, the answer’s first 4 KiB)',
      tag: 'Webhooks',
      operationId: 'listWebhookDeliveries',
      query: WebhookLogQuery,
      responses: { 200: WebhookResponses.log },
      handler: async ({ caller, query }) => {
        const deliveries = await listDeliveries(db, caller.scope, { limit: query.limit, webhookId: query.webhook_id, status: query.status });
        return ok({ deliveries: deliveries.map(presentDelivery), count: deliveries.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/webhooks/log/:delivery_id/replay',
      summary: 'Send a delivery again, as a new series of attempts with the same webhook-id',
      tag: 'Webhooks',
      operationId: 'replayWebhookDelivery',
      responses: { 202: WebhookResponses.replayed },
      errors: [409],
      handler: async ({ caller, params }) => {
        const id = idParam(params, 'delivery_id');
        await replayDelivery(deps, caller.scope, id);
        return ok({ delivery_id: id, status: 'pending' }, 202);
      },
    }),
    route({
      method: 'get',
      path: '/api/webhooks/:id',
      summary: 'A webhook with its deliveries counted (delivered, failed, pending) and its last failure',
      tag: 'Webhooks',
      operationId: 'getWebhook',
      responses: { 200: WebhookResponses.one },
      handler: async ({ caller, params }) => {
        const { hook, counts } = await webhookDetail(db, caller.scope, idParam(params));
        const lastFailure = hook.lastFailureAt && {
          at: hook.lastFailureAt.toISOString(),
          error: hook.lastFailure ?? 'failed',
          status_code: hook.lastFailureStatusCode,
          delivery_id: hook.lastFailureDeliveryId,
        };
        return ok({ webhook: presentWebhook(hook), deliveries: counts, last_failure: lastFailure });
      },
    }),
    route({
      method: 'put',
      path: '/api/webhooks/:id',
      summary: 'Change a webhook: name, url, events, secret (the old one stays valid 24 h, both signatures sent), enabled',
      tag: 'Webhooks',
      operationId: 'updateWebhook',
      responses: { 200: WebhookResponses.saved },
      body: UpdateWebhookBody,
      handler: async ({ caller, params, body }) => {
        const hook = await changeWebhook(deps, caller.scope, idParam(params), body);
        return ok({ id: hook.id, webhook: presentWebhook(hook) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/webhooks/:id',
      summary: 'Delete a webhook and its delivery log',
      tag: 'Webhooks',
      operationId: 'deleteWebhook',
      responses: { 200: WebhookResponses.deleted },
      handler: async ({ caller, params }) => ok({ deleted: await removeWebhook(db, caller.scope, idParam(params)) }),
    }),
    route({
      method: 'post',
      path: '/api/webhooks/:id/test',
      summary: 'Fire a test webhook: a webhook.test event delivered to this hook alone',
      tag: 'Webhooks',
      operationId: 'testWebhook',
      responses: { 202: WebhookResponses.tested },
      errors: [409],
      handler: async ({ caller, params }) => {
        const { eventId, deliveryId } = await testWebhook(db, caller.scope, idParam(params));
        return ok({ event_id: eventId, delivery_id: deliveryId }, 202);
      },
    }),
    route({
      method: 'post',
      path: '/api/webhooks/:id/recover',
      summary: 'Send every failed delivery of the hook since a time again',
      tag: 'Webhooks',
      operationId: 'recoverWebhook',
      responses: { 202: WebhookResponses.recovered },
      errors: [409],
      body: RecoverWebhookBody,
      handler: async ({ caller, params, body }) => ok({ recovered: await recoverWebhook(db, caller.scope, idParam(params), new Date(body.since)) }, 202),
    }),
  ];
}

function presentWebhook(h: Webhook) {
  return {
    id: h.id,
    name: h.name,
    url: h.url,
    events: h.events,
    enabled: h.enabled,
    disabled_reason: h.disabledReason,
    consecutive_failures: h.consecutiveFailures,
    failing_since: iso(h.failingSince),
    last_success_at: iso(h.lastSuccessAt),
    previous_secret_expires_at: h.previousSecretExpiresAt && h.previousSecretExpiresAt > new Date() ? h.previousSecretExpiresAt.toISOString() : null,
    created_at: h.createdAt.toISOString(),
    updated_at: h.updatedAt.toISOString(),
  };
}

function presentDelivery(d: LoggedDelivery) {
  return {
    id: d.id,
    webhook_id: d.webhookId,
    webhook_name: d.webhookName,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
    delivered_at: iso(d.deliveredAt),
    attempt_log: d.attemptLog.map((a) => ({
      attempt: a.attempt,
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
      response_body: a.responseBody,
      at: a.at.toISOString(),
    })),
  };
}
