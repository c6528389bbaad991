import type { Knex } from 'knex';

/**
 * Webhook deliveries can be sent again (replay, recover): each new attempt series gets the next
 * `series`, and a workflow carrying an older one stops at its next attempt instead of sending.
 * The status index serves a hook's counts and recover's search for its failed deliveries.
 * A hook's last failure names its delivery and status code, so GET /api/webhooks/:id shows them
 * without searching the attempts.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.integer('series').notNullable().defaultTo(0);
    t.index(['webhook_id', 'status', 'created_at'], 'webhook_deliveries_webhook_status');
  });
  await knex.schema.alterTable('webhooks', (t) => {
    t.uuid('last_failure_delivery_id');
    t.integer('last_failure_status_code');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhooks', (t) => {
    t.dropColumn('last_failure_status_code');
    t.dropColumn('last_failure_delivery_id');
  });
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.dropIndex(['webhook_id', 'status', 'created_at'], 'webhook_deliveries_webhook_status');
    t.dropColumn('series');
  });
}
