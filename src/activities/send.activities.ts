/**
 * The one activity that sends messages: `deliverMessages`, for every feature (see the send path's
 * design in `src/services/send-runs.ts`). A feature enqueues a send run, then runs this activity
 * on the account's session task queue with the run's id and the target keys still to settle.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { findAnyImageContent } from '../db/repos/images.repo';
import { pauseSends, reserveSlot } from '../db/repos/pacing.repo';
import * as ledger from '../db/repos/send-runs.repo';
import { renderTemplate, timeValues, usesTargetVariables } from '../domain/templates';
import type { SessionPool } from '../platforms/session-pool';
import { isPlatformError, type OutgoingMedia, type ResolvedTarget } from '../domain/platform-port';
import { FailureTypes } from '../workflows/shared';
import { assertAccountMaySend, failsTargetOnly, rethrowPlatformFailure } from './send-failures';
import { waitForSlot, type PacedSendDeps, type SendControl } from './send-pacing';
import { sendPauses, sends } from '../metrics';

export interface SendActivityDeps extends PacedSendDeps {
  db: Knex;
  pool: SessionPool;
}

/** How one target of a send run ended. */
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

/** Why a campaign's message to a contact who opted out is not sent. */
export const OPTED_OUT = 'the contact opted out';

/** The sending activity of the one send path (task queues `sessions-<shard>`). */
export function createSendActivities(deps: SendActivityDeps) {
  return {
    /** Delivers a send run's `targetKeys` (see {@link deliverRun}); the name stays `deliverMessages`, as broadcast histories recorded it. */
    async deliverMessages(input: { runId: string; targetKeys: string[] }): Promise<DeliveryBatchResult> {
      return deliverRun(deps, Context.current(), input);
    },
  };
}

/**
 * The one send path's sending: a send run's messages to `targetKeys` in order, each through the
 * account's send budget and guarded by the delivery ledger — a settled target is never sent
 * again, and the ledger's client message id lets the platform drop the repeat of a send whose
 * result a crash lost. The account's status is read with every slot, so a restricted or
 * logged-out account stops the run before its next send. Heartbeats after every target, so a
 * cancelled run stops between two sends. Runs as the `deliverMessages` activity, and in the
 * worker itself for the inbound pipeline's first attempt (`ctx` then is the worker's control).
 */
export async function deliverRun(
  { db, pool, maxInlineWaitMs = 10_000, draining }: SendActivityDeps,
  ctx: SendControl,
  input: { runId: string; targetKeys: string[] },
): Promise<DeliveryBatchResult> {
  const outcomes: DeliveryOutcome[] = [];
  // The only writer of these rows while it runs: read them once.
  const deliveries = await ledger.findDeliveries(db, input.runId, input.targetKeys);
  // A campaign never messages a contact who opted out, whichever feature's run it is.
  const optedOut = await ledger.findOptedOutTargets(db, input.runId, input.targetKeys);
  // A run's image bytes are read once, when the first send needs them.
  const images = new Map<string, OutgoingMedia>();
  const mediaOf = async (delivery: ledger.Delivery) => {
    if (delivery.imageId === null) return undefined;
    const media = images.get(delivery.imageId) ?? (await findAnyImageContent(db, delivery.imageId));
    if (!media) throw ApplicationFailure.nonRetryable(`image ${delivery.imageId} of run ${input.runId} is gone`, FailureTypes.ImageNotFound);
    images.set(delivery.imageId, media);
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
    const counted = { platform: delivery.platform, origin: delivery.origin };
    if (optedOut.has(targetKey)) {
      await ledger.markDeliveryFailed(db, input.runId, targetKey, OPTED_OUT);
      sends.inc({ ...counted, result: 'failed' });
      outcomes.push({ targetKey, status: 'failed', error: OPTED_OUT });
      continue;
    }
    // The reservation also reads the account's status, so a run stops as soon as it is restricted.
    const slot = await reserveSlot(db, delivery.accountId, delivery.clientMessageId);
    assertAccountMaySend(slot.accountStatus);
    const deferUntil = await waitForSlot(ctx, slot.at, { maxInlineWaitMs, draining, heartbeatDetails: { settled: outcomes.length } });
    if (deferUntil) {
      sendPauses.inc({ platform: delivery.platform, reason: 'budget' });
      return { outcomes, remaining: input.targetKeys.slice(i), deferUntil: deferUntil.toISOString() };
    }

    try {
      await pool.use(delivery.accountId, async (session) => {
        const target = delivery.fromTemplate && usesTargetVariables(delivery.message)
          ? await session.resolveTarget(targetKey)
          : undefined;
        const text = messageFor(delivery.message, delivery.fromTemplate, delivery.accountName, target);
        const sent = await session.sendMessage({
          targetKey,
          text,
          clientMessageId: delivery.clientMessageId,
          media: await mediaOf(delivery),
          ...(delivery.replyTo !== null && { replyTo: delivery.replyTo }),
        });
        await ledger.markDeliverySent(db, input.runId, targetKey, { platformMessageId: sent.messageId, sentAt: sent.sentAt });
      });
      sends.inc({ ...counted, result: 'sent' });
      outcomes.push({ targetKey, status: 'sent' });
    } catch (err) {
      if (isPlatformError(err, 'rate_limited')) {
        sendPauses.inc({ platform: delivery.platform, reason: 'flood_wait' });
        const seconds = err.retryAfterSeconds ?? 1;
        const until = new Date(Date.now() + seconds * 1000);
        await pauseSends(db, delivery.accountId, until);
        if (seconds * 1000 > maxInlineWaitMs) return { outcomes, remaining: input.targetKeys.slice(i), deferUntil: until.toISOString() };
        i--; // the same target again, once the pause has passed
        continue;
      }
      if (!failsTargetOnly(err)) return rethrowPlatformFailure(err, { db, accountId: delivery.accountId, retryRateLimits: true });
      await ledger.markDeliveryFailed(db, input.runId, targetKey, err.message);
      sends.inc({ ...counted, result: 'failed' });
      outcomes.push({ targetKey, status: 'failed', error: err.message });
    }
  }
  return { outcomes, remaining: [] };
}

/** The text for one target: a template's variables rendered for it, a plain message as written. */
export function messageFor(content: string, fromTemplate: boolean, accountName: string, target: ResolvedTarget | undefined): string {
  if (!fromTemplate) return content;
  return renderTemplate(content, {
    name: target?.title ?? '',
    username: target?.username ? `@${target.username}` : '',
    account: accountName,
    ...timeValues(new Date()),
  });
}

export type SendActivities = ReturnType<typeof createSendActivities>;
