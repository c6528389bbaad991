import type { Knex } from 'knex';
import type { ParameterizedContext } from 'koa';
import { findActiveKeyOwner, touchApiKey } from '../../db/repos/users.repo';
import { hashApiKey } from '../../domain/api-keys';
import { ForbiddenError, UnauthorizedError } from '../../errors';
import type { ApiState, Caller } from '../context';

/** How often `last_used_at` is written for a busy key: often enough to be useful, rarely enough to be cheap. */
const TOUCH_INTERVAL_MS = 60_000;

/** The key a request presents: `X-API-Key`, `Authorization: Bearer`, or `?api_key=`. */
export function presentedKey(ctx: ParameterizedContext): string | undefined {
  const header = ctx.get('x-api-key');
  if (header) return header.trim();
  const authorization = ctx.get('authorization');
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  if (bearer) return bearer[1]!.trim();
  const query = ctx.query.api_key;
  return typeof query === 'string' && query ? query : undefined;
}

/**
 * Authenticates the request: no key → 401 `unauthorized`; an unknown or revoked key → 401
 * `Invalid or missing API key`. Looked up on every request, so a revoked key fails at once.
 */
export async function authenticate(db: Knex, ctx: ParameterizedContext<ApiState>): Promise<Caller> {
  const key = presentedKey(ctx);
  if (!key) throw new UnauthorizedError('unauthorized');
  const owner = await findActiveKeyOwner(db, hashApiKey(key));
  if (!owner) throw new UnauthorizedError('Invalid or missing API key');
  if (!owner.lastUsedAt || Date.now() - owner.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await touchApiKey(db, owner.keyId);
  }
  const caller: Caller = {
    user: owner.user,
    keyId: owner.keyId,
    scope: { userId: owner.user.id, admin: owner.user.role === 'admin' },
  };
  ctx.state.caller = caller;
  return caller;
}

export function requireAdmin(caller: Caller): void {
  if (caller.user.role !== 'admin') throw new ForbiddenError();
}
