import type { DripCampaign } from '../../db/repos/drips.repo';
import {
  changeDrip,
  createDrip,
  dripProgress,
  listOwnDrips,
  pauseDrip,
  removeDrip,
  startDrip,
  visibleDrip,
  type DripDeps,
  type EnrollmentProgress,
} from '../../services/drip-campaigns';
import { DRIP_CHANGED_SIGNAL } from '../../workflows/shared';
import type { ApiDeps } from '../context';
import { ok, route } from '../route';
import { DripResponses } from './drip-campaigns.responses';
import { CreateDripBody, UpdateDripBody } from './drip-campaigns.schemas';

/** Drip campaigns: each target goes through the steps on durable timers. */
export function dripCampaignRoutes({ db, outbox, config, temporal, logger }: ApiDeps) {
  const deps: DripDeps = {
    db,
    namespace: outbox.namespace,
    sessionShards: config.sessionShards,
    wake: async (workflowIds) => {
      outbox.kick();
      await Promise.all(
        workflowIds.map((id) =>
          temporal.workflow
            .getHandle(id)
            .signal(DRIP_CHANGED_SIGNAL)
            .catch((err: unknown) => logger.debug({ err, workflowId: id }, 'drip enrollment not woken; it reads its row when its wait ends')),
        ),
      );
    },
  };
  return [
    route({
      method: 'get',
      path: '/api/drip-campaigns',
      summary: "The caller's drip campaigns, newest first",
      tag: 'Drip campaigns',
      operationId: 'listDripCampaigns',
      responses: { 200: DripResponses.list },
      handler: async ({ caller }) => {
        const campaigns = await listOwnDrips(db, caller.scope);
        return ok({ campaigns: campaigns.map(presentCampaign), count: campaigns.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/drip-campaigns',
      summary: 'Create a drip campaign (a draft): steps, each after its delay, optionally in a send window, to targets (keys, contact ids, {"tag"} or {"segment"})',
      tag: 'Drip campaigns',
      operationId: 'createDripCampaign',
      responses: { 201: DripResponses.saved },
      errors: [404],
      body: CreateDripBody,
      idempotent: true,
      handler: async ({ caller, body }) => {
        const campaign = await createDrip(db, caller.scope, {
          name: body.name,
          accountId: body.account_id,
          steps: body.steps,
          sendWindow: body.send_window ?? null,
          stopOnReply: body.stop_on_reply ?? false,
          targets: body.targets ?? [],
        });
        return ok({ id: campaign.id, campaign: presentCampaign(campaign) }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/drip-campaigns/:id',
      summary: 'A drip campaign with each target’s progress: the steps reached, the next send, each step’s outcome',
      tag: 'Drip campaigns',
      operationId: 'getDripCampaign',
      responses: { 200: DripResponses.one },
      handler: async ({ caller, params }) => {
        const campaign = await visibleDrip(db, caller.scope, params.id ?? '');
        return ok({ campaign: presentCampaign(campaign), enrollments: (await dripProgress(db, campaign)).map(presentEnrollment) });
      },
    }),
    route({
      method: 'post',
      path: '/api/drip-campaigns/:id/start',
      summary: 'Start a draft campaign (every target enrolled), or resume a paused one where each target was',
      tag: 'Drip campaigns',
      operationId: 'startDripCampaign',
      responses: { 200: DripResponses.saved },
      errors: [409],
      handler: async ({ caller, params }) => {
        const campaign = await startDrip(deps, caller.scope, params.id ?? '');
        return ok({ id: campaign.id, campaign: presentCampaign(campaign) });
      },
    }),
    route({
      method: 'post',
      path: '/api/drip-campaigns/:id/pause',
      summary: 'Pause an active campaign: every enrollment keeps the delay left to its next step',
      tag: 'Drip campaigns',
      operationId: 'pauseDripCampaign',
      responses: { 200: DripResponses.saved },
      errors: [409],
      handler: async ({ caller, params }) => {
        const campaign = await pauseDrip(deps, caller.scope, params.id ?? '');
        return ok({ id: campaign.id, campaign: presentCampaign(campaign) });
      },
    }),
    route({
      method: 'put',
      path: '/api/drip-campaigns/:id',
      summary: 'Change a campaign: name, steps (applied to steps not yet sent), send window, stop_on_reply, targets (new ones enroll, removed ones are cancelled)',
      tag: 'Drip campaigns',
      operationId: 'updateDripCampaign',
      responses: { 200: DripResponses.saved },
      body: UpdateDripBody,
      handler: async ({ caller, params, body }) => {
        const campaign = await changeDrip(deps, caller.scope, params.id ?? '', {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.steps !== undefined && { steps: body.steps }),
          ...(body.send_window !== undefined && { sendWindow: body.send_window }),
          ...(body.stop_on_reply !== undefined && { stopOnReply: body.stop_on_reply }),
          ...(body.targets !== undefined && { targets: body.targets }),
        });
        return ok({ id: campaign.id, campaign: presentCampaign(campaign) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/drip-campaigns/:id',
      summary: 'Delete a campaign: every enrollment ends',
      tag: 'Drip campaigns',
      operationId: 'deleteDripCampaign',
      responses: { 200: DripResponses.deleted },
      handler: async ({ caller, params }) => ok({ deleted: await removeDrip(deps, caller.scope, params.id ?? '') }),
    }),
  ];
}

function presentCampaign(c: DripCampaign) {
  return {
    id: c.id,
    name: c.name,
    account_id: c.accountId,
    status: c.status,
    steps: c.steps,
    send_window: c.sendWindow,
    stop_on_reply: c.stopOnReply,
    targets: c.targets,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

function presentEnrollment(e: EnrollmentProgress) {
  return {
    target_key: e.targetKey,
    contact_id: e.contactId,
    status: e.status,
    step_reached: e.nextStep,
    next_send_at: e.nextSendAt?.toISOString() ?? null,
    remaining_ms: e.remainingMs,
    stop_reason: e.stopReason,
    enrolled_at: e.enrolledAt.toISOString(),
    steps: e.steps.map((s) => ({ step: s.step, status: s.status, sent_at: s.sentAt?.toISOString() ?? null, error: s.error })),
  };
}
