/**
 * Carrying out inbound webhooks' actions, for the workflow of each accepted request, through the
 * same services the API uses: a broadcast's run (`runBroadcast`), the one send path (a send run
 * of origin `webhook`, business key the receipt), the contact CRM (`upsertContact`) and drip
 * campaigns (`changeDrip` adding the contact to the targets). Everything is resolved in the hook
 * owner's scope alone. The action and its outcome on the receipt commit together, under the
 * receipt's lock, so a retried activity finds the receipt settled and does nothing twice; an
 * action the owner's data refuses (a broadcast gone, an account not connected, a body without a
 * target) fails the receipt with the reason rather than being retried.
 */
import type { Knex } from 'knex';
import { findAnyAccount } from '../db/repos/accounts.repo';
import { findContact } from '../db/repos/contacts.repo';
import * as repo from '../db/repos/inbound-webhooks.repo';
import type { Scope } from '../db/repos/scope';
import { finishSendRun, listLedger, listPendingTargets } from '../db/repos/send-runs.repo';
import { ContactInputSchema } from '../domain/contacts';
import { isId } from '../domain/ids';
import { bodyObject, messageToSend, type InboundAction } from '../domain/inbound-webhooks';
import type { Platform } from '../domain/platform-port';
import { accountTaskQueue } from '../domain/sharding';
import { canonicalTargetKeyOrNull } from '../domain/target-keys';
import { BadRequestError, formatZodError, HttpError, NotFoundError } from '../errors';
import { ownConnectedAccount, visibleAccount } from './accounts';
import { runBroadcast, type BroadcastDeps } from './broadcasts';
import { upsertContact } from './contacts';
import { changeDrip, visibleDrip } from './drip-campaigns';
import { enqueueSendRun } from './send-runs';
import { findBroadcast } from '../db/repos/broadcasts.repo';

/** What carrying out actions needs. */
export interface InboundActionDeps {
  db: Knex;
  /** The broadcast use cases' own needs (a run's start goes through the outbox). */
  broadcasts: Omit<BroadcastDeps, 'db'>;
  namespace: string;
  sessionShards: number;
}

/** What the workflow does after the action: nothing more, or deliver its send run on the account's session queue. */
export type InboundActionStep = { kind: 'done' } | { kind: 'send'; runId: string; targetKeys: string[]; sessionTaskQueue: string };

const businessKey = (receiptId: string) => `webhook:${receiptId}`;

/**
 * Checks, when a hook is saved, that its action names resources of `scope`'s user.
 * @throws BadRequestError naming the field.
 */
export async function checkActionResources(db: Knex, scope: Scope, action: InboundAction): Promise<void> {
  const missing = (field: string, what: string) => new BadRequestError(`action.${field}: ${what} not found`);
  if (action.type === 'run_broadcast' && !(await findBroadcast(db, action.broadcast_id, scope))) throw missing('broadcast_id', 'broadcast');
  if (action.type === 'send_message') {
    const account = await visibleAccount(db, scope, action.account_id).catch(() => undefined);
    if (!account) throw missing('account_id', 'account');
    if (action.target_key !== undefined && !canonicalTargetKeyOrNull(account.platform, action.target_key)) {
      throw new BadRequestError(`action.target_key: not a ${account.platform} target key`);
    }
  }
  if (action.type === 'enroll_drip' && !(await visibleDrip(db, scope, action.campaign_id).catch(() => undefined))) throw missing('campaign_id', 'drip campaign');
}

/** What an action did: its result for the receipt, and the send run still to deliver, if any. */
interface ActionOutcome {
  result: Record<string, unknown>;
  send?: { runId: string; accountId: string };
}

/**
 * Carries out the action of receipt `receiptId` once: answers what is left for the workflow (a
 * send run to deliver, for `send_message`). A receipt already settled, or sending, answers what
 * it left; a receipt gone (its hook deleted) is done.
 */
export async function performInboundAction(deps: InboundActionDeps, receiptId: string): Promise<InboundActionStep> {
  const step = await deps.db.transaction(async (trx): Promise<InboundActionStep> => {
    const receipt = await repo.findReceipt(trx, receiptId, { forUpdate: true });
    if (!receipt) return { kind: 'done' };
    if (receipt.status === 'sending') return pendingSend(trx, deps, receipt);
    if (receipt.status !== 'pending') return { kind: 'done' };
    const hook = (await repo.findAnyHook(trx, receipt.hookId))!;
    const payload = await payloadOf(trx, receipt);
    let outcome: ActionOutcome;
    try {
      // A savepoint: an action refused halfway leaves nothing of itself behind.
      outcome = await trx.transaction((inner) => carryOut({ ...deps, db: inner }, { userId: hook.userId, admin: false }, hook.action, receipt.id, payload));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      await repo.updateReceipt(trx, receipt.id, { status: 'failed', error: err.message });
      return { kind: 'done' };
    }
    if (!outcome.send) {
      await repo.updateReceipt(trx, receipt.id, { status: 'succeeded', result: outcome.result });
      return { kind: 'done' };
    }
    await repo.updateReceipt(trx, receipt.id, { status: 'sending', result: outcome.result });
    return pendingSend(trx, deps, { ...receipt, result: outcome.result });
  });
  // Starts the action committed (a broadcast run, a drip enrollment) are carried out now, not at the next sweep.
  deps.broadcasts.outbox.kick();
  return step;
}

/** The send run of a `send_message` receipt still to deliver. */
async function pendingSend(trx: Knex, deps: InboundActionDeps, receipt: repo.Receipt): Promise<InboundActionStep> {
  const accountId = String(receipt.result?.account_id);
  const [run] = await listPendingTargets(trx, accountId, businessKey(receipt.id));
  if (!run) return { kind: 'done' };
  return { kind: 'send', runId: run.runId, targetKeys: run.targetKeys, sessionTaskQueue: accountTaskQueue(accountId, deps.sessionShards) };
}

/** The payload the request carried, as its `inbound.webhook` event holds it. */
async function payloadOf(db: Knex, receipt: repo.Receipt): Promise<unknown> {
  if (!receipt.eventId) return null;
  const row = await db('events').where({ event_id: receipt.eventId }).first<{ data: { payload?: unknown } } | undefined>('data');
  return row?.data.payload ?? null;
}

async function carryOut(deps: InboundActionDeps, scope: Scope, action: InboundAction, receiptId: string, payload: unknown): Promise<ActionOutcome> {
  switch (action.type) {
    case 'run_broadcast': {
      // The run's start is kicked once the receipt commits (see performInboundAction).
      const { outbox: dispatcher } = deps.broadcasts;
      const outbox = { namespace: deps.namespace, carryOut: (id: number) => dispatcher.carryOut(id), kick: () => undefined };
      const run = await runBroadcast({ ...deps.broadcasts, outbox, db: deps.db }, scope, action.broadcast_id);
      return { result: { broadcast_id: run.broadcast.id, workflow_id: run.workflowId, run_number: run.runNumber } };
    }
    case 'send_message': {
      const account = await ownConnectedAccount(deps.db, scope, action.account_id);
      const message = messageToSend(action, payload);
      if (!message.ok) throw new BadRequestError(message.error);
      const targetKey = canonicalTargetKeyOrNull(account.platform, message.targetKey);
      if (!targetKey) throw new BadRequestError(`target_key: ${JSON.stringify(message.targetKey)} is not a ${account.platform} target key`);
      const run = await enqueueSendRun(deps.db, {
        userId: scope.userId,
        accountId: account.id,
        origin: 'webhook',
        businessKey: businessKey(receiptId),
        messages: [{ targetKey, text: message.text }],
      });
      return { result: { account_id: account.id, target_key: targetKey, send_run_id: run.id }, send: { runId: run.id, accountId: account.id } };
    }
    case 'upsert_contact': {
      const { contact, created } = await upsertContact(deps.db, scope, contactInput(payload), action.tags);
      return { result: { contact_id: contact.id, created } };
    }
    case 'enroll_drip':
      return { result: await enrollInDrip(deps, scope, action, payload) };
  }
}

/** The contact the body describes; `opted_out` is ignored, an opt-out being the contact's own to give. */
function contactInput(payload: unknown) {
  const body = bodyObject(payload);
  if (typeof body === 'string') throw new BadRequestError(body);
  const parsed = ContactInputSchema.safeParse(body);
  if (!parsed.success) throw new BadRequestError(formatZodError(parsed.error));
  const { opted_out: _ignored, ...input } = parsed.data;
  return input;
}

/** A contact's key on `platform`, as drip campaigns resolve contacts. */
function contactKey(platform: Platform, c: { username: string | null; telegramId: string | null; whatsappJid: string | null }): string | null {
  if (platform === 'telegram') return c.username ? `@${c.username}` : c.telegramId;
  return c.whatsappJid;
}

async function enrollInDrip(deps: InboundActionDeps, scope: Scope, action: Extract<InboundAction, { type: 'enroll_drip' }>, payload: unknown) {
  const campaign = await visibleDrip(deps.db, scope, action.campaign_id);
  const body = bodyObject(payload);
  if (typeof body === 'string') throw new BadRequestError(body);
  const contactId = body.contact_id;
  const contact =
    contactId === undefined
      ? (await upsertContact(deps.db, scope, contactInput(payload), action.tags)).contact
      : typeof contactId === 'string' && isId(contactId)
        ? await findContact(deps.db, scope, contactId.toLowerCase())
        : undefined;
  if (!contact) throw new NotFoundError('contact_id: contact not found');
  if (contact.optedOut) throw new BadRequestError(`contact ${contact.id} opted out`);
  const platform = (await findAnyAccount(deps.db, campaign.accountId))!.platform;
  const targetKey = contactKey(platform, contact);
  if (!targetKey) throw new BadRequestError(`contact ${contact.id} has no ${platform} key (${platform === 'telegram' ? 'username or telegram_id' : 'whatsapp_jid'})`);
  const already = campaign.targets.includes(contact.id);
  if (!already) {
    // Adding a target changes no existing enrollment: only the new one's start is to carry out (kicked after the commit).
    const dripDeps = { db: deps.db, namespace: deps.namespace, sessionShards: deps.sessionShards, wake: async () => undefined };
    await changeDrip(dripDeps, scope, campaign.id, { targets: [...campaign.targets, contact.id] });
  }
  return { campaign_id: campaign.id, contact_id: contact.id, target_key: targetKey, campaign_status: campaign.status, already_a_target: already };
}

/**
 * Closes the send run of a `send_message` receipt and settles the receipt: succeeded when the
 * message was sent, else failed with the send's error.
 */
export async function finishInboundSend(db: Knex, receiptId: string, runId: string, stopReason?: string): Promise<void> {
  await db.transaction(async (trx) => {
    await finishSendRun(trx, runId, stopReason ? 'failed' : 'completed', stopReason);
    const receipt = await repo.findReceipt(trx, receiptId, { forUpdate: true });
    if (!receipt || receipt.status !== 'sending') return;
    const [delivery] = await listLedger(trx, runId);
    const sent = delivery?.status === 'sent';
    await repo.updateReceipt(trx, receipt.id, {
      status: sent ? 'succeeded' : 'failed',
      result: { ...receipt.result, status: delivery?.status ?? 'failed' },
      error: sent ? null : (delivery?.error ?? stopReason ?? 'not sent'),
    });
  });
}
