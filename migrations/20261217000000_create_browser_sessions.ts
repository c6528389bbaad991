import type { Knex } from 'knex';

/**
 * Browser sessions of the dashboard: an API key exchanged for a cookie. Only the hash of the
 * cookie's token is kept; the CSRF token is not a credential by itself (it is useless without the
 * HttpOnly cookie), so it is kept as given. A session belongs to the key it was exchanged with:
 * revoking the key, or deleting its user, ends it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('browser_sessions', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.text('token_hash').notNullable().unique();
    t.text('csrf_token').notNullable();
    t.uuid('api_key_id').notNullable().references('id').inTable('api_keys').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['api_key_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('browser_sessions');
}
