import type { Knex } from 'knex';

/**
 * What live sessions keep between restarts: the Telegram peer cache, and the WhatsApp auth state
 * (creds and signal keys, each value sealed with AUTOHUB_SECRET_KEY).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('telegram_peers', (t) => {
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('type').notNullable().checkIn(['user', 'chat', 'channel']);
    t.text('peer_id').notNullable();
    t.text('access_hash');
    t.text('username');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['account_id', 'key']);
  });

  await knex.schema.createTable('whatsapp_auth_creds', (t) => {
    t.uuid('account_id').primary().references('accounts.id').onDelete('CASCADE');
    t.text('creds').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // No check on `type`: a Baileys upgrade that adds a key family must not need a migration.
  await knex.schema.createTable('whatsapp_auth_keys', (t) => {
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('type').notNullable();
    t.text('key_id').notNullable();
    t.text('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['account_id', 'type', 'key_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['whatsapp_auth_keys', 'whatsapp_auth_creds', 'telegram_peers']) {
    await knex.schema.dropTableIfExists(table);
  }
}
