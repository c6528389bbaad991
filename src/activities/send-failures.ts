import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import { updateAccountStatus } from '../db/repos/accounts.repo';
import { isUsernameTaken } from '../platforms/telegram/errors';
import { isPlatformError, PERMANENT_TARGET_ERRORS, PlatformError } from '../domain/platform-port';
import { FailureTypes } from '../workflows/shared';

/**
 * True when `err` is a platform error that fails one target only (forbidden, not found,
 * invalid): a send records it on the target's ledger row and goes on with the next target.
 */
export function failsTargetOnly(err: unknown): err is PlatformError {
  return isPlatformError(err, ...PERMANENT_TARGET_ERRORS);
}

/**
 * Rethrows a failure of any activity in the form Temporal retries by — the one mapping of
 * platform errors onto {@link FailureTypes}: a `PlatformError` becomes an `ApplicationFailure`
 * named after its kind — non-retryable for invalid input, unknown or forbidden chats, a taken
 * username and unusable accounts (whose status is updated and an `account.<status>` event
 * recorded); a rate limit is retried after the platform's wait when `retryRateLimits`, else fails
 * at once so a waiting caller hears 429. Connection trouble and anything else is rethrown as is
 * and retried.
 */
export async function rethrowPlatformFailure(
  err: unknown,
  context: { db: Knex; accountId: string; retryRateLimits: boolean },
): Promise<never> {
  if (!(err instanceof PlatformError)) throw err;
  switch (err.kind) {
    case 'rate_limited': {
      const seconds = err.retryAfterSeconds ?? 1;
      if (!context.retryRateLimits) {
        throw ApplicationFailure.create({ type: FailureTypes.RateLimited, message: err.message, nonRetryable: true, details: [seconds] });
      }
      throw ApplicationFailure.create({ type: FailureTypes.RateLimited, message: err.message, nextRetryDelay: `${seconds}s` });
    }
    case 'invalid':
      throw ApplicationFailure.nonRetryable(err.message, isUsernameTaken(err) ? FailureTypes.UsernameTaken : FailureTypes.Invalid);
    case 'not_found':
      throw ApplicationFailure.nonRetryable(err.message, FailureTypes.NotFound);
    case 'forbidden':
      throw ApplicationFailure.nonRetryable(err.message, FailureTypes.Forbidden);
    case 'restricted':
      await markAccount(context.db, context.accountId, 'restricted', err.message);
      throw accountRestricted(`account restricted by the platform: ${err.message}`);
    case 'auth_revoked':
      await markAccount(context.db, context.accountId, 'disconnected', err.message);
      throw authRevoked(`account session revoked, log in again: ${err.message}`);
    case 'transient':
      throw err;
  }
}

/**
 * Throws the failure that stops a send when the account's recorded status (read with its send
 * slot) says it may not send: restricted by the platform, or not connected.
 */
export function assertAccountMaySend(accountStatus: string): void {
  if (accountStatus === 'restricted') throw accountRestricted('account restricted by the platform (PEER_FLOOD)');
  if (accountStatus !== 'connected') throw authRevoked(`account is ${accountStatus}; log in again`);
}

function accountRestricted(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FailureTypes.AccountRestricted);
}

function authRevoked(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FailureTypes.AuthRevoked);
}

async function markAccount(db: Knex, accountId: string, status: 'restricted' | 'disconnected', reason: string): Promise<void> {
  await updateAccountStatus(db, accountId, status, reason);
}
