import { MAX_EVENT_PAYLOAD_BYTES } from '../../db/repos/events.repo';
import type { InboundWebhook, Receipt } from '../../db/repos/inbound-webhooks.repo';
import {
  acceptInboundWebhook,
  changeInboundHook,
  createInboundHook,
  listInboundHooks,
  listInboundReceipts,
  receivingHook,
  removeInboundHook,
  visibleInboundHook,
  type SecretChoice,
} from '../../services/inbound-webhooks';
import type { ApiDeps } from '../context';
import { ok, parseRawJson, publicRoute, route } from '../route';
import { InboundWebhookResponses } from './inbound-webhooks.responses';
import { CreateInboundWebhookBody, ReceiptsQuery, UpdateInboundWebhookBody } from './inbound-webhooks.schemas';

/** What a body asks of the secret: `generate_secret`, a `secret`, `secret: null`, or nothing. */
function secretChoice(body: { secret?: string | null; generate_secret?: boolean }, absent: SecretChoice): SecretChoice {
  if (body.generate_secret) return { kind: 'generate' };
  if (body.secret === null) return { kind: 'none' };
  if (body.secret !== undefined) return { kind: 'set', secret: body.secret };
  return absent;
}

/** Inbound webhooks: their management (the caller's own; admins everyone's) and the receiver outside systems POST to. */
export function inboundWebhookRoutes({ db, secrets, outbox, config }: ApiDeps) {
  const deps = { db, secrets, namespace: outbox.namespace, kick: () => outbox.kick() };
  const present = (hook: InboundWebhook) => presentHook(hook, config.publicUrl);
  return [
    route({
      method: 'get',
      path: '/api/inbound-webhooks',
      summary: "The caller's inbound webhooks (an admin's: everyone's), newest first",
      tag: 'Inbound webhooks',
      operationId: 'listInboundWebhooks',
      responses: { 200: InboundWebhookResponses.list },
      handler: async ({ caller }) => {
        const hooks = await listInboundHooks(db, caller.scope);
        return ok({ webhooks: hooks.map(present), count: hooks.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/inbound-webhooks',
      summary: 'Create an inbound webhook: a receiver URL that runs an action of yours (run_broadcast, send_message, upsert_contact, enroll_drip) for each request; with a secret, requests must be signed per Standard Webhooks',
      tag: 'Inbound webhooks',
      operationId: 'createInboundWebhook',
      responses: { 201: InboundWebhookResponses.saved },
      body: CreateInboundWebhookBody,
      idempotent: true,
      handler: async ({ caller, body }) => {
        const { hook, secret } = await createInboundHook(deps, caller.scope, {
          name: body.name,
          action: body.action,
          enabled: body.enabled ?? true,
          secret: secretChoice(body, { kind: 'none' }),
        });
        return ok({ id: hook.id, webhook: present(hook), ...(secret !== undefined && { secret }) }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/inbound-webhooks/:id',
      summary: 'An inbound webhook with its receiver URL',
      tag: 'Inbound webhooks',
      operationId: 'getInboundWebhook',
      responses: { 200: InboundWebhookResponses.one },
      handler: async ({ caller, params }) => ok({ webhook: present(await visibleInboundHook(db, caller.scope, params.id ?? '')) }),
    }),
    route({
      method: 'put',
      path: '/api/inbound-webhooks/:id',
      summary: 'Change an inbound webhook: name, action, enabled, secret (null removes it) or generate_secret',
      tag: 'Inbound webhooks',
      operationId: 'updateInboundWebhook',
      responses: { 200: InboundWebhookResponses.saved },
      body: UpdateInboundWebhookBody,
      handler: async ({ caller, params, body }) => {
        const { hook, secret } = await changeInboundHook(deps, caller.scope, params.id ?? '', {
          name: body.name,
          action: body.action,
          enabled: body.enabled,
          secret: secretChoice(body, { kind: 'keep' }),
        });
        return ok({ id: hook.id, webhook: present(hook), ...(secret !== undefined && { secret }) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/inbound-webhooks/:id',
      summary: 'Delete an inbound webhook and its receipts: its URL answers 404 from now on',
      tag: 'Inbound webhooks',
      operationId: 'deleteInboundWebhook',
      responses: { 200: InboundWebhookResponses.deleted },
      handler: async ({ caller, params }) => ok({ deleted: await removeInboundHook(db, caller.scope, params.id ?? '') }),
    }),
    route({
      method: 'get',
      path: '/api/inbound-webhooks/:id/receipts',
      summary: "An inbound webhook's newest receipts: each accepted request, its action's status, result or error",
      tag: 'Inbound webhooks',
      operationId: 'listInboundWebhookReceipts',
      query: ReceiptsQuery,
      responses: { 200: InboundWebhookResponses.receipts },
      handler: async ({ caller, params, query }) => {
        const receipts = await listInboundReceipts(db, caller.scope, params.id ?? '', query.limit);
        return ok({ receipts: receipts.map(presentReceipt), count: receipts.length });
      },
    }),
    publicRoute({
      method: 'post',
      path: '/api/webhooks/inbound/:hook_id',
      summary:
        'Inbound receiver: outside systems POST JSON here, no API key; a hook with a secret takes only requests signed per Standard Webhooks (5 minutes of tolerance); a repeated webhook-id is accepted once. Answers 202 at once; the action runs in a workflow',
      tag: 'Inbound webhooks',
      operationId: 'receiveInboundWebhook',
      rawBody: true,
      maxJsonBytes: MAX_EVENT_PAYLOAD_BYTES,
      responses: { 202: InboundWebhookResponses.accepted },
      errors: [401, 404],
      handler: async ({ ctx, params, rawBody }) => {
        const { hook, webhookId } = await receivingHook(deps, params.hook_id ?? '', rawBody ?? Buffer.alloc(0), ctx.req.headers);
        const { receipt, duplicate } = await acceptInboundWebhook(deps, hook, webhookId, parseRawJson(rawBody));
        return ok({ receipt_id: receipt.id, duplicate, status: receipt.status }, 202);
      },
    }),
  ];
}

function presentHook(h: InboundWebhook, publicUrl: string) {
  return {
    id: h.id,
    name: h.name,
    url: `${publicUrl.replace(/\/+$/, '')}/api/webhooks/inbound/${h.id}`,
    action: h.action,
    enabled: h.enabled,
    signed: h.sealedSecret !== null,
    user_id: h.userId,
    created_at: h.createdAt.toISOString(),
    updated_at: h.updatedAt.toISOString(),
  };
}

function presentReceipt(r: Receipt) {
  return {
    id: r.id,
    webhook_id: r.webhookId,
    status: r.status,
    event_id: r.eventId,
    result: r.result,
    error: r.error,
    received_at: r.receivedAt.toISOString(),
    finished_at: r.finishedAt?.toISOString() ?? null,
  };
}
