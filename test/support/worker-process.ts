/**
 * `node --import tsx test/support/worker-process.ts`: an `autohub worker` whose Telegram and
 * WhatsApp drivers talk to stub platforms (see stub-platforms.ts), configured like the real
 * one from the environment (DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, WORKER_ID, …).
 * Logs JSON on stdout; SIGTERM stops it in order, as `autohub worker` does.
 */
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { runStops, startRoles } from '../../src/runtime/roles';
import { loadBaileys } from '../../src/platforms/whatsapp/baileys';
import { stubPlatforms } from './stub-platforms';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { factories } = stubPlatforms(await loadBaileys());
  if (!config.databaseUrl || !config.temporal.address) throw new Error('worker-process needs DATABASE_URL and TEMPORAL_ADDRESS');
  const roles = await startRoles({
    config,
    databaseUrl: config.databaseUrl,
    temporalAddress: config.temporal.address,
    logger,
    api: false,
    worker: true,
    driverFactories: factories,
  });
  process.once('SIGTERM', () => void runStops(roles.stops, logger).then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
