import type { Knex } from 'knex';

/**
 * Profile photos on their way to the platform. A photo (up to 10 MiB) is too large for a
 * Temporal payload, so the API stages it here and the workflow passes its id to the session
 * activity, which deletes it once set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('photo_uploads', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.binary('data').notNullable();
    t.text('mime_type').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('photo_uploads');
}
