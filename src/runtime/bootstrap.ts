import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { countUsers, insertUserWithKey } from '../db/repos/users.repo';
import { describeApiKey, generateApiKey } from '../domain/api-keys';

/** The bootstrap admin's key as this start knows it. */
export interface AdminKey {
  /** The token, when this start created it or can read it from `AUTOHUB_HOME/admin-key`. */
  token: string | undefined;
  /** True when this start created the first admin. */
  created: boolean;
  file: string;
}

/**
 * Creates the first admin on an empty database: with `AUTOHUB_ADMIN_KEY` as its key if set,
 * otherwise with a generated key written to `AUTOHUB_HOME/admin-key` (mode 0600).
 */
export async function bootstrapAdmin(db: Knex, config: Config): Promise<AdminKey> {
  const file = path.join(config.home, 'admin-key');
  // Two processes starting at once must not both create an admin.
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?)', [7_423_001]);
    if ((await countUsers(trx)) > 0) {
      const token = config.adminKey ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
      return { token, created: false, file };
    }
    const key = config.adminKey ? describeApiKey(config.adminKey) : generateApiKey();
    await insertUserWithKey(trx, { name: 'admin', role: 'admin' }, key);
    if (!config.adminKey) {
      mkdirSync(config.home, { recursive: true });
      writeFileSync(file, `${key.token}\n`, { mode: 0o600 });
    }
    return { token: key.token, created: true, file };
  });
}

/**
 * The key that encrypts session secrets: `AUTOHUB_SECRET_KEY`, else one generated once and kept
 * in `AUTOHUB_HOME/secret-key` (mode 0600).
 */
export function ensureSecretKey(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.home, 'secret-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.home, { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
