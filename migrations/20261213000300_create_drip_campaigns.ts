import type { Knex } from 'knex';

/**
 * Drip campaigns: a sequence of steps (a message or template, each after its delay) that every
 * target of a campaign goes through on durable timers, one enrollment — and one workflow,
 * `drip-<campaign id>-target-<key>` — per target. An enrollment's row is the truth about where it
 * stands (its next step, when that is due, the delay left while paused); its workflow sleeps until
 * then and asks the row again, so a pause, an edit or a reply that stops it holds even if the
 * workflow never heard of it. Each step is a send run (origin `drip`, business key campaign ×
 * target × step), so a step is sent once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('drip_campaigns', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('name').notNullable();
    // [{message?, template_id?, delay_minutes}]
    t.jsonb('steps').notNullable();
    t.jsonb('send_window');
    t.boolean('stop_on_reply').notNullable().defaultTo(false);
    // As given: target keys, contact ids, {"tag": …}, {"segment": …}; resolved at start.
    t.jsonb('targets').notNullable().defaultTo('[]');
    t.text('status').notNullable().defaultTo('draft').checkIn(['draft', 'active', 'paused']);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'created_at']);
  });
  await knex.schema.createTable('drip_enrollments', (t) => {
    t.bigIncrements('id');
    t.uuid('campaign_id').notNullable().references('drip_campaigns.id').onDelete('CASCADE');
    t.text('target_key').notNullable();
    t.uuid('contact_id').references('contacts.id').onDelete('SET NULL');
    t.text('status').notNullable().checkIn(['active', 'paused', 'completed', 'stopped', 'cancelled']);
    // The step to send next (0-based), when it is due, and the delay left while paused.
    t.integer('next_step').notNullable().defaultTo(0);
    t.timestamp('next_send_at', { useTz: true });
    t.bigInteger('remaining_ms');
    // When the last step was sent (or the enrollment began): the next step's delay counts from it.
    t.timestamp('step_base_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('stop_reason');
    t.timestamp('enrolled_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['campaign_id', 'target_key']);
  });
  // stop_on_reply looks enrollments up by target.
  await knex.raw(`create index drip_enrollments_live on drip_enrollments (target_key) where status in ('active', 'paused')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('drip_enrollments');
  await knex.schema.dropTableIfExists('drip_campaigns');
}
