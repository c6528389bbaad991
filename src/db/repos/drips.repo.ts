/** Drip campaigns and their enrollments, the campaign owner's alone. */
import type { Knex } from 'knex';
import type { SendWindow } from '../../domain/send-window';
import type { Scope } from './scope';

/** One step of a campaign: its message (text, or a template of the owner's) and its delay after the previous step. */
export interface DripStep {
  message?: string;
  template_id?: string;
  delay_minutes: number;
}

/** A target as given: a target key, a contact id, or a selector of contacts. */
export type DripTarget = string | { tag: string } | { segment: string };

export type DripStatus = 'draft' | 'active' | 'paused';

export interface DripCampaign {
  id: string;
  userId: string;
  accountId: string;
  name: string;
  steps: DripStep[];
  sendWindow: SendWindow | null;
  stopOnReply: boolean;
  targets: DripTarget[];
  status: DripStatus;
  createdAt: Date;
  updatedAt: Date;
}

interface CampaignRow {
  id: string;
  user_id: string;
  account_id: string;
  name: string;
  steps: DripStep[];
  send_window: SendWindow | null;
  stop_on_reply: boolean;
  targets: DripTarget[];
  status: DripStatus;
  created_at: Date;
  updated_at: Date;
}

const mapCampaign = (r: CampaignRow): DripCampaign => ({
  id: r.id,
  userId: r.user_id,
  accountId: r.account_id,
  name: r.name,
  steps: r.steps,
  sendWindow: r.send_window,
  stopOnReply: r.stop_on_reply,
  targets: r.targets,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type EnrollmentStatus = 'active' | 'paused' | 'completed' | 'stopped' | 'cancelled';

export interface Enrollment {
  id: number;
  campaignId: string;
  targetKey: string;
  contactId: string | null;
  status: EnrollmentStatus;
  nextStep: number;
  nextSendAt: Date | null;
  remainingMs: number | null;
  stepBaseAt: Date;
  stopReason: string | null;
  enrolledAt: Date;
}

interface EnrollmentRow {
  id: string;
  campaign_id: string;
  target_key: string;
  contact_id: string | null;
  status: EnrollmentStatus;
  next_step: number;
  next_send_at: Date | null;
  remaining_ms: string | null;
  step_base_at: Date;
  stop_reason: string | null;
  enrolled_at: Date;
}

const mapEnrollment = (r: EnrollmentRow): Enrollment => ({
  id: Number(r.id),
  campaignId: r.campaign_id,
  targetKey: r.target_key,
  contactId: r.contact_id,
  status: r.status,
  nextStep: r.next_step,
  nextSendAt: r.next_send_at,
  remainingMs: r.remaining_ms === null ? null : Number(r.remaining_ms),
  stepBaseAt: r.step_base_at,
  stopReason: r.stop_reason,
  enrolledAt: r.enrolled_at,
});

const own = (db: Knex, scope: Scope) => db('drip_campaigns').where({ user_id: scope.userId });

export async function insertCampaign(
  db: Knex,
  scope: Scope,
  c: Pick<DripCampaign, 'accountId' | 'name' | 'steps' | 'sendWindow' | 'stopOnReply' | 'targets'>,
): Promise<DripCampaign> {
  const [row] = (await db('drip_campaigns')
    .insert({
      user_id: scope.userId,
      account_id: c.accountId,
      name: c.name,
      steps: JSON.stringify(c.steps),
      send_window: c.sendWindow ? JSON.stringify(c.sendWindow) : null,
      stop_on_reply: c.stopOnReply,
      targets: JSON.stringify(c.targets),
    })
    .returning('*')) as CampaignRow[];
  return mapCampaign(row!);
}

export async function listCampaigns(db: Knex, scope: Scope): Promise<DripCampaign[]> {
  return ((await own(db, scope).orderBy('created_at', 'desc').orderBy('id')) as CampaignRow[]).map(mapCampaign);
}

/** The scope's user's campaign `id` (locked with `forUpdate`), or undefined. */
export async function findCampaign(db: Knex, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<DripCampaign | undefined> {
  const query = own(db, scope).where({ id }).first();
  if (options.forUpdate) query.forUpdate();
  const row = (await query) as CampaignRow | undefined;
  return row && mapCampaign(row);
}

/** Campaign `id` whoever owns it: the system's own read (its workflows' activities). */
export async function findAnyCampaign(db: Knex, id: string): Promise<DripCampaign | undefined> {
  const row = (await db('drip_campaigns').where({ id }).first()) as CampaignRow | undefined;
  return row && mapCampaign(row);
}

export async function updateCampaign(
  trx: Knex,
  id: string,
  change: Partial<Pick<DripCampaign, 'name' | 'steps' | 'sendWindow' | 'stopOnReply' | 'targets' | 'status'>>,
): Promise<DripCampaign> {
  const [row] = (await trx('drip_campaigns')
    .where({ id })
    .update({
      ...(change.name !== undefined && { name: change.name }),
      ...(change.steps !== undefined && { steps: JSON.stringify(change.steps) }),
      ...(change.sendWindow !== undefined && { send_window: change.sendWindow ? JSON.stringify(change.sendWindow) : null }),
      ...(change.stopOnReply !== undefined && { stop_on_reply: change.stopOnReply }),
      ...(change.targets !== undefined && { targets: JSON.stringify(change.targets) }),
      ...(change.status !== undefined && { status: change.status }),
      updated_at: trx.fn.now(),
    })
    .returning('*')) as CampaignRow[];
  return mapCampaign(row!);
}

export async function deleteCampaign(db: Knex, scope: Scope, id: string): Promise<boolean> {
  return (await own(db, scope).where({ id }).delete()) > 0;
}

/** Enrolls targets not enrolled yet; answers the new enrollments. */
export async function insertEnrollments(
  trx: Knex,
  campaignId: string,
  targets: ReadonlyArray<{ targetKey: string; contactId: string | null; nextSendAt: Date }>,
): Promise<Enrollment[]> {
  if (targets.length === 0) return [];
  const rows = (await trx('drip_enrollments')
    .insert(targets.map((t) => ({ campaign_id: campaignId, target_key: t.targetKey, contact_id: t.contactId, status: 'active', next_send_at: t.nextSendAt })))
    .onConflict(['campaign_id', 'target_key'])
    .ignore()
    .returning('*')) as EnrollmentRow[];
  return rows.map(mapEnrollment);
}

export async function listEnrollments(db: Knex, campaignId: string): Promise<Enrollment[]> {
  return ((await db('drip_enrollments').where({ campaign_id: campaignId }).orderBy('id')) as EnrollmentRow[]).map(mapEnrollment);
}

/** Enrollment `id` (locked with `forUpdate`), or undefined. */
export async function findEnrollment(db: Knex, id: number, options: { forUpdate?: boolean } = {}): Promise<Enrollment | undefined> {
  const query = db('drip_enrollments').where({ id }).first();
  if (options.forUpdate) query.forUpdate();
  const row = (await query) as EnrollmentRow | undefined;
  return row && mapEnrollment(row);
}

export async function updateEnrollment(
  trx: Knex,
  id: number,
  change: Partial<Pick<Enrollment, 'status' | 'nextStep' | 'nextSendAt' | 'remainingMs' | 'stepBaseAt' | 'stopReason'>>,
): Promise<void> {
  await trx('drip_enrollments')
    .where({ id })
    .update({
      ...(change.status !== undefined && { status: change.status }),
      ...(change.nextStep !== undefined && { next_step: change.nextStep }),
      ...(change.nextSendAt !== undefined && { next_send_at: change.nextSendAt }),
      ...(change.remainingMs !== undefined && { remaining_ms: change.remainingMs }),
      ...(change.stepBaseAt !== undefined && { step_base_at: change.stepBaseAt }),
      ...(change.stopReason !== undefined && { stop_reason: change.stopReason }),
      updated_at: trx.fn.now(),
    });
}

/**
 * Stops the live enrollments of `targetKey` in the account's campaigns that stop on a reply;
 * answers the stopped enrollments' ids.
 */
export async function stopEnrollmentsOnReply(trx: Knex, accountId: string, targetKey: string): Promise<number[]> {
  const { rows } = await trx.raw<{ rows: Array<{ id: string }> }>(
    `update drip_enrollments e set status = 'stopped', stop_reason = 'the target replied', updated_at = now()
     from drip_campaigns c
     where c.id = e.campaign_id and c.account_id = ? and c.stop_on_reply and e.target_key = ? and e.status in ('active', 'paused')
     returning e.id`,
    [accountId, targetKey],
  );
  return rows.map((r) => Number(r.id));
}
