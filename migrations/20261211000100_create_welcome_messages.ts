import type { Knex } from 'knex';

/**
 * Welcome and goodbye configs, one per owner and chat key (or `_default`), and the greetings the
 * inbound pipeline sent: one row per join it covered, so nobody is greeted twice for one join.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('welcome_configs', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    // A canonical chat key (see domain/welcome canonicalWelcomeGroup), or '_default'.
    t.text('group_id').notNullable();
    t.text('welcome_text');
    t.text('goodbye_text');
    t.boolean('welcome_enabled').notNullable();
    t.boolean('goodbye_enabled').notNullable();
    t.boolean('delete_previous').notNullable().defaultTo(false);
    t.integer('burst_joins').notNullable();
    t.integer('burst_window_seconds').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'group_id']);
  });
  // An enabled message always has its text, whoever writes the row.
  await knex.raw(`
    ALTER TABLE welcome_configs ADD CONSTRAINT welcome_configs_enabled_has_text CHECK (
      (NOT welcome_enabled OR welcome_text IS NOT NULL) AND (NOT goodbye_enabled OR goodbye_text IS NOT NULL)
    )`);

  await knex.schema.createTable('welcome_greetings', (t) => {
    t.bigIncrements('id');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('chat_key').notNullable();
    // The platform's id of the member who joined.
    t.text('member_id').notNullable();
    t.bigInteger('join_event_id').notNullable().references('inbound_events.id').onDelete('CASCADE');
    t.timestamp('greeted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The platform's id of the welcome sent, for delete_previous; null until it is known.
    t.text('welcome_message_id');
    t.unique(['account_id', 'join_event_id']);
    // The chat's latest welcome, for delete_previous.
    t.index(['account_id', 'chat_key', 'greeted_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('welcome_greetings');
  await knex.schema.dropTableIfExists('welcome_configs');
}
