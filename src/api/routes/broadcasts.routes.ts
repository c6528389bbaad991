import type * as broadcasts from '../../db/repos/broadcasts.repo';
import type { Platform } from '../../domain/platform-port';
import * as service from '../../services/broadcasts';
import { describeImage, type ImageLoader } from '../../services/images';
import type { ApiDeps, Caller } from '../context';
import { loadImage } from '../image-library';
import { idParam, ok, route } from '../route';
import { CreateBroadcastBody, LegacyScheduleBody, ListBroadcastsQuery, PatchBroadcastBody, type CreateBroadcast } from './broadcasts.schemas';
import { BroadcastResponses } from './broadcasts.responses';

/** The fields a broadcast names its image by, for error messages. */
const IMAGE_FIELDS = { id: 'image_id', url: 'image_url', path: 'image_path' };

/** Broadcasts: sent now, every N minutes or daily, their runs, and the legacy schedules. */
export function broadcastRoutes(deps: ApiDeps) {
  /** Reads the image a broadcast names from the caller's library, a URL or the upload directory. */
  const imagesOf = (caller: Caller): ImageLoader => (source) => loadImage(deps, caller, source, IMAGE_FIELDS);

  /** Creates a broadcast (v1 and legacy) and answers what was done. */
  const create = async (body: CreateBroadcast, caller: Caller, forcePlatform?: Platform) => {
    const created = await service.createBroadcast(deps, caller.scope, body, imagesOf(caller), forcePlatform);
    if (created.dryRun) {
      const { platform, image, result } = created;
      return ok({ dry_run: true, platform, image: image && describeImage(image), ...result });
    }
    const { broadcast, scheduled, workflowId, nextRunAt } = created;
    return ok(
      {
        schedule_id: broadcast.id,
        platform: broadcast.platform,
        message: scheduled ? `Broadcast scheduled for ${broadcast.platform}.` : `Broadcast triggered for ${broadcast.platform}.`,
        ...(workflowId !== undefined && { workflow_id: workflowId }),
        ...(scheduled && { next_run_at: nextRunAt }),
      },
      201,
    );
  };

  return [
    route({
      method: 'post',
      path: '/api/v1/broadcast',
      summary: 'Create a broadcast: now (default), every interval_minutes, or daily at daily_time',
      tag: 'Broadcasts',
      operationId: 'createBroadcast',
      responses: { 200: BroadcastResponses.dryRun, 201: BroadcastResponses.created },
      errors: [404, 409],
      body: CreateBroadcastBody,
      idempotent: true,
      handler: ({ body, caller }) => create(body, caller),
    }),
    route({
      method: 'get',
      path: '/api/v1/broadcasts',
      summary: "The caller's broadcasts",
      tag: 'Broadcasts',
      operationId: 'listBroadcasts',
      responses: { 200: BroadcastResponses.list },
      query: ListBroadcastsQuery,
      handler: async ({ query, caller }) => {
        const list = await service.listOwnBroadcasts(deps.db, caller.scope, query);
        const withRuns = list.map(({ broadcast, lastRun }) => ({ ...presentBroadcast(broadcast), last_run: presentRun(lastRun) }));
        return ok({ broadcasts: withRuns, count: withRuns.length });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/broadcast/:id',
      summary: 'A broadcast: its schedule, next run, last run with per-target results, and recent runs',
      tag: 'Broadcasts',
      operationId: 'getBroadcast',
      responses: { 200: BroadcastResponses.one },
      handler: async ({ params, caller }) => {
        const { broadcast, nextRunAt, lastRun, runs } = await service.getBroadcast(deps, caller.scope, idParam(params));
        return ok({
          broadcast: {
            ...presentBroadcast(broadcast),
            next_run_at: nextRunAt?.toISOString() ?? null,
            last_run: lastRun ? { ...presentRun(lastRun), results: lastRun.results.map(presentResult) } : null,
            runs: runs.map(presentRun),
          },
        });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/broadcast/:id/run',
      summary: 'Run a broadcast now, whatever its schedule',
      tag: 'Broadcasts',
      operationId: 'runBroadcast',
      responses: { 201: BroadcastResponses.run },
      errors: [409],
      handler: async ({ params, caller }) => {
        const { broadcast, workflowId, runNumber } = await service.runBroadcast(deps, caller.scope, idParam(params));
        return ok({ schedule_id: broadcast.id, workflow_id: workflowId, run_number: runNumber, message: 'Broadcast run started.' }, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/broadcast/:id',
      summary: 'Change a broadcast: enabled (pause/resume), name, message or template, targets, schedule',
      tag: 'Broadcasts',
      operationId: 'updateBroadcast',
      responses: { 200: BroadcastResponses.patched },
      errors: [409],
      body: PatchBroadcastBody,
      handler: async ({ params, caller, body }) => {
        const { broadcast, nextRunAt } = await service.patchBroadcast(deps, caller.scope, idParam(params), body, imagesOf(caller));
        return ok({ broadcast: { ...presentBroadcast(broadcast), next_run_at: nextRunAt } });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/broadcast/:id',
      summary: 'Delete a broadcast: its schedule, any running run, and the broadcast itself',
      tag: 'Broadcasts',
      operationId: 'deleteBroadcast',
      responses: { 200: BroadcastResponses.deleted },
      handler: async ({ params, caller }) => ok({ deleted: await service.deleteBroadcast(deps, caller.scope, idParam(params)) }),
    }),
    route({
      method: 'get',
      path: '/api/schedules',
      summary: 'Telegram broadcast schedules in the legacy dashboard format',
      tag: 'Legacy',
      operationId: 'listSchedulesLegacy',
      responses: { 200: BroadcastResponses.legacyList },
      handler: async ({ caller }) => {
        const list = await service.listOwnBroadcasts(deps.db, caller.scope, { platform: 'telegram', scheduled: true });
        return ok({ schedules: list.map(({ broadcast }) => presentLegacySchedule(broadcast)), count: list.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/schedules',
      summary: 'Create a Telegram broadcast schedule (legacy format; groups = target_keys)',
      tag: 'Legacy',
      operationId: 'createScheduleLegacy',
      responses: { 200: BroadcastResponses.dryRun, 201: BroadcastResponses.created },
      errors: [404, 409],
      body: LegacyScheduleBody,
      idempotent: true,
      handler: ({ body, caller }) => create(body, caller, 'telegram'),
    }),
  ];
}

function presentBroadcast(b: broadcasts.Broadcast) {
  return {
    id: b.id,
    name: b.name,
    account_id: b.accountId,
    platform: b.platform,
    schedule_type: b.scheduleType,
    interval_minutes: b.intervalMinutes,
    daily_time: b.dailyTime,
    timezone: b.timezone,
    message: b.message,
    template_id: b.templateId,
    image_id: b.imageId,
    target_keys: b.targetKeys,
    enabled: b.enabled,
    schedule_error: b.scheduleError,
    created_at: b.createdAt.toISOString(),
  };
}

function presentRun(run: broadcasts.RunSummary | undefined) {
  if (!run) return null;
  return {
    id: run.id,
    run_number: run.runNumber,
    workflow_id: run.workflowId,
    status: run.status,
    sent: run.sent,
    failed: run.failed,
    error: run.error,
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
  };
}

function presentResult(r: broadcasts.RunView['results'][number]) {
  return {
    target_key: r.targetKey,
    status: r.status,
    ...(r.error !== null && { error: r.error }),
    ...(r.sentAt !== null && { sent_at: r.sentAt.toISOString() }),
  };
}

/** The legacy dashboard's schedule object: `groups` for the targets. */
function presentLegacySchedule(b: broadcasts.Broadcast) {
  const { target_keys: groups, ...rest } = presentBroadcast(b);
  return { ...rest, groups };
}
