import type { Knex } from 'knex';

/**
 * Who serves each session shard of a Temporal namespace: the one worker holding its lease, renewed
 * by heartbeat. Another worker takes a shard over once its lease has expired (its holder died or
 * lost the database) or was released (its holder stopped).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('session_shard_leases', (t) => {
    t.text('namespace').notNullable();
    t.integer('shard').notNullable();
    t.text('owner').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('acquired_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('renewed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['namespace', 'shard']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('session_shard_leases');
}
