import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { updateAccountStatus } from '../db/repos/accounts.repo';
import * as broadcasts from '../db/repos/broadcasts.repo';
import { insertEvent } from '../db/repos/events.repo';
import { pauseSends, reserveSendSlot } from '../db/repos/pacing.repo';
import { renderTemplate, timeValues, usesTargetVariables } from '../domain/templates';
import type { SessionPool } from '../platforms/session-pool';
import { PlatformError, type PlatformSession } from '../platforms/types';
import { FailureTypes } from '../workflows/shared';

export interface SessionActivityDeps {
  db: Knex;
  pool: SessionPool;
  /**
   * Longest wait (pacing slot or FloodWait) spent inside the activity; a longer one is handed back
   * to the workflow as a durable timer.
   */
  maxInlineWaitMs?: number;
}

/** How one target of a run ended. */
export interface DeliveryOutcome {
  targetKey: string;
  status: 'sent' | 'failed';
  error?: string;
}

/** What a `deliverMessages` call settled, what is left, and until when the rest must wait. */
export interface DeliveryBatchResult {
  outcomes: DeliveryOutcome[];
  remaining: string[];
  /** ISO time before which the remaining targets may not be sent. */
  deferUntil?: string;
}

/** Activities that use a live platform session (task queues `sessions-<shard>`). */
export function createSessionActivities({ db, pool, maxInlineWaitMs = 10_000 }: SessionActivityDeps) {
  return {
    /**
     * Sends a run's message to `targetKeys` in order, each through the account's send budget and
     * guarded by the delivery ledger: a settled target is never sent again, and the ledger's client
     * message id lets the platform drop the repeat of a send whose result a crash lost. Heartbeats
     * after every target, so a cancelled run stops between two sends.
     */
    async deliverMessages(input: { runId: string; targetKeys: string[] }): Promise<DeliveryBatchResult> {
      const ctx = Context.current();
      const outcomes: DeliveryOutcome[] = [];
      for (let i = 0; i < input.targetKeys.length; i++) {
        ctx.heartbeat({ settled: outcomes.length });
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        const targetKey = input.targetKeys[i]!;
        const delivery = await broadcasts.findDelivery(db, input.runId, targetKey);
        if (!delivery) {
          throw ApplicationFailure.nonRetryable(`no ledger row for ${targetKey}`, FailureTypes.DeliveryNotFound);
        }
        if (delivery.status !== 'pending') {
          outcomes.push({ targetKey, status: delivery.status, error: delivery.error ?? undefined });
          continue;
        }
        assertAccountMaySend(delivery);

        const slot = await reserveSendSlot(db, delivery.accountId);
        const wait = slot.getTime() - Date.now();
        if (wait > maxInlineWaitMs) return { outcomes, remaining: input.targetKeys.slice(i), deferUntil: slot.toISOString() };
        if (wait > 0) await ctx.sleep(wait);

        try {
          await pool.use(delivery.accountId, async (session) => {
            const text = await messageFor(delivery, session);
            const sent = await session.sendMessage({ targetKey, text, clientMessageId: delivery.clientMessageId });
            await broadcasts.markDeliverySent(db, input.runId, targetKey, { platformMessageId: sent.messageId, sentAt: sent.sentAt });
          });
          outcomes.push({ targetKey, status: 'sent' });
        } catch (err) {
          if (!(err instanceof PlatformError)) throw err;
          if (err.kind === 'rate_limited') {
            const seconds = err.retryAfterSeconds ?? 1;
            const until = new Date(Date.now() + seconds * 1000);
            await pauseSends(db, delivery.accountId, until);
            if (seconds * 1000 > maxInlineWaitMs) return { outcomes, remaining: input.targetKeys.slice(i), deferUntil: until.toISOString() };
            i--; // the same target again, once the pause has passed
            continue;
          }
          outcomes.push(await settleFailure(db, delivery, err));
        }
      }
      return { outcomes, remaining: [] };
    },
  };
}

/** A run stops sending as soon as its account may not send any more. */
function assertAccountMaySend(delivery: broadcasts.Delivery): void {
  if (delivery.accountStatus === 'restricted') {
    throw ApplicationFailure.nonRetryable('account restricted by the platform (PEER_FLOOD)', FailureTypes.AccountRestricted);
  }
  if (delivery.accountStatus !== 'connected') {
    throw ApplicationFailure.nonRetryable(`account is ${delivery.accountStatus}; log in again`, FailureTypes.AuthRevoked);
  }
}

/** The text for one target: a template's variables rendered for it, a plain message as written. */
async function messageFor(delivery: broadcasts.Delivery, session: PlatformSession): Promise<string> {
  if (!delivery.fromTemplate) return delivery.message;
  const target = usesTargetVariables(delivery.message) ? await session.resolveTarget(delivery.targetKey) : undefined;
  return renderTemplate(delivery.message, {
    name: target?.title ?? '',
    username: target?.username ? `@${target.username}` : '',
    account: delivery.accountName,
    ...timeValues(new Date()),
  });
}

/** Fails one target for good, or ends the account's runs when the account itself may not send. */
async function settleFailure(db: Knex, delivery: broadcasts.Delivery, err: PlatformError): Promise<DeliveryOutcome> {
  switch (err.kind) {
    case 'forbidden':
    case 'not_found':
    case 'invalid':
      await broadcasts.markDeliveryFailed(db, delivery.runId, delivery.targetKey, err.message);
      return { targetKey: delivery.targetKey, status: 'failed', error: err.message };
    case 'restricted':
      await updateAccountStatus(db, delivery.accountId, 'restricted');
      await recordAccountEvent(db, delivery.accountId, 'account.restricted', err.message);
      throw ApplicationFailure.nonRetryable(`account restricted by the platform: ${err.message}`, FailureTypes.AccountRestricted);
    case 'auth_revoked':
      await updateAccountStatus(db, delivery.accountId, 'disconnected');
      await recordAccountEvent(db, delivery.accountId, 'account.disconnected', err.message);
      throw ApplicationFailure.nonRetryable(`account session revoked, log in again: ${err.message}`, FailureTypes.AuthRevoked);
    case 'rate_limited':
    case 'transient':
      throw err;
  }
}

async function recordAccountEvent(db: Knex, accountId: string, type: string, reason: string): Promise<void> {
  const account = await db('accounts').where({ id: accountId }).first<{ user_id: string } | undefined>('user_id');
  await insertEvent(db, { userId: account?.user_id ?? null, accountId, type, data: { reason } });
}

export type SessionActivities = ReturnType<typeof createSessionActivities>;
