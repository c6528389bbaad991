import type { Knex } from 'knex';
import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import { timingSafeEqual } from 'node:crypto';
import { findLiveSession, type BrowserSession } from '../../db/repos/browser-sessions.repo';
import { findActiveKeyOwner, touchApiKey, type KeyOwner } from '../../db/repos/users.repo';
import { hashApiKey } from '../../domain/api-keys';
import { CSRF_HEADER, hashSessionToken, isUnsafeMethod, SESSION_COOKIE } from '../../domain/browser-sessions';
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
  /** Set when the credential is a browser session's cookie rather than a key. */
  session?: BrowserSession;
}

/** The 403 of an unsafe request of a browser session without its CSRF token. */
export const CSRF_REFUSAL = 'missing or invalid X-CSRF-Token: a browser session must repeat in this header the csrf_token that POST /api/session answered';

/**
 * Authenticates requests by API key or browser session cookie, remembering recently seen ones for
 * `ttlMs` so the hot path needs no query. A revocation or a sign-out clears the memory at once in
 * this process (`forget`), and in every other API process through the `autohub_api_keys`
 * notification, so a revoked key or ended session fails from the next request on; the TTL bounds
 * staleness should a notification ever be missed.
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
   * A key, else a browser session's cookie. No credential → 401 `unauthorized`; an unknown or
   * revoked key, or an ended session → 401 `Invalid or missing API key`. A session's request of an
   * unsafe method without its CSRF token in `X-CSRF-Token` → 403: a key is never sent by a browser
   * on its own, but a cookie is.
   */
  async authenticate(ctx: ParameterizedContext<ApiState>): Promise<Caller> {
    const key = presentedKey(ctx);
    const cookie = key ? undefined : ctx.cookies.get(SESSION_COOKIE);
    if (!key && !cookie) throw new UnauthorizedError('unauthorized');
    const entry = key ? await this.keyOwner(key) : await this.sessionOwner(cookie!);
    if (!entry) throw new UnauthorizedError('Invalid or missing API key');
    if (entry.session && isUnsafeMethod(ctx.method) && !sameSecret(ctx.get(CSRF_HEADER), entry.session.csrfToken)) {
      throw new ForbiddenError(CSRF_REFUSAL);
    }
    const now = Date.now();
    if (now - entry.touchedAt > TOUCH_INTERVAL_MS) {
      entry.touchedAt = now;
      touchApiKey(this.db, entry.owner.keyId).catch((err) => this.logger.warn({ err }, 'last_used_at not recorded'));
    }
    const { user, keyId, rateLimitPerMinute } = entry.owner;
    const caller: Caller = {
      user,
      keyId,
      rateLimitPerMinute,
      scope: { userId: user.id, admin: user.role === 'admin' },
      session: entry.session,
    };
    ctx.state.caller = caller;
    return caller;
  }

  private async keyOwner(key: string): Promise<CachedOwner | undefined> {
    const hash = hashApiKey(key);
    return this.cache.get(hash, async () => {
      const owner = await findActiveKeyOwner(this.db, hash);
      return owner && { owner, touchedAt: owner.lastUsedAt?.getTime() ?? 0 };
    });
  }

  /** The session of a cookie's token; remembered like a key, but never past its expiry. */
  private async sessionOwner(token: string): Promise<CachedOwner | undefined> {
    const hash = hashSessionToken(token);
    const entry = await this.cache.get(`session:${hash}`, async () => {
      const found = await findLiveSession(this.db, hash);
      return found && { owner: found.owner, touchedAt: found.owner.lastUsedAt?.getTime() ?? 0, session: found.session };
    });
    return entry && entry.session!.expiresAt.getTime() > Date.now() ? entry : undefined;
  }

  /** Forgets every remembered key and session; the next request of each is checked against the database. */
  forget(): void {
    this.cache.clear();
  }
}

export function requireAdmin(caller: Caller): void {
  if (caller.user.role !== 'admin') throw new ForbiddenError();
}

/** Whether a presented secret equals the expected one, compared in constant time. */
function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
