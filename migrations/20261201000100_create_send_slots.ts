import type { Knex } from 'knex';

/**
 * The pacing slot reserved for each paced send, by its client message id: a slot the activity
 * hands to its workflow as a durable timer stays that send's slot when the next activity picks
 * the send up, instead of a new slot being reserved after it (which halved accounts' rates).
 * Old slots are pruned.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('send_slots', (t) => {
    t.text('client_message_id').primary();
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.timestamp('at', { useTz: true }).notNullable();
    t.timestamp('reserved_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('send_slots');
}
