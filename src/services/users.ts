/**
 * Users and their API keys, as admins manage them through the API (`/api/admin/…`) and operators
 * from the shell (`autohub users create`, `autohub keys issue|revoke`). A key's token is shown once,
 * here; only its hash is stored.
 */
import type { Knex } from 'knex';
import { findUser, insertApiKey, insertUserWithKey, revokeApiKey, setApiKeyRateLimit, type ApiKey, type Role, type User } from '../db/repos/users.repo';
import { generateApiKey } from '../domain/api-keys';
import { isId } from '../domain/ids';
import { NotFoundError } from '../errors';

/** Creates a user with its first API key; answers the user and the key's token. */
export async function createUser(db: Knex, user: { name: string; role: Role }): Promise<{ user: User; token: string }> {
  const key = generateApiKey();
  const created = await insertUserWithKey(db, user, key);
  return { user: created.user, token: key.token };
}

/**
 * Issues another API key for user `userId`; answers the user, the key's id and its token.
 * @throws NotFoundError when there is no such user.
 */
export async function issueApiKey(db: Knex, userId: string): Promise<{ user: User; keyId: string; token: string }> {
  const user = isId(userId) ? await findUser(db, userId.toLowerCase()) : undefined;
  if (!user) throw new NotFoundError();
  const key = generateApiKey();
  const stored = await insertApiKey(db, { userId: user.id, hash: key.hash, prefix: key.prefix });
  return { user, keyId: stored.id, token: key.token };
}

/**
 * Revokes API key `keyId`: every API process refuses it from its next request on (the revocation
 * is announced to them all).
 * @throws NotFoundError when there is no such key.
 */
export async function revokeKey(db: Knex, keyId: string): Promise<void> {
  if (!(isId(keyId) && (await revokeApiKey(db, keyId.toLowerCase())))) throw new NotFoundError();
}

/**
 * Sets API key `keyId`'s own requests per minute (null: the server's AUTOHUB_RATE_LIMIT_PER_MINUTE;
 * 0: unlimited), in force in every API process from its next request on.
 * @throws NotFoundError when there is no such key.
 */
export async function setKeyRateLimit(db: Knex, keyId: string, perMinute: number | null): Promise<ApiKey> {
  const key = isId(keyId) ? await setApiKeyRateLimit(db, keyId.toLowerCase(), perMinute) : undefined;
  if (!key) throw new NotFoundError();
  return key;
}
