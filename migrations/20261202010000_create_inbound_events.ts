import type { Knex } from 'knex';

/**
 * The durable inbound pipeline.
 *
 * - `inbound_events`: every event a live session receives, stored once (unique per account and
 *   the platform's event key) before anything acts on it, and marked processed in the transaction
 *   that enqueues what it causes; an event stored before a crash is processed after it.
 * - `automation_log`: every action an automation took or would have taken (feature, rule, chat,
 *   user, what, why, result), for operators and the reports to come.
 * - `deliveries.reply_to`: the message a sent message answers (an auto-reply quoting its trigger).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('inbound_events', (t) => {
    t.bigIncrements('id');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('event_key').notNullable();
    t.text('type').notNullable().checkIn(['message', 'join', 'leave']);
    t.text('chat_key').notNullable();
    t.jsonb('payload').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('processed_at', { useTz: true });
    t.unique(['account_id', 'event_key']);
    t.index(['received_at']);
  });
  await knex.schema.createTable('automation_log', (t) => {
    t.bigIncrements('id');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.bigInteger('inbound_event_id').references('inbound_events.id').onDelete('SET NULL');
    t.text('feature').notNullable().checkIn(['auto_reply', 'welcome', 'antispam']);
    t.text('rule_id');
    t.text('chat_key').notNullable();
    t.text('platform_user_id');
    t.text('action').notNullable();
    t.text('reason');
    t.text('result').notNullable();
    t.uuid('send_run_id').references('send_runs.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['account_id', 'created_at']);
  });
  await knex.schema.alterTable('deliveries', (t) => {
    t.bigInteger('reply_to');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropColumn('reply_to');
  });
  await knex.schema.dropTable('automation_log');
  await knex.schema.dropTable('inbound_events');
}
