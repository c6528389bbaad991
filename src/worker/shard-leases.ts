import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { claimShardLeases, releaseShardLeases } from '../db/repos/shard-leases.repo';

/** How long a lease lasts without renewal: a dead worker's shards are taken over within this plus one renewal. */
export const SHARD_LEASE_TTL_MS = 10_000;
/** How often a worker renews its leases and tries to take the free ones. */
export const SHARD_LEASE_RENEW_MS = 2_500;

export interface ShardLeaseOptions {
  db: Knex;
  namespace: string;
  /** This worker's identity, unique among the workers of the namespace. */
  owner: string;
  /** The shards this worker may serve (`WORKER_SHARDS`). */
  candidates: number[];
  /** Starts serving a shard whose lease this worker just took. */
  onAcquired(shard: number): Promise<void>;
  /** Stops serving a shard whose lease this worker no longer holds. */
  onLost(shard: number): Promise<void>;
  logger: Logger;
  /** @default SHARD_LEASE_TTL_MS */
  ttlMs?: number;
  /** @default SHARD_LEASE_RENEW_MS */
  renewEveryMs?: number;
}

/**
 * The session shards this worker serves: those whose lease it holds in PostgreSQL. It renews its
 * leases on a heartbeat and takes free or expired ones, so any number of workers may run and the
 * others stand by. A worker that cannot renew in time (the database is unreachable) stops serving
 * before its leases expire, so two workers never serve one shard: a shard is served only while
 * this worker's last renewal is younger than the lease, less one renewal period of margin.
 *
 * Starting and stopping a shard (`onAcquired`, `onLost`) happen one at a time, in order.
 */
export class ShardLeases {
  private readonly served = new Set<number>();
  private transitions: Promise<void> = Promise.resolve();
  /** `performance.now()` when the last successful renewal began; leases run out from there. */
  private renewedAt = Number.NEGATIVE_INFINITY;
  private renewing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;

  constructor(private readonly options: ShardLeaseOptions) {
    this.ttlMs = options.ttlMs ?? SHARD_LEASE_TTL_MS;
    this.renewEveryMs = options.renewEveryMs ?? SHARD_LEASE_RENEW_MS;
  }

  /** Takes what leases it can and starts serving them; resolves once that first round is done. */
  async start(): Promise<void> {
    this.timer = setInterval(() => {
      this.expireIfStale();
      this.kick();
    }, this.renewEveryMs);
    this.kick();
    await this.renewing;
    await this.transitions;
  }

  /** Renews and tries to take free leases now (another worker just released some). */
  kick(): void {
    if (this.renewing || this.stopped) return;
    this.renewing = this.renew().finally(() => (this.renewing = undefined));
  }

  /** True while this worker holds the shard's lease and serves it. */
  holds(shard: number): boolean {
    return this.served.has(shard) && this.fresh();
  }

  /** True while its renewals come in time for its leases to hold: it serves its shards, or stands by for others'. */
  get current(): boolean {
    return this.fresh();
  }

  /** The shards served now. */
  get shards(): number[] {
    return this.fresh() ? [...this.served].sort((a, b) => a - b) : [];
  }

  /**
   * Stops serving `shard` (its server failed); the next renewal takes it up again while the lease
   * is still this worker's.
   */
  restart(shard: number): Promise<void> {
    return this.enqueue(async () => {
      if (this.served.delete(shard)) await this.lose(shard, 'restarting it');
    });
  }

  /** Stops serving every shard and releases their leases, so standing-by workers take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.renewing;
    const shards = [...this.served];
    await this.apply(new Set());
    await releaseShardLeases(this.options.db, { namespace: this.options.namespace, owner: this.options.owner, shards }).catch((err) =>
      this.options.logger.warn({ err, shards }, 'releasing shard leases failed; they expire by themselves'),
    );
  }

  private fresh(): boolean {
    return performance.now() - this.renewedAt < this.ttlMs - this.renewEveryMs;
  }

  private async renew(): Promise<void> {
    const started = performance.now();
    try {
      const held = await claimShardLeases(this.options.db, {
        namespace: this.options.namespace,
        owner: this.options.owner,
        shards: this.options.candidates,
        ttlMs: this.ttlMs,
      });
      if (this.stopped) return;
      this.renewedAt = started;
      await this.apply(new Set(held));
    } catch (err) {
      this.options.logger.warn({ err }, 'renewing shard leases failed');
      this.expireIfStale();
    }
  }

  /** Stops serving everything once the leases may have run out (renewals failing or hanging). */
  private expireIfStale(): void {
    if (this.served.size > 0 && !this.fresh()) void this.apply(new Set());
  }

  /** Brings the served shards in line with `held`. */
  private apply(held: Set<number>): Promise<void> {
    return this.enqueue(async () => {
      for (const shard of [...this.served]) {
        if (held.has(shard) && this.fresh()) continue;
        this.served.delete(shard);
        await this.lose(shard, this.stopped ? 'stopping' : 'lease lost');
      }
      for (const shard of held) {
        if (this.served.has(shard) || this.stopped || !this.fresh()) continue;
        try {
          await this.options.onAcquired(shard);
          this.served.add(shard);
          this.options.logger.info({ shard, owner: this.options.owner }, 'serving session shard');
        } catch (err) {
          // The lease stays this worker's: the next renewal tries again.
          this.options.logger.error({ err, shard }, 'starting to serve a session shard failed');
        }
      }
    });
  }

  private async lose(shard: number, why: string): Promise<void> {
    this.options.logger.info({ shard, owner: this.options.owner, why }, 'no longer serving session shard');
    await this.options.onLost(shard).catch((err) => this.options.logger.error({ err, shard }, 'stopping a session shard failed'));
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.transitions = this.transitions.then(work, work);
    return this.transitions;
  }
}
