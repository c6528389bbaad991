/**
 * Anti-spam storage, its owner's alone (an admin's scope sees no one else's either): each user's
 * config and the senders they banned.
 */
import type { Knex } from 'knex';
import type { AntispamConfig } from '../../domain/antispam-config';
import type { Scope } from './scope';

/** A banned sender, as stored. */
export interface AntispamBan {
  /** The platform's id of the banned sender (or an @username). */
  platformUserId: string;
  reason: string | null;
  /** The chat where the ban was applied, when it was applied in one. */
  chatKey: string | null;
  /** The account that applied it, when one did. */
  accountId: string | null;
  createdAt: Date;
}

/** What a new ban says; `created_at` is the database's. */
export type AntispamBanFields = Omit<AntispamBan, 'createdAt'>;

interface BanRow {
  platform_user_id: string;
  reason: string | null;
  chat_key: string | null;
  account_id: string | null;
  created_at: Date;
}

const mapBan = (r: BanRow): AntispamBan => ({
  platformUserId: r.platform_user_id,
  reason: r.reason,
  chatKey: r.chat_key,
  accountId: r.account_id,
  createdAt: r.created_at,
});

/** The stored config of the scope's user, as saved (not yet parsed), or undefined when they never saved one. */
export async function findAntispamConfig(db: Knex, scope: Scope): Promise<unknown> {
  const row = (await db('antispam_configs').where({ user_id: scope.userId }).first('config')) as { config: unknown } | undefined;
  return row?.config;
}

/**
 * Changes the scope's user's config under a row lock: `change` gets the stored config (undefined
 * when none) and answers the config to save, so two concurrent updates never lose one another.
 */
export async function updateAntispamConfig(
  db: Knex,
  scope: Scope,
  change: (stored: unknown) => AntispamConfig,
): Promise<AntispamConfig> {
  return db.transaction(async (trx) => {
    const row = (await trx('antispam_configs').where({ user_id: scope.userId }).forUpdate().first('config')) as { config: unknown } | undefined;
    const config = change(row?.config);
    await trx('antispam_configs')
      .insert({ user_id: scope.userId, config: JSON.stringify(config), updated_at: trx.fn.now() })
      .onConflict('user_id')
      .merge(['config', 'updated_at']);
    return config;
  });
}

/** The bans table restricted to the scope's user's own bans. */
const ownBans = (db: Knex, scope: Scope) => db('antispam_bans').where({ user_id: scope.userId });

/** The scope's user's bans, oldest first. */
export async function listAntispamBans(db: Knex, scope: Scope): Promise<AntispamBan[]> {
  const rows = (await ownBans(db, scope).orderBy('created_at').orderBy('platform_user_id')) as BanRow[];
  return rows.map(mapBan);
}

/** The scope's user's ban of `platformUserId`, if they banned that sender. */
export async function findAntispamBan(db: Knex, scope: Scope, platformUserId: string): Promise<AntispamBan | undefined> {
  const row = (await ownBans(db, scope).where({ platform_user_id: platformUserId }).first()) as BanRow | undefined;
  return row && mapBan(row);
}

/**
 * Bans a sender for the scope's user, once: an earlier ban of the same sender stays as it is.
 * Answers the ban in force and whether this call created it.
 */
export async function insertAntispamBan(db: Knex, scope: Scope, ban: AntispamBanFields): Promise<{ ban: AntispamBan; created: boolean }> {
  const [row] = (await db('antispam_bans')
    .insert({
      user_id: scope.userId,
      platform_user_id: ban.platformUserId,
      reason: ban.reason,
      chat_key: ban.chatKey,
      account_id: ban.accountId,
    })
    .onConflict(['user_id', 'platform_user_id'])
    .ignore()
    .returning('*')) as BanRow[];
  if (row) return { ban: mapBan(row), created: true };
  const existing = await findAntispamBan(db, scope, ban.platformUserId);
  // A ban lifted between the two statements leaves nothing to show: insert again.
  return existing ? { ban: existing, created: false } : insertAntispamBan(db, scope, ban);
}

/** Lifts the scope's user's ban of `platformUserId`; answers the lifted ban, or undefined when there was none. */
export async function deleteAntispamBan(db: Knex, scope: Scope, platformUserId: string): Promise<AntispamBan | undefined> {
  const [row] = (await ownBans(db, scope).where({ platform_user_id: platformUserId }).delete().returning('*')) as BanRow[];
  return row && mapBan(row);
}

/** Where a sender's offences are counted: per account, chat and sender. */
export interface OffencePlace {
  accountId: string;
  chatKey: string;
  platformUserId: string;
}

/** When the sender's offences in the place since `since` were decided, oldest first. */
export async function listOffences(db: Knex, place: OffencePlace, since: Date): Promise<Date[]> {
  const rows = await db('antispam_offences')
    .where({ account_id: place.accountId, chat_key: place.chatKey, platform_user_id: place.platformUserId })
    .where('at', '>', since)
    .orderBy('at')
    .select<{ at: Date }[]>('at');
  return rows.map((r) => r.at);
}

/** Records an offence (a spam decision that was not a dry run) of the account owner's sender. */
export async function insertOffence(db: Knex, place: OffencePlace, reason: string, at: Date): Promise<void> {
  await db.raw(
    `insert into antispam_offences (user_id, account_id, chat_key, platform_user_id, reason, at)
     select user_id, id, ?, ?, ?, ? from accounts where id = ?`,
    [place.chatKey, place.platformUserId, reason, at, place.accountId],
  );
}
