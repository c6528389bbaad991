import type { Knex } from 'knex';

/**
 * A/B tests: variants of a message sent to a deterministic split of target groups (one send run per
 * variant, origin `ab_test`), results counted from the ledger plus what the owner records, and the
 * decision — the winner by a two-proportion z-test — with the message sent to the groups held back
 * when the test first tried the variants on a sample.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ab_tests', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('name').notNullable();
    // [{name, template?, template_id?, weight}], as created.
    t.jsonb('variants').notNullable();
    t.specificType('groups', 'text[]').notNullable();
    t.integer('sample_percent');
    t.double('decide_after_minutes');
    t.text('status').notNullable().defaultTo('draft').checkIn(['draft', 'running', 'completed']);
    // {variant: [groups]} and the groups held back for the winner, fixed at start.
    t.jsonb('split');
    t.specificType('rest', 'text[]');
    // {variant: {sent, delivered, failed}} recorded through the API, added to the ledger's counts.
    t.jsonb('external_results').notNullable().defaultTo('{}');
    t.jsonb('decision');
    t.timestamp('started_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ab_tests');
}
