import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { updateAccountStatus } from '../db/repos/accounts.repo';
import * as broadcasts from '../db/repos/broadcasts.repo';
import { insertEvent } from '../db/repos/events.repo';
import { findAnyImageContent } from '../db/repos/images.repo';
import { pauseSends, reserveSlot } from '../db/repos/pacing.repo';
import { renderTemplate, timeValues, usesTargetVariables } from '../domain/templates';
import type { SessionPool } from '../platforms/session-pool';
import { PlatformError, type OutgoingMedia, type ResolvedTarget } from '../platforms/types';
import { getPacing } from '../db/repos/pacing.repo';
import { estimateDurationMs } from '../domain/pacing';
import { waitForSlot, type PacedSendDeps } from './send-pacing';
import { FailureTypes } from '../workflows/shared';

export interface SessionActivityDeps extends PacedSendDeps {
  db: Knex;
  pool: SessionPool;
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
export function createSessionActivities({ db, pool, maxInlineWaitMs = 10_000, draining }: SessionActivityDeps) {
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
      // This activity is the only writer of these rows while it runs: read them once.
      const deliveries = await broadcasts.findDeliveries(db, input.runId, input.targetKeys);
      // A run sends one image (or none) to every target: read its bytes once, when the first send needs them.
      let media: OutgoingMedia | undefined;
      const mediaOf = async (delivery: broadcasts.Delivery) => {
        if (delivery.imageId === null) return undefined;
        media ??= await findAnyImageContent(db, delivery.imageId);
        if (!media) throw ApplicationFailure.nonRetryable(`image ${delivery.imageId} of run ${input.runId} is gone`, FailureTypes.ImageNotFound);
        return media;
      };
      for (let i = 0; i < input.targetKeys.length; i++) {
        ctx.heartbeat({ settled: outcomes.length });
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        if (draining?.aborted) return { outcomes, remaining: input.targetKeys.slice(i) };
        const targetKey = input.targetKeys[i]!;
        const delivery = deliveries.get(targetKey);
        if (!delivery) {
          throw ApplicationFailure.nonRetryable(`no ledger row for ${targetKey}`, FailureTypes.DeliveryNotFound);
        }
        if (delivery.status !== 'pending') {
          outcomes.push({ targetKey, status: delivery.status, error: delivery.error ?? undefined });
          continue;
        }
        // The reservation also reads the account's status, so a run stops as soon as it is restricted.
        const slot = await reserveSlot(db, delivery.accountId, delivery.clientMessageId);
        assertAccountMaySend(slot.accountStatus);
        const deferUntil = await waitForSlot(ctx, slot.at, { maxInlineWaitMs, draining, heartbeatDetails: { settled: outcomes.length } });
        if (deferUntil) return { outcomes, remaining: input.targetKeys.slice(i), deferUntil: deferUntil.toISOString() };

        try {
          await pool.use(delivery.accountId, async (session) => {
            const target = delivery.fromTemplate && usesTargetVariables(delivery.message)
              ? await session.resolveTarget(targetKey)
              : undefined;
            const text = messageFor(delivery.message, delivery.fromTemplate, delivery.accountName, target);
            const sent = await session.sendMessage({ targetKey, text, clientMessageId: delivery.clientMessageId, media: await mediaOf(delivery) });
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

    /** What a broadcast would do, sending nothing: each target's reach and text, and how long it takes. */
    async inspectBroadcast(input: DryRunInput): Promise<DryRunResult> {
      return pool.use(input.accountId, async (session) => {
        const targets: DryRunTarget[] = [];
        for (const key of input.targetKeys) {
          try {
            const target = await session.resolveTarget(key);
            targets.push({
              target_key: key,
              resolves: true,
              writable: target.writable,
              type: target.type,
              title: target.title,
              members: target.members,
              message: messageFor(input.message, input.fromTemplate, input.accountName, target),
            });
          } catch (err) {
            if (!(err instanceof PlatformError) || err.kind === 'transient' || err.kind === 'rate_limited') throw err;
            targets.push({ target_key: key, resolves: false, writable: false, type: null, title: null, members: null, message: null, error: err.message });
          }
        }
        const pacing = await getPacing(db, input.accountId);
        const sends = targets.filter((t) => t.writable).length;
        const durationMs = pacing ? estimateDurationMs(pacing.limits, pacing.state, new Date(), sends) : 0;
        return { targets, estimated_duration_seconds: Math.round(durationMs / 100) / 10 };
      });
    },
  };
}

/** A broadcast to inspect without sending. */
export interface DryRunInput {
  accountId: string;
  accountName: string;
  targetKeys: string[];
  message: string;
  fromTemplate: boolean;
}

/** One target of a dry run, as the API answers it. */
export interface DryRunTarget {
  target_key: string;
  resolves: boolean;
  writable: boolean;
  type: string | null;
  title: string | null;
  members: number | null;
  message: string | null;
  error?: string;
}

export interface DryRunResult {
  targets: DryRunTarget[];
  estimated_duration_seconds: number;
}

/** A run stops sending as soon as its account may not send any more. */
function assertAccountMaySend(accountStatus: string): void {
  if (accountStatus === 'restricted') {
    throw ApplicationFailure.nonRetryable('account restricted by the platform (PEER_FLOOD)', FailureTypes.AccountRestricted);
  }
  if (accountStatus !== 'connected') {
    throw ApplicationFailure.nonRetryable(`account is ${accountStatus}; log in again`, FailureTypes.AuthRevoked);
  }
}

/** The text for one target: a template's variables rendered for it, a plain message as written. */
function messageFor(content: string, fromTemplate: boolean, accountName: string, target: ResolvedTarget | undefined): string {
  if (!fromTemplate) return content;
  return renderTemplate(content, {
    name: target?.title ?? '',
    username: target?.username ? `@${target.username}` : '',
    account: accountName,
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
