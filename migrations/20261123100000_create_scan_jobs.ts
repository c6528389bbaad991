import type { Knex } from 'knex';

/**
 * Scan jobs (one per scan workflow `scan-<id>`, holding its parameters and, once done, its
 * result or error) and the search-reply ledger that keeps an account from answering the same
 * user twice for the same keywords within the configured window.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scan_jobs', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('kind').notNullable().checkIn(['chats', 'messages', 'search_reply', 'discover']);
    t.text('status').notNullable().checkIn(['running', 'completed', 'failed']);
    t.text('workflow_id').notNullable().unique();
    t.jsonb('params').notNullable();
    t.jsonb('result');
    t.text('error');
    // The failure type the workflow raised, from which the API picks the HTTP status.
    t.text('error_type');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.index(['user_id', 'created_at']);
    t.index(['account_id', 'created_at']);
  });

  // One row per account, user and keyword set: reserved before the reply is sent, with the
  // client message id the platform de-duplicates a retried send by.
  await knex.schema.createTable('search_replies', (t) => {
    t.bigIncrements('id');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('user_key').notNullable();
    t.text('keywords_key').notNullable();
    t.uuid('job_id').references('scan_jobs.id').onDelete('SET NULL');
    t.text('target_key').notNullable();
    t.text('username');
    t.text('user_name');
    t.text('chat_key').notNullable();
    t.text('chat_title').notNullable();
    t.integer('message_id').notNullable();
    t.text('matched_text').notNullable();
    t.uuid('client_message_id').notNullable();
    t.text('status').notNullable().checkIn(['pending', 'sent', 'failed']);
    t.text('error');
    t.timestamp('reserved_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.unique(['account_id', 'user_key', 'keywords_key']);
    t.index(['job_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('search_replies');
  await knex.schema.dropTableIfExists('scan_jobs');
}
