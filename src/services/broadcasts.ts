/**
 * Broadcasts as their owners use them: creating one (sent now, or a recurring schedule), trying
 * one out (a dry run that sends nothing), changing, running and deleting one, and reading one
 * with its runs. Every change commits its Temporal work (a run's workflow start, a schedule
 * sync) with its row through the Temporal outbox, so no caller ever waits on Temporal to keep
 * the two in line.
 */
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { DryRunInput, DryRunResult } from '../workflows/shared';
import type { Config } from '../config';
import type { Account } from '../db/repos/accounts.repo';
import * as broadcasts from '../db/repos/broadcasts.repo';
import { transactionRetryingConflicts } from '../db/knex';
import type { Scope } from '../db/repos/scope';
import { findTemplate } from '../db/repos/templates.repo';
import { enqueueWorkflowStart } from '../db/repos/temporal-outbox.repo';
import { isId } from '../domain/ids';
import { MAX_CAPTION_LENGTH, type SCHEDULE_TYPES } from '../domain/limits';
import { broadcastSchedule } from '../domain/schedule-spec';
import { accountTaskQueue } from '../domain/sharding';
import { canonicalTargetKeyOrNull, canonicalTargetKeys, knownChatResolver } from '../domain/target-keys';
import { findChatsNamed } from '../db/repos/chats.repo';
import { BadRequestError, NotFoundError } from '../errors';
import type { Platform } from '../domain/platform-port';
import { searchAttributesFor, storedSearchAttributes } from '../temporal/search-attributes';
import {
  BROADCAST_DRY_RUN_WORKFLOW,
  BROADCAST_RUN_WORKFLOW,
  broadcastRunWorkflowId,
  MAIN_TASK_QUEUE,
  type BroadcastRunInput,
} from '../workflows/shared';
import { ownConnectedAccount } from './accounts';
import { nextRunAt, requestBroadcastRemoval, requestScheduleSync } from './broadcast-schedules';
import { storeImage, type ImageLoader, type ImageReference, type LoadedImage } from './images';
import type { TemporalOutbox } from './temporal-outbox';

/** How many runs a broadcast is shown with. */
const RUNS_SHOWN = 20;

/** What the broadcast use cases need. */
export interface BroadcastDeps {
  db: Knex;
  temporal: Client;
  /** Carries out the workflow starts and schedule syncs committed with the rows. */
  outbox: Pick<TemporalOutbox, 'namespace' | 'carryOut' | 'kick'>;
  config: Pick<Config, 'sessionShards'>;
}

/** The image fields of a broadcast request: at most one is given; `image_id: null` removes the image. */
interface ImageFields {
  image_id?: string | null;
  image_url?: string;
  image_path?: string;
}

/** A broadcast to create, with the fields and defaults of `POST /api/v1/broadcast`. */
export interface NewBroadcastRequest extends ImageFields {
  account_id: string;
  target_keys: string[];
  message?: string;
  template_id?: string;
  schedule_type: (typeof SCHEDULE_TYPES)[number];
  interval_minutes?: number;
  daily_time?: string;
  timezone?: string;
  platform: 'auto' | Platform;
  name?: string;
  image_id?: string;
  enabled: boolean;
  dry_run: boolean;
}

/** A change of a broadcast, with the fields of `PATCH /api/v1/broadcast/:id`. */
export interface BroadcastChange extends ImageFields {
  enabled?: boolean;
  name?: string;
  message?: string;
  template_id?: string;
  target_keys?: string[];
  interval_minutes?: number;
  daily_time?: string;
  timezone?: string;
}

/** What creating a broadcast did: stored it (and started or scheduled it), or only tried it out. */
export type CreatedBroadcast =
  | { dryRun: false; broadcast: broadcasts.Broadcast; scheduled: boolean; workflowId?: string; nextRunAt: string | null }
  | { dryRun: true; platform: Platform; image: LoadedImage | null; result: DryRunResult };

/** A broadcast with its schedule's next start, its last run with per-target results, and its recent runs. */
export interface BroadcastView {
  broadcast: broadcasts.Broadcast;
  nextRunAt: Date | null;
  lastRun: broadcasts.RunView | undefined;
  runs: broadcasts.RunSummary[];
}

/**
 * Creates a broadcast for `scope`'s user: checks it, stores it, and starts its run (`now`) or
 * schedules it (the answer says when it fires next, null while Temporal is out of reach). A dry
 * run only answers what it would do. `forcePlatform` pins the platform (the legacy endpoint).
 * @throws BadRequestError, NotFoundError or ConflictError for what the request cannot do (see checkBroadcast).
 */
export async function createBroadcast(
  deps: BroadcastDeps,
  scope: Scope,
  request: NewBroadcastRequest,
  loadImage: ImageLoader,
  forcePlatform?: Platform,
): Promise<CreatedBroadcast> {
  const { db, outbox } = deps;
  const imageSource = imageSourceOf(request) ?? null;
  const checked = await checkBroadcast(db, scope, {
    accountId: request.account_id,
    platform: forcePlatform ?? request.platform,
    templateId: request.template_id ?? null,
    message: request.message ?? null,
    targetKeys: request.target_keys,
    withImage: imageSource !== null,
  });
  const { schedule, error } = broadcastSchedule({
    scheduleType: request.schedule_type,
    intervalMinutes: request.interval_minutes ?? null,
    dailyTime: request.daily_time ?? null,
    timezone: request.timezone ?? null,
  });
  if (error) throw new BadRequestError(error);
  // Fetched or read only once everything cheaper to check holds.
  const image = imageSource && (await loadImage(imageSource));
  if (request.dry_run) {
    const result = await dryRun(deps, checked.targetKeys, checked.account, checked.content);
    return { dryRun: true, platform: checked.account.platform, image, result };
  }

  const row: Omit<broadcasts.NewBroadcast, 'imageId'> = {
    userId: scope.userId,
    accountId: checked.account.id,
    platform: checked.account.platform,
    name: request.name ?? null,
    scheduleType: request.schedule_type,
    message: request.message ?? null,
    templateId: request.template_id ?? null,
    targetKeys: checked.targetKeys,
    intervalMinutes: request.schedule_type === 'interval' ? request.interval_minutes! : null,
    dailyTime: request.schedule_type === 'daily' ? request.daily_time! : null,
    timezone: request.schedule_type === 'daily' ? (request.timezone ?? 'UTC') : null,
    enabled: request.enabled,
  };
  const insert = async (trx: Knex) => broadcasts.insertBroadcast(trx, { ...row, imageId: await imageIdOf(trx, scope, image) });
  if (schedule) {
    // The schedule sync commits with the row; carried out at once, so the answer can say when it fires.
    const { broadcast, sync } = await db.transaction(async (trx) => {
      const created = await insert(trx);
      return { broadcast: created, sync: await requestScheduleSync(trx, outbox.namespace, created.id) };
    });
    return { dryRun: false, broadcast, scheduled: true, nextRunAt: await syncSchedule(deps, sync, broadcast.id) };
  }
  const { broadcast, run } = await db.transaction(async (trx) => {
    const created = await insert(trx);
    return { broadcast: created, run: await enqueueRun(trx, outbox.namespace, created) };
  });
  outbox.kick();
  return { dryRun: false, broadcast, scheduled: false, workflowId: run.workflowId, nextRunAt: null };
}

/** The broadcast `id` as `scope` sees it, with its next start and its runs. @throws NotFoundError otherwise. */
export async function getBroadcast(deps: Pick<BroadcastDeps, 'db' | 'temporal'>, scope: Scope, id: string): Promise<BroadcastView> {
  const broadcast = await visibleBroadcast(deps.db, scope, id);
  const [lastRun, runs, next] = await Promise.all([
    broadcasts.findLastRun(deps.db, broadcast.id),
    broadcasts.listRuns(deps.db, broadcast.id, RUNS_SHOWN),
    broadcast.scheduleType === 'now' ? null : nextRunAt(deps.temporal, broadcast.id),
  ]);
  return { broadcast, nextRunAt: next, lastRun, runs };
}

/** The scope's user's own broadcasts, newest first, each with its latest run. */
export async function listOwnBroadcasts(
  db: Knex,
  scope: Scope,
  filter: { platform?: Platform; enabled?: boolean; scheduled?: boolean },
): Promise<Array<{ broadcast: broadcasts.Broadcast; lastRun: broadcasts.RunSummary | undefined }>> {
  const list = await broadcasts.listBroadcasts(db, scope, { ...filter, ownOnly: true });
  const lastRuns = await broadcasts.latestRuns(db, list.map((b) => b.id));
  return list.map((broadcast) => ({ broadcast, lastRun: lastRuns.get(broadcast.id) }));
}

/**
 * Runs broadcast `id` now, whatever its schedule, after checking it still can be sent (its
 * account connected, its template there). Answers the run's workflow id and number.
 * @throws NotFoundError when `scope` sees no such broadcast; as checkBroadcast.
 */
export async function runBroadcast(
  deps: BroadcastDeps,
  scope: Scope,
  id: string,
): Promise<{ broadcast: broadcasts.Broadcast; workflowId: string; runNumber: number }> {
  const broadcast = await visibleBroadcast(deps.db, scope, id);
  await checkBroadcast(deps.db, scope, { ...broadcast, withImage: broadcast.imageId !== null });
  const run = await deps.db.transaction((trx) => enqueueRun(trx, deps.outbox.namespace, broadcast));
  deps.outbox.kick();
  return { broadcast, ...run };
}

/**
 * Changes broadcast `id` (pause/resume, name, message or template, targets, schedule, image)
 * with the rules of creation, and brings its schedule in line; answers it with its next start.
 * @throws NotFoundError when `scope` sees no such broadcast; BadRequestError for a change creation would refuse.
 */
export async function patchBroadcast(
  deps: BroadcastDeps,
  scope: Scope,
  id: string,
  change: BroadcastChange,
  loadImage: ImageLoader,
): Promise<{ broadcast: broadcasts.Broadcast; nextRunAt: string | null }> {
  const { db, outbox } = deps;
  const broadcast = await visibleBroadcast(db, scope, id);
  // undefined: the image stays as it is; null: it is removed.
  const imageSource = imageSourceOf(change);
  const withImage = imageSource === undefined ? broadcast.imageId !== null : imageSource !== null;
  const next = {
    message: change.template_id !== undefined ? null : (change.message ?? broadcast.message),
    templateId: change.message !== undefined ? null : (change.template_id ?? broadcast.templateId),
    targetKeys: change.target_keys ?? broadcast.targetKeys,
    intervalMinutes: change.interval_minutes ?? broadcast.intervalMinutes,
    dailyTime: change.daily_time ?? broadcast.dailyTime,
    timezone: change.timezone ?? broadcast.timezone,
  };
  if (!withImage && next.message === null && next.templateId === null) {
    throw new BadRequestError('give exactly one of message or template_id, or an image');
  }
  const { targetKeys } = await checkBroadcast(db, scope, { ...next, accountId: broadcast.accountId, platform: broadcast.platform, withImage });
  const { schedule, error } = broadcastSchedule({ scheduleType: broadcast.scheduleType, ...next });
  if (error) throw new BadRequestError(error);
  const image = imageSource && (await loadImage(imageSource));
  const { updated, sync } = await db.transaction(async (trx) => {
    const imageId = image === undefined ? undefined : await imageIdOf(trx, scope, image);
    const changed = await broadcasts.updateBroadcast(trx, scope, broadcast.id, { ...next, targetKeys, imageId, name: change.name, enabled: change.enabled });
    if (!changed) throw new NotFoundError();
    return { updated: changed, sync: schedule ? await requestScheduleSync(trx, outbox.namespace, changed.id) : undefined };
  });
  const nextRun = sync === undefined ? null : await syncSchedule(deps, sync, updated.id);
  return { broadcast: updated, nextRunAt: nextRun };
}

/**
 * Deletes broadcast `id`: its schedule, any running run, and the broadcast itself. Answers its id.
 * @throws NotFoundError when `scope` owns no such broadcast.
 */
export async function deleteBroadcast(deps: BroadcastDeps, scope: Scope, id: string): Promise<string> {
  const broadcast = await visibleBroadcast(deps.db, scope, id);
  // Its runs' ledgers go with it, rows a running send may be settling at this moment.
  const sync = await transactionRetryingConflicts(deps.db, async (trx) => {
    const removal = await requestBroadcastRemoval(trx, deps.outbox.namespace, broadcast.id);
    if (!(await broadcasts.deleteBroadcast(trx, scope, broadcast.id))) throw new NotFoundError();
    return removal;
  });
  await deps.outbox.carryOut(sync);
  return broadcast.id;
}

async function visibleBroadcast(db: Knex, scope: Scope, id: string): Promise<broadcasts.Broadcast> {
  const broadcast = await broadcasts.findBroadcast(db, id, scope);
  if (!broadcast) throw new NotFoundError();
  return broadcast;
}

/**
 * Opens a run of `broadcast`, numbered after its previous runs, in `trx`: its text, image and
 * targets are fixed now, and its workflow starts once the transaction commits (see
 * TemporalOutbox), so the caller never waits on Temporal. Every caller kicks its outbox once the
 * transaction has committed, so the start is not announced to other processes.
 */
async function enqueueRun(trx: Knex, namespace: string, broadcast: broadcasts.Broadcast) {
  const { runNumber, workflowId } = await broadcasts.openNextRun(trx, broadcast.id, (n) => broadcastRunWorkflowId(broadcast.id, n));
  const input: BroadcastRunInput = { broadcastId: broadcast.id, runNumber };
  await enqueueWorkflowStart(trx, namespace, {
    workflowId,
    workflowType: BROADCAST_RUN_WORKFLOW,
    taskQueue: MAIN_TASK_QUEUE,
    args: [input],
    memo: { userId: broadcast.userId, accountId: broadcast.accountId, broadcastId: broadcast.id },
    searchAttributes: storedSearchAttributes('broadcast', broadcast),
  }, { announce: false });
  return { workflowId, runNumber };
}

/**
 * Carries out a schedule sync the caller just committed and answers when the schedule fires
 * next; null while Temporal cannot be reached (the sync is retried from the outbox).
 */
async function syncSchedule(deps: BroadcastDeps, sync: number, broadcastId: string): Promise<string | null> {
  return (await deps.outbox.carryOut(sync)) ? ((await nextRunAt(deps.temporal, broadcastId))?.toISOString() ?? null) : null;
}

/** Asks the account's session, through a short workflow, what sending to each target would do. */
async function dryRun(
  deps: BroadcastDeps,
  targetKeys: string[],
  account: Account,
  content: { message: string; fromTemplate: boolean },
): Promise<DryRunResult> {
  const input: DryRunInput & { sessionTaskQueue: string } = {
    accountId: account.id,
    accountName: account.name,
    targetKeys,
    ...content,
    sessionTaskQueue: accountTaskQueue(account.id, deps.config.sessionShards),
  };
  return deps.temporal.workflow.execute(BROADCAST_DRY_RUN_WORKFLOW, {
    taskQueue: MAIN_TASK_QUEUE,
    workflowId: `broadcast-dry-run-${randomUUID()}`,
    args: [input],
    workflowExecutionTimeout: '2 minutes',
    memo: { userId: account.userId, accountId: account.id },
    typedSearchAttributes: searchAttributesFor('broadcast_dry_run', { userId: account.userId, accountId: account.id }),
  });
}

/**
 * Checks what the schemas cannot: the account is the caller's and connected, the platform matches
 * it, the template is the caller's, every target has the account's platform's form and names a
 * chat no other target names, and a text sent with an image fits a caption. Answers the targets'
 * canonical keys, which are what is stored and sent to.
 */
async function checkBroadcast(
  db: Knex,
  scope: Scope,
  b: { accountId: string; platform: string; templateId: string | null; message: string | null; targetKeys: string[]; withImage: boolean },
): Promise<{ account: Account; content: { message: string; fromTemplate: boolean }; targetKeys: string[] }> {
  const account = await ownConnectedAccount(db, scope, b.accountId);
  if (b.platform !== 'auto' && b.platform !== account.platform) {
    throw new BadRequestError(`platform ${b.platform} does not match the account's platform ${account.platform}`);
  }
  const own = { ...scope, admin: false };
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
  // A chat's username and its numeric id are one chat: the chats the account knows tell which.
  // Only the known chats the request names are read, not every chat the account has scanned.
  const named = b.targetKeys.flatMap((key) => canonicalTargetKeyOrNull(account.platform, key) ?? []);
  const chatOf = knownChatResolver(account.platform, await findChatsNamed(db, scope, account.id, named));
  const targets = canonicalTargetKeys(account.platform, b.targetKeys, 'target_keys', chatOf);
  if (!targets.ok) throw new BadRequestError(targets.error);
  return { account, content, targetKeys: targets.keys };
}

/** The image source a request names; undefined when it names none, null for `image_id: null` (removal). */
function imageSourceOf(b: ImageFields): ImageReference | null | undefined {
  if (b.image_url !== undefined) return { url: b.image_url };
  if (b.image_path !== undefined) return { path: b.image_path };
  if (b.image_id === undefined || b.image_id === null) return b.image_id;
  return { id: b.image_id };
}

/** The library id of a broadcast's image, storing a new one in `trx`; null without an image. */
async function imageIdOf(trx: Knex, scope: Scope, image: LoadedImage | null): Promise<string | null> {
  return image && (await storeImage(trx, scope.userId, image)).id;
}
