/**
 * Drip campaigns, their owner's alone. Each target of a started campaign is enrolled in its own
 * workflow (`drip-<id>-target-<key>`) that sleeps until its next step is due and sends it through
 * the one send path (origin `drip`, business key campaign × target × step). The enrollment rows
 * are the truth (see the migration); the workflows are told of every change by signal, and read
 * the rows again at the latest when their sleep ends.
 */
import type { Knex } from 'knex';
import { emitEvent } from '../db/repos/events.repo';
import * as repo from '../db/repos/drips.repo';
import type { Scope } from '../db/repos/scope';
import { finishSendRun, listPendingTargets, type SendRunStatus } from '../db/repos/send-runs.repo';
import { findTemplate } from '../db/repos/templates.repo';
import { enqueueWorkflowStart } from '../db/repos/temporal-outbox.repo';
import { stepDueAt } from '../domain/drips';
import { isId } from '../domain/ids';
import type { Platform } from '../domain/platform-port';
import type { SendWindow } from '../domain/send-window';
import { accountTaskQueue } from '../domain/sharding';
import { canonicalTargetKeyOrNull } from '../domain/target-keys';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import { storedSearchAttributes } from '../temporal/search-attributes';
import { DRIP_ENROLLMENT_WORKFLOW, dripEnrollmentWorkflowId, MAIN_TASK_QUEUE, type DripEnrollmentInput } from '../workflows/shared';
import { sendingAccount } from './accounts';
import { enqueueSendRun } from './send-runs';

// Campaigns are their owner's alone: an admin's scope sees no one else's either.
const own = (scope: Scope): Scope => ({ ...scope, admin: false });

/** Where enrollment workflows are enqueued, and how they are told of a change after the commit. */
export interface DripDeps {
  db: Knex;
  namespace: string;
  sessionShards: number;
  /** Signals the workflows of these enrollments that their rows changed (best effort: they read them again anyway). */
  wake: (workflowIds: string[]) => Promise<void>;
}

/** A campaign as the API validated it. */
export interface DripFields {
  name: string;
  accountId?: string;
  steps: repo.DripStep[];
  sendWindow: SendWindow | null;
  stopOnReply: boolean;
  targets: repo.DripTarget[];
}

const stepKey = (campaignId: string, targetKey: string, step: number) => `drip:${campaignId}:${targetKey}:${step}`;

async function assertTemplates(db: Knex, scope: Scope, steps: repo.DripStep[]): Promise<void> {
  for (const [i, step] of steps.entries()) {
    if (step.template_id !== undefined && !(isId(step.template_id) && (await findTemplate(db, step.template_id, own(scope))))) {
      throw new BadRequestError(`steps.${i}.template_id: template not found`);
    }
  }
}

/** Creates a draft campaign. @throws BadRequestError for an unknown template or an account that cannot be chosen. */
export async function createDrip(db: Knex, scope: Scope, fields: DripFields): Promise<repo.DripCampaign> {
  const account = await sendingAccount(db, scope, fields.accountId);
  await assertTemplates(db, scope, fields.steps);
  return repo.insertCampaign(db, own(scope), { ...fields, accountId: account.id });
}

export const listOwnDrips = (db: Knex, scope: Scope) => repo.listCampaigns(db, own(scope));

/** The scope's user's campaign `id`. @throws NotFoundError. */
export async function visibleDrip(db: Knex, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<repo.DripCampaign> {
  const campaign = isId(id) ? await repo.findCampaign(db, own(scope), id.toLowerCase(), options) : undefined;
  if (!campaign) throw new NotFoundError('drip campaign not found');
  return campaign;
}

/** A contact's key on `platform`: its username or Telegram id, or its WhatsApp JID; null when it has none there. */
function contactKey(platform: Platform, c: { username: string | null; telegram_id: string | null; whatsapp_jid: string | null }): string | null {
  if (platform === 'telegram') return c.username ? `@${c.username}` : c.telegram_id;
  return c.whatsapp_jid;
}

/** The campaign's targets as enrollments: keys canonical, contacts (by id, tag or segment) by their key, opted-out contacts left out. */
async function resolveTargets(db: Knex, campaign: repo.DripCampaign, platform: Platform): Promise<Array<{ targetKey: string; contactId: string | null }>> {
  const resolved = new Map<string, string | null>();
  const addContacts = async (query: (q: Knex.QueryBuilder) => void) => {
    const rows = await db('contacts')
      .where({ user_id: campaign.userId, opted_out: false })
      .modify(query)
      .select<{ id: string; username: string | null; telegram_id: string | null; whatsapp_jid: string | null }[]>('id', 'username', 'telegram_id', 'whatsapp_jid');
    for (const row of rows) {
      const key = contactKey(platform, row);
      if (key && !resolved.has(key)) resolved.set(key, row.id);
    }
  };
  for (const target of campaign.targets) {
    if (typeof target !== 'string') await addContacts((q) => ('tag' in target ? q.whereRaw('tags @> array[?]::text[]', [target.tag]) : q.where({ segment: target.segment })));
    else if (isId(target)) await addContacts((q) => q.where({ id: target.toLowerCase() }));
    else {
      const key = canonicalTargetKeyOrNull(platform, target) ?? target.trim();
      if (!resolved.has(key)) resolved.set(key, null);
    }
  }
  return [...resolved].map(([targetKey, contactId]) => ({ targetKey, contactId }));
}

/** Enrolls the campaign's targets not enrolled yet, each with its workflow; answers how many. */
async function enroll(trx: Knex, deps: DripDeps, campaign: repo.DripCampaign, platform: Platform): Promise<number> {
  const now = new Date();
  const first = campaign.steps[0];
  if (!first) return 0;
  const targets = await resolveTargets(trx, campaign, platform);
  const enrolled = await repo.insertEnrollments(trx, campaign.id, targets.map((t) => ({ ...t, nextSendAt: stepDueAt(now, first.delay_minutes, campaign.sendWindow) })));
  const owner = { userId: campaign.userId, accountId: campaign.accountId };
  for (const enrollment of enrolled) {
    const input: DripEnrollmentInput = { enrollmentId: enrollment.id, sessionTaskQueue: accountTaskQueue(campaign.accountId, deps.sessionShards) };
    await enqueueWorkflowStart(trx, deps.namespace, {
      workflowId: dripEnrollmentWorkflowId(campaign.id, enrollment.targetKey),
      workflowType: DRIP_ENROLLMENT_WORKFLOW,
      taskQueue: MAIN_TASK_QUEUE,
      args: [input],
      memo: { ...owner, dripCampaignId: campaign.id, targetKey: enrollment.targetKey },
      searchAttributes: storedSearchAttributes('drip', owner),
    });
  }
  return enrolled.length;
}

const liveIds = (campaign: repo.DripCampaign, enrollments: repo.Enrollment[]) =>
  enrollments.filter((e) => e.status === 'active' || e.status === 'paused').map((e) => dripEnrollmentWorkflowId(campaign.id, e.targetKey));

async function platformOf(db: Knex, accountId: string): Promise<Platform> {
  const row = await db('accounts').where({ id: accountId }).first<{ platform: Platform }>('platform');
  return row.platform;
}

/**
 * Starts a draft campaign (every target enrolled, its first step due after its delay and in the
 * send window) or resumes a paused one (each enrollment keeps the delay it had left).
 * @throws NotFoundError; ConflictError for an active campaign.
 */
export async function startDrip(deps: DripDeps, scope: Scope, id: string): Promise<repo.DripCampaign> {
  const { campaign, wake } = await deps.db.transaction(async (trx) => {
    const current = await visibleDrip(trx, scope, id, { forUpdate: true });
    if (current.status === 'active') throw new ConflictError('the campaign is active already');
    const wasPaused = current.status === 'paused';
    const started = await repo.updateCampaign(trx, current.id, { status: 'active' });
    if (!wasPaused) {
      await enroll(trx, deps, started, await platformOf(trx, started.accountId));
      return { campaign: started, wake: [] };
    }
    const enrollments = await repo.listEnrollments(trx, started.id);
    for (const e of enrollments.filter((x) => x.status === 'paused')) {
      await repo.updateEnrollment(trx, e.id, { status: 'active', nextSendAt: new Date(Date.now() + (e.remainingMs ?? 0)), remainingMs: null });
    }
    return { campaign: started, wake: liveIds(started, enrollments) };
  });
  await deps.wake(wake);
  return campaign;
}

/** Pauses an active campaign: each enrollment keeps the delay left to its next step. @throws NotFoundError; ConflictError unless active. */
export async function pauseDrip(deps: DripDeps, scope: Scope, id: string): Promise<repo.DripCampaign> {
  const { campaign, wake } = await deps.db.transaction(async (trx) => {
    const current = await visibleDrip(trx, scope, id, { forUpdate: true });
    if (current.status !== 'active') throw new ConflictError(`the campaign is ${current.status}, not active`);
    const paused = await repo.updateCampaign(trx, current.id, { status: 'paused' });
    const enrollments = await repo.listEnrollments(trx, paused.id);
    for (const e of enrollments.filter((x) => x.status === 'active')) {
      const remainingMs = e.nextSendAt ? Math.max(0, e.nextSendAt.getTime() - Date.now()) : 0;
      await repo.updateEnrollment(trx, e.id, { status: 'paused', remainingMs });
    }
    return { campaign: paused, wake: liveIds(paused, enrollments) };
  });
  await deps.wake(wake);
  return campaign;
}

/**
 * Changes a campaign: its name, steps (applied to the steps not yet sent: each live enrollment's
 * next step is due after its new delay, counted from the previous send), send window, stop on
 * reply and targets (on a started campaign, new targets enroll and removed ones are cancelled).
 * A removed target added again is not enrolled again. @throws NotFoundError; BadRequestError.
 */
export async function changeDrip(deps: DripDeps, scope: Scope, id: string, change: Partial<Omit<DripFields, 'accountId'>>): Promise<repo.DripCampaign> {
  if (change.steps) await assertTemplates(deps.db, scope, change.steps);
  const { campaign, wake } = await deps.db.transaction(async (trx) => {
    const current = await visibleDrip(trx, scope, id, { forUpdate: true });
    const changed = await repo.updateCampaign(trx, current.id, change);
    if (changed.status === 'draft') return { campaign: changed, wake: [] };
    const platform = await platformOf(trx, changed.accountId);
    if (change.targets) {
      const wanted = new Set((await resolveTargets(trx, changed, platform)).map((t) => t.targetKey));
      for (const e of await repo.listEnrollments(trx, changed.id)) {
        if (!wanted.has(e.targetKey) && (e.status === 'active' || e.status === 'paused')) {
          await repo.updateEnrollment(trx, e.id, { status: 'cancelled', stopReason: 'removed from the targets' });
        }
      }
      await enroll(trx, deps, changed, platform);
    }
    const enrollments = await repo.listEnrollments(trx, changed.id);
    if (change.steps || change.sendWindow !== undefined) {
      for (const e of enrollments.filter((x) => x.status === 'active')) {
        const step = changed.steps[e.nextStep];
        await repo.updateEnrollment(trx, e.id, step ? { nextSendAt: stepDueAt(e.stepBaseAt, step.delay_minutes, changed.sendWindow) } : { status: 'completed', nextSendAt: null });
      }
    }
    return { campaign: changed, wake: enrollments.map((e) => dripEnrollmentWorkflowId(changed.id, e.targetKey)) };
  });
  await deps.wake(wake);
  return campaign;
}

/** Deletes a campaign: every enrollment ends (its workflow finds it gone). @throws NotFoundError. */
export async function removeDrip(deps: DripDeps, scope: Scope, id: string): Promise<string> {
  const campaign = await visibleDrip(deps.db, scope, id);
  const enrollments = await repo.listEnrollments(deps.db, campaign.id);
  if (!(await repo.deleteCampaign(deps.db, own(scope), campaign.id))) throw new NotFoundError('drip campaign not found');
  await deps.wake(liveIds(campaign, enrollments));
  return campaign.id;
}

/** One target's progress: where its enrollment stands and each step's outcome so far. */
export interface EnrollmentProgress extends repo.Enrollment {
  steps: Array<{ step: number; status: 'pending' | 'sent' | 'failed'; sentAt: Date | null; error: string | null }>;
}

/** A campaign's enrollments with each step's outcome (from the ledger). */
export async function dripProgress(db: Knex, campaign: repo.DripCampaign): Promise<EnrollmentProgress[]> {
  const enrollments = await repo.listEnrollments(db, campaign.id);
  const rows = await db('send_runs as r')
    .join('deliveries as d', 'd.run_id', 'r.id')
    .where({ 'r.account_id': campaign.accountId, 'r.origin': 'drip' })
    .whereLike('r.business_key', `drip:${campaign.id}:%`)
    .select<{ business_key: string; status: 'pending' | 'sent' | 'failed'; sent_at: Date | null; error: string | null }[]>('r.business_key', 'd.status', 'd.sent_at', 'd.error');
  const outcomes = new Map(rows.map((r) => [r.business_key, r]));
  return enrollments.map((e) => ({
    ...e,
    steps: campaign.steps.flatMap((_, step) => {
      const o = outcomes.get(stepKey(campaign.id, e.targetKey, step));
      return o ? [{ step, status: o.status, sentAt: o.sent_at, error: o.error }] : [];
    }),
  }));
}

/** What an enrollment's workflow does next. */
export type NextDripStep = { kind: 'done' } | { kind: 'paused' } | { kind: 'wait'; until: string } | { kind: 'send'; step: number };

/** Where enrollment `enrollmentId` stands now (the system's read, for its workflow). */
export async function nextDripStep(db: Knex, enrollmentId: number): Promise<NextDripStep> {
  return db.transaction(async (trx) => {
    const e = await repo.findEnrollment(trx, enrollmentId, { forUpdate: true });
    const campaign = e && (await repo.findAnyCampaign(trx, e.campaignId));
    if (!e || !campaign || !['active', 'paused'].includes(e.status)) return { kind: 'done' };
    if (e.status === 'paused') return { kind: 'paused' };
    if (e.nextStep >= campaign.steps.length) {
      await repo.updateEnrollment(trx, e.id, { status: 'completed', nextSendAt: null });
      return { kind: 'done' };
    }
    if (e.nextSendAt && e.nextSendAt.getTime() > Date.now()) return { kind: 'wait', until: e.nextSendAt.toISOString() };
    return { kind: 'send', step: e.nextStep };
  });
}

/**
 * Enqueues step `step` of enrollment `enrollmentId` once it is due and the enrollment still at
 * it, and moves the enrollment on to its next step; answers the step's send run with its pending
 * targets (none when the step was not due, or was sent already).
 */
export async function enqueueDripStep(db: Knex, enrollmentId: number, step: number): Promise<Array<{ runId: string; targetKeys: string[] }>> {
  return db.transaction(async (trx) => {
    const e = await repo.findEnrollment(trx, enrollmentId, { forUpdate: true });
    const campaign = e && (await repo.findAnyCampaign(trx, e.campaignId));
    if (!e || !campaign) return [];
    const key = stepKey(campaign.id, e.targetKey, step);
    const due = e.status === 'active' && e.nextStep === step && (!e.nextSendAt || e.nextSendAt.getTime() <= Date.now());
    if (due) {
      const content = campaign.steps[step]!;
      const template = content.template_id ? await findTemplate(trx, content.template_id, { userId: campaign.userId, admin: false }) : undefined;
      const text = template?.content ?? content.message ?? '';
      await enqueueSendRun(trx, {
        userId: campaign.userId,
        accountId: campaign.accountId,
        origin: 'drip',
        businessKey: key,
        messages: [{ targetKey: e.targetKey, text, fromTemplate: template !== undefined }],
      });
      const now = new Date();
      const next = campaign.steps[step + 1];
      await repo.updateEnrollment(trx, e.id, {
        nextStep: step + 1,
        stepBaseAt: now,
        nextSendAt: next ? stepDueAt(now, next.delay_minutes, campaign.sendWindow) : null,
        ...(next ? {} : { status: 'completed' as const }),
      });
    }
    return listPendingTargets(trx, campaign.accountId, key);
  });
}

/** Closes a step's send run and records `drip.step_sent` (and `drip.completed` after the last step). */
export async function finishDripStep(db: Knex, enrollmentId: number, step: number, runId: string, status: SendRunStatus, error?: string): Promise<void> {
  await db.transaction(async (trx) => {
    const counts = await finishSendRun(trx, runId, status, error);
    const e = await repo.findEnrollment(trx, enrollmentId);
    const campaign = e && (await repo.findAnyCampaign(trx, e.campaignId));
    if (!counts || !e || !campaign) return;
    const data = { campaign_id: campaign.id, target_key: e.targetKey, step, sent: counts.sent > 0, send_run_id: runId };
    if (counts.sent > 0) await emitEvent(trx, { accountId: campaign.accountId, type: 'drip.step_sent', data });
    if (step === campaign.steps.length - 1) await emitEvent(trx, { accountId: campaign.accountId, type: 'drip.completed', data });
  });
}
