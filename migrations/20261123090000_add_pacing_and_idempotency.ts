import type { Knex } from 'knex';

/** Per-account send budgets and their state, idempotency keys, and the sandbox's PEER_FLOOD fault. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_pacing', (t) => {
    t.uuid('account_id').primary().references('accounts.id').onDelete('CASCADE');
    t.integer('min_gap_ms').notNullable();
    t.integer('jitter_ms').notNullable();
    t.integer('per_minute').notNullable();
    t.integer('per_day').notNullable();
    t.timestamp('next_send_at', { useTz: true });
    t.timestamp('paused_until', { useTz: true });
    t.date('day');
    t.integer('sent_today').notNullable().defaultTo(0);
    t.timestamp('minute_started_at', { useTz: true });
    t.integer('sent_this_minute').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.integer('status');
    t.jsonb('response');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'key']);
    t.index(['created_at']);
  });

  await knex.schema.alterTable('sandbox_faults', (t) => {
    t.boolean('peer_flood').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sandbox_faults', (t) => t.dropColumn('peer_flood'));
  await knex.schema.dropTableIfExists('idempotency_keys');
  await knex.schema.dropTableIfExists('account_pacing');
}
