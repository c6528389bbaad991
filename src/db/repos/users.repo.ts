import type { Knex } from 'knex';
import { Channels, notify } from '../notifications';

export type Role = 'admin' | 'user';

export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
}

interface UserRow {
  id: string;
  name: string;
  role: Role;
  created_at: Date;
}

const mapUser = (r: UserRow): User => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at });

export async function insertUser(db: Knex, user: { name: string; role: Role }): Promise<User> {
  const [row] = await db<UserRow>('users').insert(user).returning('*');
  return mapUser(row!);
}

export async function listUsers(db: Knex): Promise<User[]> {
  const rows = await db<UserRow>('users').orderBy('created_at');
  return rows.map(mapUser);
}

export async function findUser(db: Knex, id: string): Promise<User | undefined> {
  const row = await db<UserRow>('users').where({ id }).first();
  return row && mapUser(row);
}

export async function countUsers(db: Knex): Promise<number> {
  const [row] = await db('users').count<{ count: number }[]>('* as count');
  return Number(row?.count ?? 0);
}

export interface ApiKey {
  id: string;
  userId: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Requests per minute this key may make; null: the server's default. */
  rateLimitPerMinute: number | null;
}

interface ApiKeyRow {
  id: string;
  user_id: string;
  key_hash: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  rate_limit_per_minute: number | null;
}

const mapKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  userId: r.user_id,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  rateLimitPerMinute: r.rate_limit_per_minute,
});

export async function insertApiKey(
  db: Knex,
  key: { userId: string; hash: string; prefix: string },
): Promise<ApiKey> {
  const [row] = await db<ApiKeyRow>('api_keys')
    .insert({ user_id: key.userId, key_hash: key.hash, prefix: key.prefix })
    .returning('*');
  return mapKey(row!);
}

export async function listApiKeys(db: Knex, userId: string): Promise<ApiKey[]> {
  const rows = await db<ApiKeyRow>('api_keys').where({ user_id: userId }).orderBy('created_at');
  return rows.map(mapKey);
}

/** The caller behind a key hash, when the key exists and is not revoked. */
export interface KeyOwner {
  keyId: string;
  lastUsedAt: Date | null;
  /** The key's own requests per minute; null: the server's default. */
  rateLimitPerMinute: number | null;
  user: User;
}

export async function findActiveKeyOwner(db: Knex, hash: string): Promise<KeyOwner | undefined> {
  return findActiveKeyOwnerWhere(db, { 'k.key_hash': hash });
}

/** The owner of the unrevoked key matching `where` (columns of `api_keys as k`). */
export async function findActiveKeyOwnerWhere(db: Knex, where: Record<string, string>): Promise<KeyOwner | undefined> {
  const row = await db('api_keys as k')
    .join('users as u', 'u.id', 'k.user_id')
    .where(where)
    .whereNull('k.revoked_at')
    .first<
      | { key_id: string; last_used_at: Date | null; rate_limit_per_minute: number | null; id: string; name: string; role: Role; created_at: Date }
      | undefined
    >('k.id as key_id', 'k.last_used_at', 'k.rate_limit_per_minute', 'u.id', 'u.name', 'u.role', 'u.created_at');
  if (!row) return undefined;
  return { keyId: row.key_id, lastUsedAt: row.last_used_at, rateLimitPerMinute: row.rate_limit_per_minute, user: mapUser(row) };
}

export async function touchApiKey(db: Knex, keyId: string): Promise<void> {
  await db('api_keys').where({ id: keyId }).update({ last_used_at: db.fn.now() });
}

/**
 * Sets a key's own rate limit (null: back to the server's default) and tells every API process
 * to forget what it remembers of the key; undefined when no such key exists.
 */
export async function setApiKeyRateLimit(db: Knex, keyId: string, perMinute: number | null): Promise<ApiKey | undefined> {
  return db.transaction(async (trx) => {
    const [row] = await trx<ApiKeyRow>('api_keys').where({ id: keyId }).update({ rate_limit_per_minute: perMinute }).returning('*');
    if (!row) return undefined;
    await notify(trx, Channels.apiKeys, keyId);
    return mapKey(row);
  });
}

/**
 * Revokes a key and tells every API process to forget it; false when no such key exists.
 * Revoking twice keeps the first time.
 */
export async function revokeApiKey(db: Knex, keyId: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const row = await trx<ApiKeyRow>('api_keys').where({ id: keyId }).first();
    if (!row) return false;
    if (!row.revoked_at) await trx('api_keys').where({ id: keyId }).update({ revoked_at: trx.fn.now() });
    await notify(trx, Channels.apiKeys, keyId);
    return true;
  });
}

/** Creates a user and its first API key in one transaction. */
export async function insertUserWithKey(
  db: Knex,
  user: { name: string; role: Role },
  key: { hash: string; prefix: string },
): Promise<{ user: User; key: ApiKey }> {
  return db.transaction(async (trx) => {
    const created = await insertUser(trx, user);
    const apiKey = await insertApiKey(trx, { userId: created.id, ...key });
    return { user: created, key: apiKey };
  });
}
