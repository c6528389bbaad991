import type { Knex } from 'knex';
import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { HttpConfig } from '../config';
import { TooManyRequestsError } from '../errors';

const WINDOW_SECONDS = 60;

/** Who a request is counted against: its API key, or on a route without one, its client address. */
export type RateLimitSubject = { kind: 'key'; id: string; perMinute: number } | { kind: 'ip'; id: string; perMinute: number };

/**
 * Requests per minute per API key and per client address, counted in PostgreSQL (the unlogged
 * `rate_limits` table) so every API process shares one count. A subject over its limit is then
 * refused from this process's memory until its window ends, sparing the database the requests
 * it refuses; should PostgreSQL fail, each process counts in memory meanwhile.
 */
export class RateLimits {
  /** One limiter per distinct limit: rate-limiter-flexible fixes the points per limiter. */
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly db: Knex,
    private readonly config: HttpConfig,
    private readonly logger: Logger,
  ) {}

  /** The subject of an authenticated request, under its key's own limit or the server's. */
  forKey(keyId: string, ownLimit: number | null): RateLimitSubject {
    return { kind: 'key', id: keyId, perMinute: ownLimit ?? this.config.rateLimitPerKey };
  }

  /** The subject of a request to a route that takes no key: its client's address. */
  forAddress(ip: string): RateLimitSubject {
    return { kind: 'ip', id: ip, perMinute: this.config.rateLimitPerIp };
  }

  /**
   * Counts one request of `subject`, answering the `RateLimit-*` headers on `ctx`.
   * @throws TooManyRequestsError (429, with `Retry-After`) when the subject is over its limit.
   */
  async consume(ctx: ParameterizedContext, subject: RateLimitSubject): Promise<void> {
    if (subject.perMinute === 0) return;
    let res: RateLimiterRes;
    let refused = false;
    try {
      res = await this.limiterFor(subject).consume(subject.id);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      res = err;
      refused = true;
    }
    const resetSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    ctx.set('RateLimit-Policy', `${subject.perMinute};w=${WINDOW_SECONDS}`);
    ctx.set('RateLimit-Limit', String(subject.perMinute));
    ctx.set('RateLimit-Remaining', String(res.remainingPoints));
    ctx.set('RateLimit-Reset', String(resetSeconds));
    if (!refused) return;
    ctx.set('Retry-After', String(resetSeconds));
    const whose = subject.kind === 'key' ? 'this API key' : 'this address';
    throw new TooManyRequestsError(`rate limit exceeded: ${subject.perMinute} requests per minute for ${whose}; retry in ${resetSeconds} s`);
  }

  private limiterFor(subject: RateLimitSubject): RateLimiterAbstract {
    const name = `${subject.kind}:${subject.perMinute}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const points = subject.perMinute;
      limiter = new RateLimiterPostgres({
        storeClient: this.db,
        storeType: 'knex',
        tableName: 'rate_limits',
        tableCreated: true,
        // Counts are kept per subject, whatever its limit: a key whose limit changes keeps its count.
        keyPrefix: subject.kind,
        points,
        duration: WINDOW_SECONDS,
        inMemoryBlockOnConsumed: points,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: subject.kind, points, duration: WINDOW_SECONDS }),
      });
      this.logger.debug({ limiter: name }, 'rate limiter created');
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}
