import type { Knex } from 'knex';

/**
 * What anti-spam and welcome/goodbye need from the inbound pipeline's tables.
 *
 * - `inbound_events.sender_id`: who posted a message, or who joined or left: the flood check
 *   counts a sender's recent messages in a chat, and the new-member check finds their last join.
 * - `automation_log.details`: what an action needs to be carried out (the message to delete, the
 *   end of a mute), `error`: why the platform refused it, and `updated_at`: when its result last
 *   changed. A moderation action is
 *   logged `pending` in the transaction that decides it, and its result set once the platform
 *   answered, so a worker that dies in between carries it out after restart.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inbound_events', (t) => {
    t.text('sender_id');
  });
  await knex.raw(`update inbound_events set sender_id = coalesce(payload->'from'->>'id', payload->'user'->>'id')`);
  await knex.raw(`create index inbound_events_sender on inbound_events (account_id, chat_key, sender_id, id)`);

  await knex.schema.alterTable('automation_log', (t) => {
    t.jsonb('details');
    t.text('error');
    t.timestamp('updated_at', { useTz: true });
    t.index(['user_id', 'id']);
  });
  // The actions still to carry out for an event.
  await knex.raw(`create index automation_log_pending on automation_log (inbound_event_id) where result = 'pending'`);

  await knex.schema.alterTable('welcome_greetings', (t) => {
    t.dropColumn('welcome_message_id');
    t.uuid('send_run_id').references('send_runs.id').onDelete('SET NULL');
  });

  await knex.schema.alterTable('sandbox_chats', (t) => {
    t.integer('last_message_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sandbox_chats', (t) => {
    t.dropColumn('last_message_id');
  });
  await knex.schema.alterTable('welcome_greetings', (t) => {
    t.dropColumn('send_run_id');
    t.text('welcome_message_id');
  });
  await knex.raw('drop index if exists automation_log_pending');
  await knex.schema.alterTable('automation_log', (t) => {
    t.dropIndex(['user_id', 'id']);
    t.dropColumn('details');
    t.dropColumn('error');
    t.dropColumn('updated_at');
  });
  await knex.raw('drop index if exists inbound_events_sender');
  await knex.schema.alterTable('inbound_events', (t) => {
    t.dropColumn('sender_id');
  });
}
