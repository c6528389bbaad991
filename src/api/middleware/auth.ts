import type { Knex } from 'knex';
import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import { findActiveKeyOwner, touchApiKey, type KeyOwner } from '../../db/repos/users.repo';
import { hashApiKey } from '../../domain/api-keys';
import { ForbiddenError, UnauthorizedError } from '../../errors';
import type { ApiState, Caller } from '../context';
import { TtlCache } from '../ttl-cache';

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

interface CachedOwner {
  owner: KeyOwner;
  touchedAt: number;
}

/**
 * Authenticates requests by API key, remembering recently seen keys for `ttlMs` so the hot path
 * needs no query. A revocation clears the memory at once in this process (`forget`), and in
 * every other API process through the `autohub_api_keys` notification, so a revoked key fails
 * from the next request on; the TTL bounds staleness should a notification ever be missed.
 */
export class Authenticator {
  private readonly cache: TtlCache<string, CachedOwner>;

  constructor(
    private readonly db: Knex,
    private readonly logger: Logger,
    ttlMs = 30_000,
  ) {
    this.cache = new TtlCache(ttlMs);
  }

  /**
   * No key → 401 `unauthorized`; an unknown or revoked key → 401 `Invalid or missing API key`.
   */
  async authenticate(ctx: ParameterizedContext<ApiState>): Promise<Caller> {
    const key = presentedKey(ctx);
    if (!key) throw new UnauthorizedError('unauthorized');
    const hash = hashApiKey(key);
    const entry = await this.cache.get(hash, async () => {
      const owner = await findActiveKeyOwner(this.db, hash);
      return owner && { owner, touchedAt: owner.lastUsedAt?.getTime() ?? 0 };
    });
    if (!entry) throw new UnauthorizedError('Invalid or missing API key');
    const now = Date.now();
    if (now - entry.touchedAt > TOUCH_INTERVAL_MS) {
      entry.touchedAt = now;
      touchApiKey(this.db, entry.owner.keyId).catch((err) => this.logger.warn({ err }, 'last_used_at not recorded'));
    }
    const { user, keyId, rateLimitPerMinute } = entry.owner;
    const caller: Caller = { user, keyId, rateLimitPerMinute, scope: { userId: user.id, admin: user.role === 'admin' } };
    ctx.state.caller = caller;
    return caller;
  }

  /** Forgets every remembered key; the next request of each is checked against the database. */
  forget(): void {
    this.cache.clear();
  }
}

export function requireAdmin(caller: Caller): void {
  if (caller.user.role !== 'admin') throw new ForbiddenError();
}
