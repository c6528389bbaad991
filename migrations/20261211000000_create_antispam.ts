import type { Knex } from 'knex';

/**
 * Anti-spam: each user's config, the senders they banned, and the offences the inbound pipeline
 * decides (the ladder counts a sender's recent ones). Bans live here so they hold across restarts.
 */
export async function up(knex: Knex): Promise<void> {
  // One config per user: the whole config, defaults filled in, as domain/antispam-config parses it.
  await knex.schema.createTable('antispam_configs', (t) => {
    t.uuid('user_id').primary().references('users.id').onDelete('CASCADE');
    t.jsonb('config').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // `user_id` owns the ban; `platform_user_id` is the banned sender. `account_id` and `chat_key`
  // say where the ban was applied, so lifting it knows which account and chat to unban in.
  await knex.schema.createTable('antispam_bans', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('platform_user_id').notNullable();
    t.text('reason');
    t.text('chat_key');
    t.uuid('account_id').references('accounts.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'platform_user_id']);
    t.index(['account_id']);
  });

  // One row per spam decision that was not a dry run.
  await knex.schema.createTable('antispam_offences', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('chat_key').notNullable();
    t.text('platform_user_id').notNullable();
    t.text('reason').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // "The recent offences of a sender in a chat", newest first.
    t.index(['account_id', 'chat_key', 'platform_user_id', 'at']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('antispam_offences');
  await knex.schema.dropTableIfExists('antispam_bans');
  await knex.schema.dropTableIfExists('antispam_configs');
}
