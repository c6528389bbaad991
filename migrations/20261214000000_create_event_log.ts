import type { Knex } from 'knex';

/**
 * The one event log and what reads it as it is written:
 * - `events` gains its public id (`event_id`, stable, what webhooks and the API show) and the chat
 *   it concerns (`chat_key`), so its rollups can be rebuilt from it alone.
 * - `webhooks`, `webhook_deliveries`, `webhook_attempts`: outbound hooks, one delivery per event
 *   and matching hook (written with the event, so none is lost), and every attempt made.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.uuid('event_id').notNullable().defaultTo(knex.fn.uuid()).unique();
    t.text('chat_key');
  });

  await knex.schema.createTable('webhooks', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('url').notNullable();
    // Event types, `*`, or prefixes such as `message.*`.
    t.specificType('events', 'text[]').notNullable();
    // Sealed with the secret box; the previous secret stays valid until `previous_secret_expires_at`.
    t.text('secret').notNullable();
    t.text('previous_secret');
    t.timestamp('previous_secret_expires_at', { useTz: true });
    t.boolean('enabled').notNullable().defaultTo(true);
    t.text('disabled_reason');
    t.integer('consecutive_failures').notNullable().defaultTo(0);
    t.timestamp('failing_since', { useTz: true });
    t.timestamp('last_success_at', { useTz: true });
    t.timestamp('last_failure_at', { useTz: true });
    t.text('last_failure');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'created_at']);
  });

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('webhook_id').notNullable().references('webhooks.id').onDelete('CASCADE');
    t.bigInteger('event_id').notNullable().references('events.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('status').notNullable().defaultTo('pending').checkIn(['pending', 'delivered', 'failed']);
    t.integer('attempts').notNullable().defaultTo(0);
    // When a dispatcher should take the delivery up; null once a workflow carries it.
    t.timestamp('dispatch_at', { useTz: true }).defaultTo(knex.fn.now());
    t.integer('last_status_code');
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true });
    t.index(['webhook_id', 'created_at']);
    t.index(['user_id', 'created_at']);
  });
  await knex.raw('create index webhook_deliveries_due on webhook_deliveries (dispatch_at) where dispatch_at is not null');

  await knex.schema.createTable('webhook_attempts', (t) => {
    t.bigIncrements('id');
    t.uuid('delivery_id').notNullable().references('webhook_deliveries.id').onDelete('CASCADE');
    t.integer('attempt').notNullable();
    t.integer('status_code');
    t.integer('duration_ms').notNullable();
    t.text('error');
    // The first few KiB of the answer.
    t.text('response_body');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['delivery_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('webhook_attempts');
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhooks');
  await knex.schema.alterTable('events', (t) => {
    t.dropColumn('chat_key');
    t.dropColumn('event_id');
  });
}
