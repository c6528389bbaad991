import type { Knex } from 'knex';

/**
 * The analytics rollups, maintained in the same statement as every event (see events.repo), so
 * analytics over a month read thousands of rows, not a row per event (or per chat and hour):
 * - `analytics_daily`: per user, account, chat, UTC day and type (per-chat numbers and the export).
 * - `analytics_account_hourly`: per user, account, hour and type, without the chat (summaries, peak
 *   hours, per-account numbers). An account sends one message at a time, so its row is not a hot spot.
 * Both are filled from the events already recorded.
 * `events_automation` is the automation report's index: the user's automation events, newest first,
 * without walking past every message event; `events_created_at` orders everyone's events (an
 * admin's feed) by when they happened.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('analytics_daily', (t) => {
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    // The nil uuid for events of no account (no foreign key: a deleted account's numbers stay); '' for no chat.
    t.uuid('account_id').notNullable();
    t.text('chat_key').notNullable();
    t.date('day').notNullable();
    t.text('event_type').notNullable();
    t.bigInteger('count').notNullable();
    t.primary(['user_id', 'account_id', 'chat_key', 'day', 'event_type']);
  });
  await knex.raw('create index analytics_daily_user_day on analytics_daily (user_id, day) include (account_id, chat_key, event_type, count)');
  await knex.raw('create index analytics_daily_day on analytics_daily (day)');

  await knex.schema.createTable('analytics_account_hourly', (t) => {
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('account_id').notNullable();
    t.timestamp('hour', { useTz: true }).notNullable();
    t.text('event_type').notNullable();
    t.bigInteger('count').notNullable();
    t.primary(['user_id', 'account_id', 'hour', 'event_type']);
  });
  await knex.raw('create index analytics_account_hourly_user_hour on analytics_account_hourly (user_id, hour) include (account_id, event_type, count)');
  await knex.raw('create index analytics_account_hourly_hour on analytics_account_hourly (hour)');

  await knex.raw(`
    insert into analytics_daily (user_id, account_id, chat_key, day, event_type, count)
    select user_id, coalesce(account_id, '00000000-0000-0000-0000-000000000000'), coalesce(chat_key, ''), (created_at at time zone 'UTC')::date, type, count(*)
    from events where user_id is not null group by 1, 2, 3, 4, 5`);
  await knex.raw(`
    insert into analytics_account_hourly (user_id, account_id, hour, event_type, count)
    select user_id, coalesce(account_id, '00000000-0000-0000-0000-000000000000'), date_trunc('hour', created_at), type, count(*)
    from events where user_id is not null group by 1, 2, 3, 4`);

  await knex.raw('create index events_created_at on events (created_at, id)');
  await knex.raw(`create index events_automation on events (user_id, created_at, id) where ${AUTOMATION_PREDICATE}`);
}

/** Must stay identical to the report's query (see analytics.repo) for PostgreSQL to use the index. */
const AUTOMATION_PREDICATE = `(type like 'broadcast.run.%' or type like 'drip.%' or type like 'webhook.%' or type in ('auto_reply.sent', 'welcome.sent', 'spam.action', 'abtest.completed', 'contact.opted_out', 'inbound.webhook'))`;

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists events_automation');
  await knex.raw('drop index if exists events_created_at');
  await knex.schema.dropTableIfExists('analytics_account_hourly');
  await knex.schema.dropTableIfExists('analytics_daily');
}
