import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { SecretBox } from '../db/secret-box';
import { SandboxDriver } from '../platforms/sandbox/sandbox-driver';
import type { PlatformDriver } from '../platforms/types';

/** What the platform drivers of a worker are built from. */
export interface DriverDeps {
  config: Config;
  db: Knex;
  secrets: SecretBox;
  logger: Logger;
}

/** The drivers this worker runs, by flavour; the sandbox only when `AUTOHUB_SANDBOX` is on. */
export interface Drivers {
  sandbox?: SandboxDriver;
  telegram?: PlatformDriver;
  whatsapp?: PlatformDriver;
}

export function createDrivers({ config, db }: DriverDeps): Drivers {
  return {
    sandbox: config.sandbox ? new SandboxDriver(db) : undefined,
  };
}
