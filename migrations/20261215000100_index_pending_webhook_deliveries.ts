import type { Knex } from 'knex';

/**
 * The pending webhook deliveries, so `/metrics` counts them and finds the oldest without reading
 * every delivery ever made: only pending rows are in it, and a delivery leaves it once settled.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index webhook_deliveries_pending on webhook_deliveries (created_at) where status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index webhook_deliveries_pending');
}
