import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import { updateAccountStatus } from '../db/repos/accounts.repo';
import * as broadcasts from '../db/repos/broadcasts.repo';
import { insertEvent } from '../db/repos/events.repo';
import type { SessionPool } from '../platforms/session-pool';
import { PlatformError } from '../platforms/types';
import { FailureTypes } from '../workflows/shared';

export interface SessionActivityDeps {
  db: Knex;
  pool: SessionPool;
}

export interface DeliveryOutcome {
  status: 'sent' | 'failed';
  error?: string;
}

/** Activities that use a live platform session (task queues `sessions-<shard>`). */
export function createSessionActivities({ db, pool }: SessionActivityDeps) {
  return {
    /**
     * Sends a run's message to one target, guarded by the delivery ledger: a target already
     * settled is not sent again, and the ledger's client message id lets the platform drop a
     * repeat of a send whose result was lost in a crash.
     */
    async deliverMessage(input: { runId: string; targetKey: string }): Promise<DeliveryOutcome> {
      const delivery = await broadcasts.findDelivery(db, input.runId, input.targetKey);
      if (!delivery) {
        throw ApplicationFailure.nonRetryable(`no ledger row for ${input.targetKey}`, FailureTypes.DeliveryNotFound);
      }
      if (delivery.status !== 'pending') return { status: delivery.status, error: delivery.error ?? undefined };
      try {
        const sent = await pool.use(delivery.accountId, (session) =>
          session.sendMessage({ targetKey: input.targetKey, text: delivery.message, clientMessageId: delivery.clientMessageId }),
        );
        await broadcasts.markDeliverySent(db, input.runId, input.targetKey, {
          platformMessageId: sent.messageId,
          sentAt: sent.sentAt,
        });
        return { status: 'sent' };
      } catch (err) {
        if (!(err instanceof PlatformError)) throw err;
        return settleFailure(db, delivery, err);
      }
    },
  };
}

/** Turns a platform failure into a retry, a failed target, or the end of the account's runs. */
async function settleFailure(db: Knex, delivery: broadcasts.Delivery, err: PlatformError): Promise<DeliveryOutcome> {
  switch (err.kind) {
    case 'rate_limited':
      throw ApplicationFailure.create({
        type: FailureTypes.RateLimited,
        message: err.message,
        nextRetryDelay: `${err.retryAfterSeconds ?? 1}s`,
      });
    case 'forbidden':
    case 'not_found':
    case 'invalid':
      await broadcasts.markDeliveryFailed(db, delivery.runId, delivery.targetKey, err.message);
      return { status: 'failed', error: err.message };
    case 'restricted':
      await updateAccountStatus(db, delivery.accountId, 'restricted');
      await recordAccountEvent(db, delivery.accountId, 'account.restricted', err.message);
      throw ApplicationFailure.nonRetryable(`account restricted by the platform: ${err.message}`, FailureTypes.AccountRestricted);
    case 'auth_revoked':
      await updateAccountStatus(db, delivery.accountId, 'disconnected');
      await recordAccountEvent(db, delivery.accountId, 'account.disconnected', err.message);
      throw ApplicationFailure.nonRetryable(`account session revoked, log in again: ${err.message}`, FailureTypes.AuthRevoked);
    case 'transient':
      throw err;
  }
}

async function recordAccountEvent(db: Knex, accountId: string, type: string, reason: string): Promise<void> {
  const account = await db('accounts').where({ id: accountId }).first<{ user_id: string } | undefined>('user_id');
  await insertEvent(db, { userId: account?.user_id ?? null, accountId, type, data: { reason } });
}

export type SessionActivities = ReturnType<typeof createSessionActivities>;
