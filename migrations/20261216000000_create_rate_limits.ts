import type { Knex } from 'knex';

/**
 * The request counters every API process shares (rate-limiter-flexible's PostgreSQL layout: the
 * limited subject, requests counted, when its window ends in epoch ms). Unlogged: a counter is
 * written on every request and is worth nothing after a crash, so it skips the WAL. And each
 * API key's own limit, which admins set (null: the server's AUTOHUB_RATE_LIMIT_PER_MINUTE).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create unlogged table rate_limits (key varchar(255) primary key, points integer not null default 0, expire bigint)`);
  await knex.schema.alterTable('api_keys', (t) => {
    t.integer('rate_limit_per_minute').nullable();
  });
  await knex.raw('alter table api_keys add constraint api_keys_rate_limit_positive check (rate_limit_per_minute >= 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('rate_limit_per_minute');
  });
  await knex.raw('drop table rate_limits');
}
