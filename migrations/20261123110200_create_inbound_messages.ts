import type { Knex } from 'knex';

/**
 * Messages received by WhatsApp accounts, kept for INBOUND_RETENTION_DAYS so they can be searched:
 * WhatsApp has no server-side search, and a linked device only sees what it received.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('inbound_messages', (t) => {
    t.bigIncrements('id');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('chat_key').notNullable();
    // The port's numeric message id (a hash of chat and WhatsApp id), unique within a chat.
    t.bigInteger('message_id').notNullable();
    t.text('from_id');
    t.text('from_username');
    t.text('from_name');
    t.text('text').notNullable();
    t.timestamp('date', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['account_id', 'chat_key', 'message_id']);
    t.index(['account_id', 'chat_key', 'date']);
    t.index(['date']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('inbound_messages');
}
