import type { Knex } from 'knex';

/**
 * One opt-out for every campaign: each user's opt-out words (an inbound private message that is
 * one of them opts its sender's contact out), and `opt_out` among the automations the automation
 * log records.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contact_settings', (t) => {
    t.uuid('user_id').primary().references('users.id').onDelete('CASCADE');
    t.specificType('opt_out_words', 'text[]').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table automation_log drop constraint automation_log_feature_check');
  await knex.raw(`alter table automation_log add constraint automation_log_feature_check check (feature in ('auto_reply', 'welcome', 'antispam', 'opt_out'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`delete from automation_log where feature = 'opt_out'`);
  await knex.raw('alter table automation_log drop constraint automation_log_feature_check');
  await knex.raw(`alter table automation_log add constraint automation_log_feature_check check (feature in ('auto_reply', 'welcome', 'antispam'))`);
  await knex.schema.dropTableIfExists('contact_settings');
}
