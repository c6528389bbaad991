/**
 * Welcome and goodbye configs, their owner's alone (an admin's scope sees no one else's either):
 * one per chat key or `_default`, set whole and replaced whole.
 */
import type { Knex } from 'knex';
import type { WelcomeConfig } from '../../domain/welcome';
import type { Scope } from './scope';

/** A stored config: the domain's config, its owner and when it was set. */
export interface StoredWelcomeConfig extends WelcomeConfig {
  userId: string;
  createdAt: Date;
  updatedAt: Date;
}

interface WelcomeConfigRow {
  id: string;
  user_id: string;
  group_id: string;
  welcome_text: string | null;
  goodbye_text: string | null;
  welcome_enabled: boolean;
  goodbye_enabled: boolean;
  delete_previous: boolean;
  burst_joins: number;
  burst_window_seconds: number;
  created_at: Date;
  updated_at: Date;
}

const mapConfig = (r: WelcomeConfigRow): StoredWelcomeConfig => ({
  userId: r.user_id,
  group_id: r.group_id,
  welcome_text: r.welcome_text,
  goodbye_text: r.goodbye_text,
  welcome_enabled: r.welcome_enabled,
  goodbye_enabled: r.goodbye_enabled,
  delete_previous: r.delete_previous,
  burst_joins: r.burst_joins,
  burst_window_seconds: r.burst_window_seconds,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The configs table restricted to the scope's user's own configs. */
const own = (db: Knex, scope: Scope) => db('welcome_configs').where({ user_id: scope.userId });

/** The scope's user's own configs, `_default` first, then by group id. */
export async function listWelcomeConfigs(db: Knex, scope: Scope): Promise<StoredWelcomeConfig[]> {
  const rows = await own(db, scope).orderByRaw("group_id <> '_default'").orderBy('group_id');
  return (rows as WelcomeConfigRow[]).map(mapConfig);
}

/**
 * Sets the scope's user's config of `config.group_id`, replacing the one there was whole; answers
 * it, and whether it was created rather than replaced.
 */
export async function upsertWelcomeConfig(db: Knex, scope: Scope, config: WelcomeConfig): Promise<{ config: StoredWelcomeConfig; created: boolean }> {
  const fields = {
    welcome_text: config.welcome_text,
    goodbye_text: config.goodbye_text,
    welcome_enabled: config.welcome_enabled,
    goodbye_enabled: config.goodbye_enabled,
    delete_previous: config.delete_previous,
    burst_joins: config.burst_joins,
    burst_window_seconds: config.burst_window_seconds,
  };
  // xmax is 0 on a row this statement inserted, and the updating transaction's id on one it replaced.
  const [row] = await db('welcome_configs')
    .insert({ ...fields, user_id: scope.userId, group_id: config.group_id })
    .onConflict(['user_id', 'group_id'])
    .merge({ ...fields, updated_at: db.fn.now() })
    .returning(['*', db.raw('(xmax = 0) AS created')]);
  const { created, ...stored } = row as WelcomeConfigRow & { created: boolean };
  return { config: mapConfig(stored), created };
}

/** Deletes the scope's user's config of `groupId`; false when they have none. */
export async function deleteWelcomeConfig(db: Knex, scope: Scope, groupId: string): Promise<boolean> {
  return (await own(db, scope).where({ group_id: groupId }).delete()) > 0;
}

/** A join of a chat as welcome planning reads it: the stored join event, and whether a welcome covered it. */
export interface StoredJoin {
  eventId: number;
  member: { id: string; username: string | null; name: string | null };
  at: Date;
  greeted: boolean;
}

/** The joins of a chat received after `since`, oldest first, each with whether it was greeted. */
export async function listRecentJoins(db: Knex, where: { accountId: string; chatKey: string; since: Date }): Promise<StoredJoin[]> {
  const rows = await db('inbound_events as e')
    .leftJoin('welcome_greetings as g', function () {
      this.on('g.account_id', 'e.account_id').andOn('g.join_event_id', 'e.id');
    })
    .where({ 'e.account_id': where.accountId, 'e.chat_key': where.chatKey, 'e.type': 'join' })
    .where('e.received_at', '>', where.since)
    .orderBy('e.id')
    .select<{ id: string; payload: { user: StoredJoin['member'] }; received_at: Date; greeted: boolean }[]>(
      'e.id',
      'e.payload',
      'e.received_at',
      db.raw('g.id is not null as greeted'),
    );
  return rows.map((r) => ({
    eventId: Number(r.id),
    member: { id: r.payload.user.id, username: r.payload.user.username ?? null, name: r.payload.user.name ?? null },
    at: r.received_at,
    greeted: r.greeted,
  }));
}

/** Records that send run `sendRunId` greets the joins `joinEventIds` of a chat (each join once: a second greeting fails). */
export async function insertGreetings(
  db: Knex,
  greeting: { userId: string; accountId: string; chatKey: string; sendRunId: string; joins: Array<{ eventId: number; memberId: string }> },
): Promise<void> {
  await db('welcome_greetings').insert(
    greeting.joins.map((j) => ({
      user_id: greeting.userId,
      account_id: greeting.accountId,
      chat_key: greeting.chatKey,
      member_id: j.memberId,
      join_event_id: j.eventId,
      send_run_id: greeting.sendRunId,
    })),
  );
}

/** The platform's id of the chat's latest welcome that was sent, for `delete_previous`; undefined when there is none. */
export async function findLatestSentWelcome(db: Knex, where: { accountId: string; chatKey: string }): Promise<string | undefined> {
  const row = await db('welcome_greetings as g')
    .join('deliveries as d', 'd.run_id', 'g.send_run_id')
    .where({ 'g.account_id': where.accountId, 'g.chat_key': where.chatKey, 'd.status': 'sent' })
    .whereNotNull('d.platform_message_id')
    .orderBy('g.greeted_at', 'desc')
    .orderBy('g.id', 'desc')
    .first<{ platform_message_id: string } | undefined>('d.platform_message_id');
  return row?.platform_message_id;
}
