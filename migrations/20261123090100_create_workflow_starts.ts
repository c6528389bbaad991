import type { Knex } from 'knex';

/**
 * Workflows to start, written in the same transaction as the rows they act on (a transactional
 * outbox): the API answers without waiting for Temporal, and no row is left without its workflow.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('workflow_starts', (t) => {
    t.bigIncrements('id');
    t.text('workflow_id').notNullable().unique();
    t.text('workflow_type').notNullable();
    t.text('task_queue').notNullable();
    t.jsonb('args').notNullable();
    t.jsonb('memo').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('workflow_starts');
}
