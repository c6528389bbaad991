import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { findInboundMessageKey, insertInboundMessages, searchInboundMessages } from '../db/repos/inbound-messages.repo';
import { upsertChats } from '../db/repos/chats.repo';
import { PgPeerCache } from '../db/repos/peer-cache.repo';
import { recordSessionStatus } from '../db/repos/sessions.repo';
import { PgAuthStateStore } from '../db/repos/whatsapp-auth.repo';
import type { SecretBox } from '../db/secret-box';
import { PgSandboxStore } from '../db/repos/sandbox.repo';
import { SandboxDriver } from '../platforms/sandbox/sandbox-driver';
import type { PlatformDriver } from '../domain/platform-port';
import { TelegramDriver, TelegramLogins, type GramClientFactory } from '../platforms/telegram';
import { WhatsAppDriver, type WhatsAppSocketFactory } from '../platforms/whatsapp';

/** What the platform drivers of a worker are built from. */
export interface DriverDeps {
  config: Config;
  db: Knex;
  secrets: SecretBox;
  logger: Logger;
  /** Tests only: stand-ins for the platforms' network clients. */
  factories?: DriverFactories;
}

/** Builders of the platforms' network clients, replaced by stubs in tests that cannot reach the platforms. */
export interface DriverFactories {
  telegramClient?: GramClientFactory;
  whatsappSocket?: WhatsAppSocketFactory;
  /** Benchmarks only: wraps the driver sandbox accounts' sessions are opened with (bench/broadcast-fanout's zero-cost driver). */
  sandboxSessions?: (sandbox: SandboxDriver) => PlatformDriver;
}

/**
 * The drivers this worker runs, by flavour: the sandbox only when `AUTOHUB_SANDBOX` is on,
 * Telegram (and its logins) only with TELEGRAM_API_ID and TELEGRAM_API_HASH, WhatsApp always.
 */
export interface Drivers {
  sandbox?: SandboxDriver;
  telegram?: TelegramDriver;
  telegramLogins?: TelegramLogins;
  whatsapp?: WhatsAppDriver;
  /** Ends logins in progress and closes WhatsApp connections, for shutdown. */
  close(): Promise<void>;
}

export function createDrivers({ config, db, secrets, logger, factories = {} }: DriverDeps): Drivers {
  const { apiId, apiHash } = config.telegram;
  const telegramLogger = logger.child({ module: 'telegram' });
  const telegramConfigured = apiId !== undefined && apiHash !== undefined && apiHash.trim() !== '';
  const telegram = telegramConfigured
    ? { apiId, apiHash, logger: telegramLogger, clientFactory: factories.telegramClient }
    : undefined;
  const whatsappLogger = logger.child({ module: 'whatsapp' }, { level: 'warn' });
  const whatsapp = new WhatsAppDriver({
    authStore: (accountId) => new PgAuthStateStore(db, secrets, accountId),
    socketFactory: factories.whatsappSocket,
    logger: whatsappLogger,
    messageStore: {
      save: (accountId, messages) => insertInboundMessages(db, accountId, messages),
      search: (accountId, search) => searchInboundMessages(db, accountId, search),
      findKey: (accountId, chatKey, messageId) => findInboundMessageKey(db, accountId, chatKey, messageId),
    },
    // Statuses reach the account here; once connected, its groups become known as a scan would make them.
    onStatus: (accountId, change) =>
      void (async () => {
        await recordSessionStatus(db, accountId, change.status, change.reason);
        if (change.status === 'connected') await upsertChats(db, accountId, await change.session.listChats());
      })().catch((err) => whatsappLogger.warn({ err, accountId, status: change.status }, 'whatsapp status not recorded')),
  });
  const telegramLogins = telegram && new TelegramLogins(telegram);
  return {
    sandbox: config.sandbox ? new SandboxDriver(new PgSandboxStore(db)) : undefined,
    telegram: telegram && new TelegramDriver({ ...telegram, peerCache: new PgPeerCache(db) }),
    telegramLogins,
    whatsapp,
    async close() {
      await telegramLogins?.endAll();
      await whatsapp.closeAll();
    },
  };
}
