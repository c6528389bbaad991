import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { type Account } from '../../db/repos/accounts.repo';
import * as broadcasts from '../../db/repos/broadcasts.repo';
import { findTemplate } from '../../db/repos/templates.repo';
import { enqueueWorkflowStart } from '../../db/repos/temporal-outbox.repo';
import { MAX_CAPTION_LENGTH } from '../../domain/limits';
import { broadcastSchedule } from '../../domain/schedule-spec';
import { accountTaskQueue } from '../../domain/sharding';
import { canonicalTargetKeys } from '../../domain/target-keys';
import { BadRequestError, NotFoundError } from '../../errors';
import type { Platform } from '../../domain/platform-port';
import type { DryRunInput, DryRunResult } from '../../activities/session.activities';
import {
  BROADCAST_DRY_RUN_WORKFLOW,
  BROADCAST_RUN_WORKFLOW,
  broadcastRunWorkflowId,
  MAIN_TASK_QUEUE,
  type BroadcastRunInput,
} from '../../workflows/shared';
import { nextRunAt, requestBroadcastRemoval, requestScheduleSync } from '../../services/broadcast-schedules';
import { searchAttributesFor, storedSearchAttributes } from '../../temporal/search-attributes';
import { ownConnectedAccount } from '../account-access';
import { loadImage, storeImage, type ImageSource, type LoadedImage } from '../image-library';
import type { ApiDeps, Caller } from '../context';
import { idParam, isId, ok, route } from '../route';
import {
  CreateBroadcastBody,
  LegacyScheduleBody,
  ListBroadcastsQuery,
  PatchBroadcastBody,
  type CreateBroadcast,
} from './broadcasts.schemas';

/** How many runs `GET /api/v1/broadcast/:id` lists. */
const RUNS_SHOWN = 20;

/** The fields a broadcast names its image by, for error messages. */
const IMAGE_FIELDS = { id: 'image_id', url: 'image_url', path: 'image_path' };

/** Broadcasts: sent now, every N minutes or daily, their runs, and the legacy schedules. */
export function broadcastRoutes(deps: ApiDeps) {
  const { db, temporal, config, outbox } = deps;

  /**
   * Opens a run of `broadcast`, numbered after its previous runs, in `trx`: its text, image and
   * targets are fixed now, and its workflow starts once the transaction commits (see
   * TemporalOutbox), so the caller never waits on Temporal.
   */
  const enqueueRun = async (trx: Knex, broadcast: broadcasts.Broadcast) => {
    const runNumber = await broadcasts.reserveRunNumber(trx, broadcast.id);
    const workflowId = broadcastRunWorkflowId(broadcast.id, runNumber);
    await broadcasts.openRun(trx, broadcast.id, workflowId, runNumber);
    const input: BroadcastRunInput = { broadcastId: broadcast.id, runNumber };
    await enqueueWorkflowStart(trx, outbox.namespace, {
      workflowId,
      workflowType: BROADCAST_RUN_WORKFLOW,
      taskQueue: MAIN_TASK_QUEUE,
      args: [input],
      memo: { userId: broadcast.userId, accountId: broadcast.accountId, broadcastId: broadcast.id },
      searchAttributes: storedSearchAttributes('broadcast', broadcast),
    });
    return { workflowId, runNumber };
  };

  /**
   * Carries out a schedule sync the caller just committed and answers when the schedule fires
   * next; null while Temporal cannot be reached (the sync is retried from the outbox).
   */
  const syncSchedule = async (sync: number, broadcastId: string): Promise<string | null> =>
    (await outbox.carryOut(sync)) ? ((await nextRunAt(temporal, broadcastId))?.toISOString() ?? null) : null;

  const dryRun = async (
    targetKeys: string[],
    account: Account,
    content: { message: string; fromTemplate: boolean },
    image: LoadedImage | null,
  ) => {
    const input: DryRunInput & { sessionTaskQueue: string } = {
      accountId: account.id,
      accountName: account.name,
      targetKeys,
      ...content,
      sessionTaskQueue: accountTaskQueue(account.id, config.sessionShards),
    };
    const result: DryRunResult = await temporal.workflow.execute(BROADCAST_DRY_RUN_WORKFLOW, {
      taskQueue: MAIN_TASK_QUEUE,
      workflowId: `broadcast-dry-run-${randomUUID()}`,
      args: [input],
      workflowExecutionTimeout: '2 minutes',
      memo: { userId: account.userId, accountId: account.id },
      typedSearchAttributes: searchAttributesFor('broadcast_dry_run', { userId: account.userId, accountId: account.id }),
    });
    return ok({ dry_run: true, platform: account.platform, image: image && describeImage(image), ...result });
  };

  /** Creates a broadcast (v1 and legacy): validates, stores, and starts it or schedules it. */
  const create = async (body: CreateBroadcast, caller: Caller, forcePlatform?: Platform) => {
    const imageSource = imageSourceOf(body) ?? null;
    const checked = await checkBroadcast(db, caller, {
      accountId: body.account_id,
      platform: forcePlatform ?? body.platform,
      templateId: body.template_id ?? null,
      message: body.message ?? null,
      targetKeys: body.target_keys,
      withImage: imageSource !== null,
    });
    const { schedule, error } = broadcastSchedule({
      scheduleType: body.schedule_type,
      intervalMinutes: body.interval_minutes ?? null,
      dailyTime: body.daily_time ?? null,
      timezone: body.timezone ?? null,
    });
    if (error) throw new BadRequestError(error);
    // Fetched or read only once everything cheaper to check holds.
    const image = imageSource && (await loadImage(deps, caller, imageSource, IMAGE_FIELDS));
    if (body.dry_run) return dryRun(checked.targetKeys, checked.account, checked.content, image);

    const row: Omit<broadcasts.NewBroadcast, 'imageId'> = {
      userId: caller.user.id,
      accountId: checked.account.id,
      platform: checked.account.platform,
      name: body.name ?? null,
      scheduleType: body.schedule_type,
      message: body.message ?? null,
      templateId: body.template_id ?? null,
      targetKeys: checked.targetKeys,
      intervalMinutes: body.schedule_type === 'interval' ? body.interval_minutes! : null,
      dailyTime: body.schedule_type === 'daily' ? body.daily_time! : null,
      timezone: body.schedule_type === 'daily' ? (body.timezone ?? 'UTC') : null,
      enabled: body.enabled,
    };
    let broadcast: broadcasts.Broadcast;
    let run: { workflowId: string } | undefined;
    let nextRun: string | null = null;
    if (schedule) {
      // The schedule sync commits with the row; carried out at once, so the answer can say when it fires.
      let sync: number;
      ({ broadcast, sync } = await db.transaction(async (trx) => {
        const created = await broadcasts.insertBroadcast(trx, { ...row, imageId: await imageIdOf(trx, caller, image) });
        return { broadcast: created, sync: await requestScheduleSync(trx, outbox.namespace, created.id) };
      }));
      nextRun = await syncSchedule(sync, broadcast.id);
    } else {
      ({ broadcast, run } = await db.transaction(async (trx) => {
        const created = await broadcasts.insertBroadcast(trx, { ...row, imageId: await imageIdOf(trx, caller, image) });
        return { broadcast: created, run: await enqueueRun(trx, created) };
      }));
      outbox.kick();
    }
    const platform = checked.account.platform;
    return ok(
      {
        schedule_id: broadcast.id,
        platform,
        message: schedule ? `Broadcast scheduled for ${platform}.` : `Broadcast triggered for ${platform}.`,
        ...(run && { workflow_id: run.workflowId }),
        ...(schedule && { next_run_at: nextRun }),
      },
      201,
    );
  };

  const ownBroadcast = async (params: Record<string, string>, caller: Caller) => {
    const broadcast = await broadcasts.findBroadcast(db, idParam(params), caller.scope);
    if (!broadcast) throw new NotFoundError();
    return broadcast;
  };

  return [
    route({
      method: 'post',
      path: '/api/v1/broadcast',
      summary: 'Create a broadcast: now (default), every interval_minutes, or daily at daily_time',
      tag: 'Broadcasts',
      body: CreateBroadcastBody,
      idempotent: true,
      handler: ({ body, caller }) => create(body, caller),
    }),
    route({
      method: 'get',
      path: '/api/v1/broadcasts',
      summary: "The caller's broadcasts",
      tag: 'Broadcasts',
      query: ListBroadcastsQuery,
      handler: async ({ query, caller }) => {
        const list = await broadcasts.listBroadcasts(db, caller.user.id, query);
        const lastRuns = await broadcasts.latestRuns(db, list.map((b) => b.id));
        const withRuns = list.map((b) => ({ ...presentBroadcast(b), last_run: presentRun(lastRuns.get(b.id)) }));
        return ok({ broadcasts: withRuns, count: withRuns.length });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/broadcast/:id',
      summary: 'A broadcast: its schedule, next run, last run with per-target results, and recent runs',
      tag: 'Broadcasts',
      handler: async ({ params, caller }) => {
        const broadcast = await ownBroadcast(params, caller);
        const [lastRun, runs, next] = await Promise.all([
          broadcasts.findLastRun(db, broadcast.id),
          broadcasts.listRuns(db, broadcast.id, RUNS_SHOWN),
          broadcast.scheduleType === 'now' ? null : nextRunAt(temporal, broadcast.id),
        ]);
        return ok({
          broadcast: {
            ...presentBroadcast(broadcast),
            next_run_at: next?.toISOString() ?? null,
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
      handler: async ({ params, caller }) => {
        const broadcast = await ownBroadcast(params, caller);
        await checkBroadcast(db, caller, { ...broadcast, platform: broadcast.platform, withImage: broadcast.imageId !== null });
        const run = await db.transaction((trx) => enqueueRun(trx, broadcast));
        outbox.kick();
        return ok({ schedule_id: broadcast.id, workflow_id: run.workflowId, run_number: run.runNumber, message: 'Broadcast run started.' }, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/broadcast/:id',
      summary: 'Change a broadcast: enabled (pause/resume), name, message or template, targets, schedule',
      tag: 'Broadcasts',
      body: PatchBroadcastBody,
      handler: async ({ params, caller, body }) => {
        const broadcast = await ownBroadcast(params, caller);
        // undefined: the image stays as it is; null: it is removed.
        const imageSource = imageSourceOf(body);
        const withImage = imageSource === undefined ? broadcast.imageId !== null : imageSource !== null;
        const next = {
          message: body.template_id !== undefined ? null : (body.message ?? broadcast.message),
          templateId: body.message !== undefined ? null : (body.template_id ?? broadcast.templateId),
          targetKeys: body.target_keys ?? broadcast.targetKeys,
          intervalMinutes: body.interval_minutes ?? broadcast.intervalMinutes,
          dailyTime: body.daily_time ?? broadcast.dailyTime,
          timezone: body.timezone ?? broadcast.timezone,
        };
        if (!withImage && next.message === null && next.templateId === null) {
          throw new BadRequestError('give exactly one of message or template_id, or an image');
        }
        const { targetKeys } = await checkBroadcast(db, caller, { ...next, accountId: broadcast.accountId, platform: broadcast.platform, withImage });
        const { schedule, error } = broadcastSchedule({ scheduleType: broadcast.scheduleType, ...next });
        if (error) throw new BadRequestError(error);
        const image = imageSource && (await loadImage(deps, caller, imageSource, IMAGE_FIELDS));
        const { updated, sync } = await db.transaction(async (trx) => {
          const imageId = image === undefined ? undefined : await imageIdOf(trx, caller, image);
          const changed = await broadcasts.updateBroadcast(trx, broadcast.id, { ...next, targetKeys, imageId, name: body.name, enabled: body.enabled });
          return { updated: changed, sync: schedule ? await requestScheduleSync(trx, outbox.namespace, changed.id) : undefined };
        });
        const nextRun = sync === undefined ? null : await syncSchedule(sync, updated.id);
        return ok({ broadcast: { ...presentBroadcast(updated), next_run_at: nextRun } });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/broadcast/:id',
      summary: 'Delete a broadcast: its schedule, any running run, and the broadcast itself',
      tag: 'Broadcasts',
      handler: async ({ params, caller }) => {
        const broadcast = await ownBroadcast(params, caller);
        const sync = await db.transaction(async (trx) => {
          const removal = await requestBroadcastRemoval(trx, outbox.namespace, broadcast.id);
          await broadcasts.deleteBroadcast(trx, broadcast.id);
          return removal;
        });
        await outbox.carryOut(sync);
        return ok({ deleted: broadcast.id });
      },
    }),
    route({
      method: 'get',
      path: '/api/schedules',
      summary: 'Telegram broadcast schedules in the legacy dashboard format',
      tag: 'Legacy',
      handler: async ({ caller }) => {
        const list = await broadcasts.listBroadcasts(db, caller.user.id, { platform: 'telegram', scheduled: true });
        return ok({ schedules: list.map(presentLegacySchedule), count: list.length });
      },
    }),
    route({
      method: 'post',
      path: '/api/schedules',
      summary: 'Create a Telegram broadcast schedule (legacy format; groups = target_keys)',
      tag: 'Legacy',
      body: LegacyScheduleBody,
      idempotent: true,
      handler: ({ body, caller }) => create(body, caller, 'telegram'),
    }),
  ];
}

/**
 * Checks what the schemas cannot: the account is the caller's and connected, the platform matches
 * it, the template is the caller's, every target has the account's platform's form and names a
 * chat no other target names, and a text sent with an image fits a caption. Answers the targets'
 * canonical keys, which are what is stored and sent to.
 */
async function checkBroadcast(
  db: Knex,
  caller: Caller,
  b: { accountId: string; platform: string; templateId: string | null; message: string | null; targetKeys: string[]; withImage: boolean },
): Promise<{ account: Account; content: { message: string; fromTemplate: boolean }; targetKeys: string[] }> {
  const account = await ownConnectedAccount(db, b.accountId, caller);
  if (b.platform !== 'auto' && b.platform !== account.platform) {
    throw new BadRequestError(`platform ${b.platform} does not match the account's platform ${account.platform}`);
  }
  const own = { ...caller.scope, admin: false };
  let content = { message: b.message ?? '', fromTemplate: false };
  if (b.templateId !== null) {
    const template = isId(b.templateId) ? await findTemplate(db, b.templateId, own) : undefined;
    if (!template) throw new NotFoundError('template not found');
    content = { message: template.content, fromTemplate: true };
  }
  if (b.withImage && content.message.length > MAX_CAPTION_LENGTH) {
    throw new BadRequestError(
      content.fromTemplate
        ? `template_id: the template has ${content.message.length} characters; an image's caption holds at most ${MAX_CAPTION_LENGTH}`
        : `message: at most ${MAX_CAPTION_LENGTH} characters with an image (it is the image's caption)`,
    );
  }
  const targets = canonicalTargetKeys(account.platform, b.targetKeys);
  if (!targets.ok) throw new BadRequestError(targets.error);
  return { account, content, targetKeys: targets.keys };
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

/** The image source a broadcast body names; undefined when it names none, null for `image_id: null` (removal). */
function imageSourceOf(b: { image_id?: string | null; image_url?: string; image_path?: string }): ImageSource | null | undefined {
  if (b.image_url !== undefined) return { url: b.image_url };
  if (b.image_path !== undefined) return { path: b.image_path };
  if (b.image_id === undefined || b.image_id === null) return b.image_id;
  return { id: b.image_id };
}

/** The library id of a broadcast's image, storing a new one in `trx`; null without an image. */
async function imageIdOf(trx: Knex, caller: Caller, image: LoadedImage | null): Promise<string | null> {
  return image && (await storeImage(trx, caller, image)).id;
}

/** What a dry run says of the image it would send. */
function describeImage(image: LoadedImage) {
  const bytes = 'stored' in image ? image.stored : { mimeType: image.fresh.mimeType, sizeBytes: image.fresh.data.length };
  return { mime_type: bytes.mimeType, size_bytes: bytes.sizeBytes };
}
