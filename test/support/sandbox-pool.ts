import pino from 'pino';
import type { Db } from '../../src/db/knex';
import { PgSandboxStore } from '../../src/db/repos/sandbox.repo';
import { SandboxDriver } from '../../src/platforms/sandbox/sandbox-driver';
import { SessionPool } from '../../src/platforms/session-pool';
import { newSandboxAccount, newUser } from './http';

/** A fresh user with a Telegram sandbox account, and a session pool that serves it outside the worker (for calling activities directly). */
export async function sandboxAccountWithPool(db: Db): Promise<{ userId: string; accountId: string; pool: SessionPool }> {
  const user = await newUser();
  const accountId = await newSandboxAccount(user.api);
  const pool = new SessionPool({
    drivers: { sandbox: new SandboxDriver(new PgSandboxStore(db)) },
    loadAccount: async (id) => ({ id, platform: 'telegram', phone: null, sandbox: true }),
    onInbound: () => {},
    logger: pino({ level: 'silent' }),
  });
  return { userId: user.id, accountId, pool };
}
