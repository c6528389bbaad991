import { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { createBroadcastActivities } from '../activities/broadcast.activities';
import { createInboundActivities } from '../activities/inbound.activities';
import { createAbTestActivities } from '../activities/ab-test.activities';
import { createDripActivities } from '../activities/drip.activities';
import { createWebhookActivities } from '../activities/webhook.activities';
import { createInboundWebhookActivities } from '../activities/inbound-webhook.activities';
import { inboundRevisit, inboundStages } from '../services/inbound-stages';
import { createLoginActivities, createLoginRecordActivities } from '../activities/login.activities';
import { createProfileActivities } from '../activities/profile.activities';
import { createScanActivities } from '../activities/scan.activities';
import { createScanSessionActivities } from '../activities/scan-session.activities';
import { createSessionActivities } from '../activities/session.activities';
import type { Config } from '../config';
import { Channels, listen } from '../db/notifications';
import { findAnyAccount, listAccountIds } from '../db/repos/accounts.repo';
import { pruneInboundEvents } from '../db/repos/inbound-events.repo';
import { pruneInboundMessages } from '../db/repos/inbound-messages.repo';
import { pruneSendSlots } from '../db/repos/pacing.repo';
import { readSessionSecret } from '../db/repos/sessions.repo';
import { sessionTaskQueue, shardOf } from '../domain/sharding';
import type { SecretBox } from '../db/secret-box';
import { SessionPool } from '../platforms/session-pool';
import { TemporalOutbox } from '../services/temporal-outbox';
import { databaseCheck, temporalCheck } from '../services/health';
import { startHealthServer } from './health-server';
import { ShardLeases } from './shard-leases';
import { temporalConnectionOptions } from '../temporal/client';
import { MAIN_TASK_QUEUE } from '../workflows/shared';
import { createDrivers, type DriverFactories } from './drivers';
import { createInboundRouter } from './inbound-router';
import { InboundActor } from './inbound-actor';
import { actOnInboundEvent } from '../activities/inbound-inline';
import { WebhookDispatcher } from './webhook-dispatcher';
import { addWorkerGauges, readSharedGaugesFrom } from '../metrics';
import type { WebhookDeliveryDeps } from '../services/webhook-delivery';

/** Longest pacing wait the worker's first attempt at an inbound event spends (see inbound-actor). */
const INLINE_MAX_WAIT_MS = 1_000;

/** Bundles the workflow code once; pass the result to every worker of the process. */
export async function bundleWorkflows(logger: Logger): Promise<WorkflowBundleWithSourceMap> {
  const log = logger.child({ module: 'bundler' });
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: {
      log: () => {},
      trace: () => {},
      debug: () => {},
      info: () => {},
      warn: (message, meta) => log.warn(meta ?? {}, message),
      error: (message, meta) => log.error(meta ?? {}, message),
    },
  });
}

export interface WorkerOptions {
  config: Config;
  db: Knex;
  databaseUrl: string;
  temporalAddress: string;
  workflowBundle: WorkflowBundleWithSourceMap;
  secrets: SecretBox;
  logger: Logger;
  /** Tests only: stand-ins for the platforms' network clients. */
  driverFactories?: DriverFactories;
}

/** A running worker process role: Temporal workers, the session pool and its listeners. */
export interface RunningWorker {
  pool: SessionPool;
  /** The session shards this worker serves. */
  leases: ShardLeases;
  /** The workflow code this worker runs; the replay tests check histories against it. */
  workflowBundle: WorkflowBundleWithSourceMap;
  /** Where its probes answer (WORKER_HTTP_PORT), e.g. http://127.0.0.1:3001; undefined without that port. */
  healthUrl?: string;
  shutdown(): Promise<void>;
}

/**
 * Starts the worker role: a Temporal worker on the main queue (workflows, database activities)
 * and, for each session shard whose lease this process holds, a worker on that shard's queue;
 * they share one session pool. Shards are taken over from dead workers and handed back on
 * shutdown (see ShardLeases). Resolves once the first round of leases is served.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { config, db, logger } = options;
  const log = logger.child({ module: 'worker' });
  const namespace = config.temporal.namespace;
  const owner = config.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const shardOfAccount = (accountId: string) => shardOf(accountId, config.sessionShards);
  // Shards are served (onAcquired) only once start() runs, after everything they need exists.
  const leases: ShardLeases = new ShardLeases({
    db,
    namespace,
    owner,
    candidates: config.workerShards,
    onAcquired: (shard) => serveShard(shard),
    onLost: (shard) => stopServingShard(shard),
    logger: log,
  });
  const isServed = (accountId: string) => leases.holds(shardOfAccount(accountId));

  const drivers = createDrivers({ config, db, secrets: options.secrets, logger: log, factories: options.driverFactories });
  const connection = await NativeConnection.connect(temporalConnectionOptions(options.temporalAddress, config.temporal));
  // The worker starts the workflows of what it enqueues itself (inbound events) without waiting
  // for an API process; the API's dispatcher and this one share the outbox safely.
  const temporal = new Client({ connection, namespace });
  const outbox = new TemporalOutbox(db, temporal, log.child({ module: 'temporal-outbox' }));
  outbox.start();
  const webhookDeps: WebhookDeliveryDeps = {
    db,
    secrets: options.secrets,
    policy: { allowPrivate: config.webhooks.allowPrivate, setting: 'AUTOHUB_WEBHOOK_ALLOW_PRIVATE' },
    timeoutMs: config.webhooks.timeoutMs,
    disableAfterFailures: config.webhooks.disableAfterFailures,
    disableAfterMs: config.webhooks.disableAfterMs,
  };
  // Started once the main worker runs, so the retries it hands over have a worker to run on.
  const webhooks = new WebhookDispatcher({ deps: webhookDeps, temporal, config: config.webhooks, logger: log.child({ module: 'webhook-dispatcher' }) });
  // Aborted when shutdown begins: long activities hand their remaining work back to their
  // workflows at the next safe point, so in-flight work drains well within the grace time.
  const draining = new AbortController();
  const shutdownGraceTime = config.workerShutdownGraceSeconds * 1000;
  const pacing = { maxInlineWaitMs: config.pacingInlineWaitMs, draining: draining.signal };
  const sandboxDriver = drivers.sandbox;
  const stages = inboundStages();
  const revisit = inboundRevisit();
  // The pool's sessions deliver to the router, which hands each stored event to the actor.
  let inboundActor: InboundActor | undefined;
  const sessionDrivers = { ...drivers, sandbox: sandboxDriver && (options.driverFactories?.sandboxSessions?.(sandboxDriver) ?? sandboxDriver) };
  const pool = new SessionPool({
    drivers: sessionDrivers,
    loadAccount: async (id) => {
      const account = await findAnyAccount(db, id);
      if (!account) return undefined;
      // Only Telegram keeps its login in the session secret; WhatsApp's is in its auth state store.
      const sessionSecret =
        account.platform === 'telegram' && !account.sandbox ? await readSessionSecret(db, options.secrets, account.id) : null;
      return { id: account.id, platform: account.platform, phone: account.phone, sandbox: account.sandbox, sessionSecret };
    },
    onInbound: createInboundRouter({
      db,
      logger: log,
      namespace,
      sessionShards: config.sessionShards,
      handoverDelayMs: config.inbound.handoverDelayMs,
      onStored: (eventId) => (inboundActor ? inboundActor.submit(eventId) : outbox.kick()),
    }),
    isServed,
    logger: log,
  });

  // Live sessions are what receive inbound events, so every connected account served here gets one.
  const connectAccounts = async (inShard: (shard: number) => boolean) => {
    for (const id of await listAccountIds(db, { status: 'connected' })) {
      if (inShard(shardOfAccount(id)) && isServed(id)) {
        await pool.get(id).catch((err) => log.warn({ err, accountId: id }, 'session did not connect'));
      }
    }
  };
  const onAccountChanged = async (accountId: string) => {
    if (!isServed(accountId)) return;
    const account = await findAnyAccount(db, accountId);
    if (account?.status === 'connected') await pool.get(accountId);
    else await pool.drop(accountId);
  };
  if (config.inbound.handoverDelayMs > 0) {
    // A send that must wait longer for its slot is the workflow's: a waiting attempt would hold one
    // of the few places every account's events share.
    const maxInlineWaitMs = Math.min(config.pacingInlineWaitMs, INLINE_MAX_WAIT_MS, config.inbound.handoverDelayMs / 3);
    const inlineDeps = { db, pool, stages, revisit, maxInlineWaitMs, draining: draining.signal };
    inboundActor = new InboundActor({
      db,
      logger: log.child({ module: 'inbound-actor' }),
      namespace,
      act: (eventId) => actOnInboundEvent(inlineDeps, eventId),
      concurrency: config.inbound.concurrency,
      maxQueued: 1000,
      onHandover: () => outbox.kick(),
    });
  }
  const listener = listen(
    options.databaseUrl,
    [Channels.accounts, Channels.sandboxInbound, Channels.shardLeases, Channels.webhookDeliveries],
    (channel, payload) => {
      if (channel === Channels.webhookDeliveries) return webhooks.kick();
      if (channel === Channels.shardLeases) {
        if (payload === namespace) leases.kick();
        return;
      }
      const work =
        channel === Channels.accounts
          ? onAccountChanged(payload)
          : isServed(payload)
            ? pool.get(payload).then(() => sandboxDriver?.deliverInbound(payload))
            : Promise.resolve();
      work.catch((err) => log.warn({ err, accountId: payload, channel }, 'notification not handled'));
    },
    {
      logger: log,
      onReconnect: () => {
        webhooks.kick();
        void connectAccounts(() => true);
      },
    },
  );

  const mainWorker = await Worker.create({
    connection,
    namespace,
    identity: `${owner}/${MAIN_TASK_QUEUE}`,
    taskQueue: MAIN_TASK_QUEUE,
    workflowBundle: options.workflowBundle,
    shutdownGraceTime,
    activities: {
      ...createBroadcastActivities({ db, sessionShards: config.sessionShards }),
      ...createLoginRecordActivities({ db }),
      ...createScanActivities({ db, tgstatToken: config.scan.tgstatToken }),
      ...createInboundActivities({ db, stages, revisit }),
      ...createAbTestActivities({ db }),
      ...createDripActivities({ db }),
      ...createWebhookActivities(webhookDeps),
      ...createInboundWebhookActivities({
        db,
        broadcasts: { temporal, outbox, config },
        namespace,
        sessionShards: config.sessionShards,
      }),
    },
  });
  const sessionActivities = {
    ...createSessionActivities({ db, pool, ...pacing }),
    ...createScanSessionActivities({ db, pool, ...pacing }),
    ...createProfileActivities({ db, pool }),
    ...createLoginActivities({ db, pool, secrets: options.secrets, telegramLogins: drivers.telegramLogins, whatsapp: drivers.whatsapp, logger: log }),
  };

  /** The Temporal workers of the shards served now, and their run promises. */
  const shardWorkers = new Map<number, { worker: Worker; running: Promise<void> }>();
  const serveShard = async (shard: number) => {
    const worker = await Worker.create({
      connection,
      namespace,
      identity: `${owner}/${sessionTaskQueue(shard)}`,
      taskQueue: sessionTaskQueue(shard),
      shutdownGraceTime,
      // Sends mostly wait on the database and the platform: every run of a burst starts sending at
      // once instead of queueing behind the SDK's default hundred.
      maxConcurrentActivityTaskExecutions: config.workerSessionActivities,
      activities: sessionActivities,
    });
    const running = worker.run().catch((err) => {
      log.error({ err, shard }, 'session shard worker failed; serving the shard again');
      if (!draining.signal.aborted) void leases.restart(shard);
    });
    shardWorkers.set(shard, { worker, running });
    void connectAccounts((s) => s === shard).catch((err) => log.warn({ err, shard }, 'connecting sessions failed'));
  };
  const stopServingShard = async (shard: number) => {
    const entry = shardWorkers.get(shard);
    shardWorkers.delete(shard);
    // Another worker may be taking the shard over: its sessions close first, so no account is live twice.
    await pool.dropWhere((accountId) => shardOfAccount(accountId) === shard);
    if (entry?.worker.getState() === 'RUNNING') entry.worker.shutdown();
    await entry?.running;
  };

  const done = mainWorker.run();
  webhooks.start();
  await leases.start();
  // Received WhatsApp messages and processed inbound events are kept only as long as
  // INBOUND_RETENTION_DAYS says; pacing slots only as long as their sends can still be under way.
  const prune = () => {
    pruneInboundMessages(db, config.inboundRetentionDays).catch((err) => log.warn({ err }, 'pruning received messages failed'));
    pruneInboundEvents(db, config.inboundRetentionDays).catch((err) => log.warn({ err }, 'pruning inbound events failed'));
    pruneSendSlots(db).catch((err) => log.warn({ err }, 'pruning pacing slots failed'));
  };
  const pruner = setInterval(prune, 60 * 60_000).unref();
  prune();
  const health =
    config.workerHttpPort === undefined
      ? undefined
      : await startHealthServer(config.workerHttpPort, config.host, {
          database: databaseCheck(db),
          temporal: temporalCheck(connection),
          shard_leases: async () => {
            if (!leases.current) throw new Error('its shard leases are not being renewed in time');
          },
        }, config.metricsToken);
  const stopGauges = addWorkerGauges({ sessions: () => pool.size, shardsHeld: () => leases.shards.length });
  const stopSharedGauges = readSharedGaugesFrom(db, namespace, log);
  log.info({ owner, candidates: config.workerShards, serving: leases.shards, sessionShards: config.sessionShards }, 'worker started');

  return {
    pool,
    leases,
    workflowBundle: options.workflowBundle,
    healthUrl: health?.url,
    async shutdown() {
      // Drain while the leases are still held (they keep being renewed), then hand them over.
      draining.abort();
      await inboundActor?.stop();
      await webhooks.stop();
      for (const worker of [mainWorker, ...[...shardWorkers.values()].map((e) => e.worker)]) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
      await Promise.all([done, ...[...shardWorkers.values()].map((e) => e.running)]).catch((err) =>
        log.error({ err }, 'worker stopped with an error'),
      );
      clearInterval(pruner);
      await listener.close();
      await outbox.stop();
      await pool.closeAll();
      await leases.stop();
      await drivers.close();
      stopGauges();
      stopSharedGauges();
      // Liveness answers through the drain (an orchestrator must not restart a worker for draining).
      await health?.close();
      await connection.close();
    },
  };
}
