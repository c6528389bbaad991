import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import { updateAccountStatus } from '../db/repos/accounts.repo';
import { insertEvent } from '../db/repos/events.repo';
import { isUsernameTaken } from '../platforms/telegram/errors';
import { PlatformError } from '../platforms/types';
import { PlatformFailureTypes } from '../workflows/scan.shared';

/**
 * Rethrows a failure of a scan or profile activity in the form Temporal retries by:
 * a `PlatformError` becomes an `ApplicationFailure` named after its kind — non-retryable for
 * invalid input, unknown or forbidden chats, a taken username and unusable accounts (whose
 * status is updated, as a broadcast run does); a rate limit is retried after the platform's
 * wait when `retryRateLimits`, else fails at once so a waiting caller hears 429. Connection
 * trouble and anything else is rethrown as is and retried.
 */
export async function rethrowPlatformFailure(
  err: unknown,
  context: { db: Knex; accountId: string; retryRateLimits: boolean },
): Promise<never> {
  if (!(err instanceof PlatformError)) throw err;
  const types = PlatformFailureTypes;
  switch (err.kind) {
    case 'rate_limited': {
      const seconds = err.retryAfterSeconds ?? 1;
      if (!context.retryRateLimits) {
        throw ApplicationFailure.create({ type: types.RateLimited, message: err.message, nonRetryable: true, details: [seconds] });
      }
      throw ApplicationFailure.create({ type: types.RateLimited, message: err.message, nextRetryDelay: `${seconds}s` });
    }
    case 'invalid':
      throw ApplicationFailure.nonRetryable(err.message, isUsernameTaken(err) ? types.UsernameTaken : types.Invalid);
    case 'not_found':
      throw ApplicationFailure.nonRetryable(err.message, types.NotFound);
    case 'forbidden':
      throw ApplicationFailure.nonRetryable(err.message, types.Forbidden);
    case 'restricted':
      await markAccount(context.db, context.accountId, 'restricted', err.message);
      throw ApplicationFailure.nonRetryable(`account restricted by the platform: ${err.message}`, types.AccountRestricted);
    case 'auth_revoked':
      await markAccount(context.db, context.accountId, 'disconnected', err.message);
      throw ApplicationFailure.nonRetryable(`account session revoked, log in again: ${err.message}`, types.AuthRevoked);
    case 'transient':
      throw err;
  }
}

async function markAccount(db: Knex, accountId: string, status: 'restricted' | 'disconnected', reason: string): Promise<void> {
  await updateAccountStatus(db, accountId, status);
  const account = await db('accounts').where({ id: accountId }).first<{ user_id: string } | undefined>('user_id');
  await insertEvent(db, { userId: account?.user_id ?? null, accountId, type: `account.${status}`, data: { reason } });
}
