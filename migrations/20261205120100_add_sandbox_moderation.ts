import type { Knex } from 'knex';

/**
 * Moderation in the simulated platform:
 * - `sandbox_chats.admin`: whether the account administers the chat, which deleting others'
 *   messages, muting and banning need (as on the real platforms). Chats of existing worlds become
 *   administered when they are groups or channels, so their moderation works as before.
 * - `sandbox_members`: the members the account banned or muted, per chat; their later injected
 *   messages do not arrive, as the real platforms refuse them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sandbox_chats', (t) => {
    t.boolean('admin').notNullable().defaultTo(false);
  });
  await knex('sandbox_chats').whereIn('type', ['group', 'channel']).update({ admin: true });

  await knex.schema.createTable('sandbox_members', (t) => {
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('chat_key').notNullable();
    t.text('user_id').notNullable();
    t.boolean('banned').notNullable().defaultTo(false);
    // Null with `muted` false: not muted; null with `muted` true: muted until lifted.
    t.boolean('muted').notNullable().defaultTo(false);
    t.timestamp('muted_until', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['account_id', 'chat_key', 'user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sandbox_members');
  await knex.schema.alterTable('sandbox_chats', (t) => {
    t.dropColumn('admin');
  });
}
