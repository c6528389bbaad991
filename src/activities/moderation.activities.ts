/**
 * The activity that carries out a moderation action logged `pending` — one the inbound pipeline
 * decided (delete a message, mute or ban a member), or the lifting of a ban — on the account's
 * live session. The log line
 * gets its result once: `done`; `unsupported` when the platform has no such action (a mute on
 * WhatsApp: the message is deleted by its own action, the mute is only logged); `failed` with the
 * platform's reason when it refused (not an admin: `forbidden`), never retried. Connection trouble
 * and rate limits are retried.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import { emitEvent } from '../db/repos/events.repo';
import { findAnyModeration, settleAutomationLog, type PendingModeration } from '../db/repos/inbound-events.repo';
import { isModerationUnsupported, isPlatformError, type PlatformSession } from '../domain/platform-port';
import type { SessionPool } from '../platforms/session-pool';
import { FailureTypes } from '../workflows/shared';

export interface ModerationActivityDeps {
  db: Knex;
  pool: SessionPool;
}

/** How carrying out a moderation action ended. */
interface ActionOutcome {
  result: 'done' | 'unsupported' | 'failed';
  error?: string;
}

/** What `moderate` answers: the action's outcome, or `gone` when it had its result already (or was deleted with its account). */
export type ModerationOutcome = ActionOutcome | { result: 'gone' };

async function perform(session: PlatformSession, action: PendingModeration): Promise<void> {
  const { chatKey, platformUserId, details } = action;
  if (action.action === 'delete') {
    if (details.messageId === undefined) throw ApplicationFailure.nonRetryable(`delete ${action.logId} names no message`, FailureTypes.Invalid);
    return session.deleteMessage({ chatKey, messageId: details.messageId });
  }
  if (platformUserId === null) throw ApplicationFailure.nonRetryable(`${action.action} ${action.logId} names no member`, FailureTypes.Invalid);
  const member = { chatKey, userId: platformUserId };
  if (action.action === 'mute') {
    await session.restrictMember({ ...member, until: details.until ? new Date(details.until) : null });
    return;
  }
  if (action.action === 'ban') return session.banMember(member);
  // Lifting a ban lifts a mute too: the member is as free as before anti-spam acted.
  await session.unbanMember(member);
  await session.unrestrictMember(member).catch((err: unknown) => {
    if (!isModerationUnsupported(err)) throw err;
  });
}

export function createModerationActivities(deps: ModerationActivityDeps) {
  return {
    /** Carries out logged action `logId` (see {@link carryOutModeration}). */
    async moderate(input: { logId: number }): Promise<ModerationOutcome> {
      return carryOutModeration(deps, input.logId);
    },
  };
}

/**
 * Carries out logged action `logId` unless it has its result already, and settles the log line
 * once. Runs as the `moderate` activity, and in the worker itself for the inbound pipeline's first
 * attempt. @throws for connection trouble and rate limits, which are worth another attempt.
 */
export async function carryOutModeration({ db, pool }: ModerationActivityDeps, logId: number): Promise<ModerationOutcome> {
  const action = await findAnyModeration(db, logId);
  if (!action || action.result !== 'pending') return { result: 'gone' };
  let outcome: ActionOutcome;
  try {
    await pool.use(action.accountId, (session) => perform(session, action));
    outcome = { result: 'done' };
  } catch (err) {
    if (isModerationUnsupported(err)) outcome = { result: 'unsupported', error: err.message };
    else if (isPlatformError(err, 'forbidden', 'not_found', 'invalid', 'restricted', 'auth_revoked')) outcome = { result: 'failed', error: `${err.kind}: ${err.message}` };
    else if (isPlatformError(err, 'rate_limited')) {
      throw ApplicationFailure.create({ type: FailureTypes.RateLimited, message: err.message, nextRetryDelay: `${err.retryAfterSeconds ?? 1}s` });
    } else throw err;
  }
  await db.transaction(async (trx) => {
    // A welcome's deletion of the previous one is housekeeping: only anti-spam's actions are events.
    if (!(await settleAutomationLog(trx, action.logId, outcome)) || action.feature !== 'antispam') return;
    await emitEvent(trx, {
      accountId: action.accountId,
      type: 'spam.action',
      data: { action: action.action, chat_key: action.chatKey, user_id: action.platformUserId, result: outcome.result, error: outcome.error ?? null, log_id: action.logId },
    });
  });
  return outcome;
}

export type ModerationActivities = ReturnType<typeof createModerationActivities>;
