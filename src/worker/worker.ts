import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createBroadcastActivities } from '../activities/broadcast.activities';
import { createLoginActivities, createLoginRecordActivities } from '../activities/login.activities';
import { createProfileActivities } from '../activities/profile.activities';
import { createScanActivities } from '../activities/scan.activities';
import { createScanSessionActivities } from '../activities/scan-session.activities';
import { createSessionActivities } from '../activities/session.activities';
import type { Config } from '../config';
import { Channels, listen } from '../db/notifications';
import { findAccount, listAccountIds } from '../db/repos/accounts.repo';
import { pruneInboundMessages } from '../db/repos/inbound-messages.repo';
import { pruneSendSlots } from '../db/repos/pacing.repo';
import { readSessionSecret } from '../db/repos/sessions.repo';
import { sessionTaskQueue, shardOf } from '../domain/sharding';
import type { SecretBox } from '../db/secret-box';
import { SessionPool } from '../platforms/session-pool';
import { MAIN_TASK_QUEUE } from '../workflows/shared';
import { createDrivers, type DriverFactories } from './drivers';
import { createInboundRouter } from './inbound-router';

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
  /** The workflow code this worker runs; the replay tests check histories against it. */
  workflowBundle: WorkflowBundleWithSourceMap;
  /** Resolves when the workers stop; rejects if one fails. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts the Temporal workers: one on the main queue (workflows, database activities) and one
 * per session shard this process serves, sharing one session pool.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { config, db, logger } = options;
  const log = logger.child({ module: 'worker' });
  const served = new Set(config.workerShards);
  const isServed = (accountId: string) => served.has(shardOf(accountId, config.sessionShards));

  const drivers = createDrivers({ config, db, secrets: options.secrets, logger: log, factories: options.driverFactories });
  const sandboxDriver = drivers.sandbox;
  const pool = new SessionPool({
    drivers,
    loadAccount: async (id) => {
      const account = await findAccount(db, id);
      if (!account) return undefined;
      // Only Telegram keeps its login in the session secret; WhatsApp's is in its auth state store.
      const sessionSecret =
        account.platform === 'telegram' && !account.sandbox ? await readSessionSecret(db, options.secrets, account.id) : null;
      return { id: account.id, platform: account.platform, phone: account.phone, sandbox: account.sandbox, sessionSecret };
    },
    onInbound: createInboundRouter({ db, logger }),
    logger: log,
  });

  // Live sessions are what receive inbound events, so every connected account served here gets one.
  const connectServedAccounts = async () => {
    for (const id of await listAccountIds(db, { status: 'connected' })) {
      if (isServed(id)) await pool.get(id).catch((err) => log.warn({ err, accountId: id }, 'session did not connect'));
    }
  };
  const onAccountChanged = async (accountId: string) => {
    if (!isServed(accountId)) return;
    const account = await findAccount(db, accountId);
    if (account?.status === 'connected') await pool.get(accountId);
    else await pool.drop(accountId);
  };
  const listener = listen(
    options.databaseUrl,
    [Channels.accounts, Channels.sandboxInbound],
    (channel, accountId) => {
      const work =
        channel === Channels.accounts
          ? onAccountChanged(accountId)
          : isServed(accountId)
            ? pool.get(accountId).then(() => sandboxDriver?.deliverInbound(accountId))
            : Promise.resolve();
      work.catch((err) => log.warn({ err, accountId, channel }, 'notification not handled'));
    },
    { logger: log, onReconnect: () => void connectServedAccounts() },
  );

  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const namespace = config.temporal.namespace;
  // Aborted when shutdown begins: long activities hand their remaining work back to their
  // workflows at the next safe point, so in-flight work drains well within the grace time.
  const draining = new AbortController();
  const shutdownGraceTime = config.workerShutdownGraceSeconds * 1000;
  const pacing = { maxInlineWaitMs: config.pacingInlineWaitMs, draining: draining.signal };
  const workers = [
    await Worker.create({
      connection,
      namespace,
      taskQueue: MAIN_TASK_QUEUE,
      workflowBundle: options.workflowBundle,
      shutdownGraceTime,
      activities: {
        ...createBroadcastActivities({ db, sessionShards: config.sessionShards }),
        ...createLoginRecordActivities({ db }),
        ...createScanActivities({ db, tgstatToken: config.scan.tgstatToken }),
      },
    }),
    ...(await Promise.all(
      [...served].map((shard) =>
        Worker.create({
          connection,
          namespace,
          taskQueue: sessionTaskQueue(shard),
          shutdownGraceTime,
          activities: {
            ...createSessionActivities({ db, pool, ...pacing }),
            ...createScanSessionActivities({ db, pool, ...pacing }),
            ...createProfileActivities({ db, pool }),
            ...createLoginActivities({
              db,
              pool,
              secrets: options.secrets,
              telegramLogins: drivers.telegramLogins,
              whatsapp: drivers.whatsapp,
              logger: log,
            }),
          },
        }),
      ),
    )),
  ];
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  void connectServedAccounts().catch((err) => log.warn({ err }, 'connecting sessions failed'));
  // Received WhatsApp messages are kept for search only as long as INBOUND_RETENTION_DAYS says;
  // pacing slots only as long as their sends can still be under way.
  const prune = () => {
    pruneInboundMessages(db, config.inboundRetentionDays).catch((err) => log.warn({ err }, 'pruning received messages failed'));
    pruneSendSlots(db).catch((err) => log.warn({ err }, 'pruning pacing slots failed'));
  };
  const pruner = setInterval(prune, 60 * 60_000).unref();
  prune();
  log.info({ shards: [...served], sessionShards: config.sessionShards }, 'worker started');

  return {
    pool,
    workflowBundle: options.workflowBundle,
    done,
    async shutdown() {
      draining.abort();
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await done.catch((err) => log.error({ err }, 'worker stopped with an error'));
      clearInterval(pruner);
      await listener.close();
      await pool.closeAll();
      await drivers.close();
      await connection.close();
    },
  };
}
