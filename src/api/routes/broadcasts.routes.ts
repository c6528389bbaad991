import type { Knex } from 'knex';
import { findAccount } from '../../db/repos/accounts.repo';
import * as broadcasts from '../../db/repos/broadcasts.repo';
import { findTemplate } from '../../db/repos/templates.repo';
import { isWellFormedTargetKey, TARGET_KEY_FORMS } from '../../domain/target-keys';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors';
import type { Platform } from '../../platforms/types';
import {
  BROADCAST_RUN_WORKFLOW,
  broadcastRunWorkflowId,
  MAIN_TASK_QUEUE,
  type BroadcastRunInput,
} from '../../workflows/shared';
import type { ApiDeps, Caller } from '../context';
import { idParam, isId, ok, route } from '../route';
import { CreateBroadcastBody, type CreateBroadcast } from './broadcasts.schemas';

/** Broadcasts and their runs. */
export function broadcastRoutes(deps: ApiDeps) {
  const { db, temporal } = deps;

  /** Starts a run of `broadcast` inside `trx`, so a failed start leaves no row behind. */
  const startRun = async (trx: Knex, broadcast: broadcasts.Broadcast) => {
    const runNumber = await broadcasts.reserveRunNumber(trx, broadcast.id);
    const workflowId = broadcastRunWorkflowId(broadcast.id, runNumber);
    const input: BroadcastRunInput = { broadcastId: broadcast.id, runNumber };
    await temporal.workflow.start(BROADCAST_RUN_WORKFLOW, {
      taskQueue: MAIN_TASK_QUEUE,
      workflowId,
      args: [input],
      memo: { userId: broadcast.userId, accountId: broadcast.accountId, broadcastId: broadcast.id },
    });
    return workflowId;
  };

  return [
    route({
      method: 'post',
      path: '/api/v1/broadcast',
      summary: 'Create a broadcast; schedule_type now sends at once',
      tag: 'Broadcasts',
      body: CreateBroadcastBody,
      handler: async ({ body, caller }) => {
        const platform = await validateBroadcast(db, body, caller);
        const { broadcast, workflowId } = await db.transaction(async (trx) => {
          const created = await broadcasts.insertBroadcast(trx, {
            userId: caller.user.id,
            accountId: body.account_id,
            platform,
            name: body.name ?? null,
            scheduleType: body.schedule_type,
            message: body.message ?? null,
            templateId: body.template_id ?? null,
            targetKeys: body.target_keys,
            intervalMinutes: null,
            dailyTime: null,
            timezone: null,
          });
          return { broadcast: created, workflowId: await startRun(trx, created) };
        });
        return ok(
          {
            schedule_id: broadcast.id,
            platform,
            message: `Broadcast triggered for ${platform}.`,
            workflow_id: workflowId,
          },
          201,
        );
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/broadcast/:id',
      summary: 'A broadcast with the status and per-target results of its last run',
      tag: 'Broadcasts',
      handler: async ({ params, caller }) => {
        const broadcast = await broadcasts.findBroadcast(db, idParam(params), caller.scope);
        if (!broadcast) throw new NotFoundError();
        const lastRun = await broadcasts.findLastRun(db, broadcast.id);
        return ok({ broadcast: presentBroadcast(broadcast, lastRun) });
      },
    }),
  ];
}

/** Checks what the schema cannot: ownership, platform, template, target forms. Returns the platform. */
async function validateBroadcast(db: Knex, body: CreateBroadcast, caller: Caller): Promise<Platform> {
  if (body.schedule_type !== 'now') {
    throw new BadRequestError(`schedule_type ${body.schedule_type} is not available yet; use "now"`);
  }
  const own = { ...caller.scope, admin: false };
  const account = isId(body.account_id) ? await findAccount(db, body.account_id, own) : undefined;
  if (!account) throw new NotFoundError('account not found');
  if (body.platform !== 'auto' && body.platform !== account.platform) {
    throw new BadRequestError(`platform ${body.platform} does not match the account's platform ${account.platform}`);
  }
  if (account.status !== 'connected') {
    throw new ConflictError(`account ${account.id} is ${account.status}; it must be connected to send`);
  }
  if (body.template_id !== undefined) {
    const template = isId(body.template_id) ? await findTemplate(db, body.template_id, own) : undefined;
    if (!template) throw new NotFoundError('template not found');
  }
  const malformed = body.target_keys.filter((k) => !isWellFormedTargetKey(account.platform, k));
  if (malformed.length > 0) {
    throw new BadRequestError(
      `target_keys: not ${account.platform} targets: ${malformed.join(', ')} (expected ${TARGET_KEY_FORMS[account.platform]})`,
    );
  }
  return account.platform;
}

function presentBroadcast(b: broadcasts.Broadcast, run: broadcasts.RunView | undefined) {
  return {
    id: b.id,
    name: b.name,
    account_id: b.accountId,
    platform: b.platform,
    schedule_type: b.scheduleType,
    message: b.message,
    template_id: b.templateId,
    target_keys: b.targetKeys,
    enabled: b.enabled,
    created_at: b.createdAt.toISOString(),
    last_run: run
      ? {
          id: run.id,
          run_number: run.runNumber,
          workflow_id: run.workflowId,
          status: run.status,
          sent: run.sent,
          failed: run.failed,
          error: run.error,
          started_at: run.startedAt.toISOString(),
          finished_at: run.finishedAt?.toISOString() ?? null,
          results: run.results.map((r) => ({
            target_key: r.targetKey,
            status: r.status,
            ...(r.error !== null && { error: r.error }),
            ...(r.sentAt !== null && { sent_at: r.sentAt.toISOString() }),
          })),
        }
      : null,
  };
}
