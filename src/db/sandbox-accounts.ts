import type { Knex } from 'knex';
import { generateSandboxWorld } from '../domain/sandbox-world';
import type { Platform } from '../domain/platform-port';
import { Channels, notify } from './notifications';
import { insertAccount, type Account } from './repos/accounts.repo';
import { upsertChats } from './repos/chats.repo';
import { insertWorld } from './repos/sandbox.repo';

/**
 * Creates a connected sandbox account with its seeded world, and records the world's chats as
 * known (as a scan would), all in one transaction; then tells the workers.
 */
export async function createSandboxAccount(
  db: Knex,
  input: { userId: string; platform: Platform; name: string; phone: string | null },
): Promise<Account> {
  return db.transaction(async (trx) => {
    const account = await insertAccount(trx, { ...input, sandbox: true, status: 'connected' });
    const world = generateSandboxWorld(input.platform, account.id, new Date(), input);
    await insertWorld(trx, account.id, world);
    await upsertChats(
      trx,
      account.id,
      world.chats.map((c) => ({ ...c, id: c.platformId })),
    );
    await notify(trx, Channels.accounts, account.id);
    return account;
  });
}
