import type { Knex } from 'knex';

/**
 * What rebuilds the WhatsApp key of a received message, so a moderator can delete it for
 * everyone later: WhatsApp's own message id and, in groups, the participant it came from. The
 * port's numeric `message_id` is a hash of these and cannot be turned back. Rows stored before
 * have neither; their messages can be searched but not deleted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inbound_messages', (t) => {
    t.text('wa_message_id');
    t.text('participant');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inbound_messages', (t) => {
    t.dropColumn('participant');
    t.dropColumn('wa_message_id');
  });
}
