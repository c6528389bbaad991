import type { Knex } from 'knex';

/**
 * The contact CRM: each user's contacts and their interactions.
 *
 * - A contact's `phone` is E.164 when it parses (`phone_e164` then holds the same), else the raw
 *   value as given (`phone_e164` null). Phone and the platform identities (`telegram_id`,
 *   `username` — a Telegram username, lower case, no @ — and `whatsapp_jid`) are each unique per
 *   user, which is what an import de-duplicates on.
 * - `search_text` (name, phone, username, lower case) carries a trigram index, so a substring
 *   search stays fast at 100,000 contacts; `tags` a GIN index for the tag filter.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');
  await knex.schema.createTable('contacts', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name');
    t.text('phone');
    t.text('phone_e164');
    t.text('username');
    t.text('telegram_id');
    t.text('whatsapp_jid');
    t.specificType('tags', 'text[]').notNullable().defaultTo('{}');
    t.text('segment');
    t.jsonb('fields').notNullable().defaultTo('{}');
    t.boolean('opted_out').notNullable().defaultTo(false);
    t.timestamp('opted_out_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The list's default order, and the export's keyset paging.
    t.index(['user_id', 'created_at', 'id']);
    t.index(['user_id', 'segment']);
  });
  await knex.raw(`
    alter table contacts add column search_text text generated always as (
      lower(coalesce(name, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(username, ''))
    ) stored`);
  await knex.raw('create index contacts_search on contacts using gin (search_text gin_trgm_ops)');
  await knex.raw('create index contacts_tags on contacts using gin (tags)');
  for (const column of ['phone_e164', 'username', 'telegram_id', 'whatsapp_jid']) {
    await knex.raw(`create unique index contacts_${column} on contacts (user_id, ${column}) where ${column} is not null`);
  }

  await knex.schema.createTable('contact_interactions', (t) => {
    t.bigIncrements('id');
    t.uuid('contact_id').notNullable().references('contacts.id').onDelete('CASCADE');
    t.text('type').notNullable();
    t.text('note');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['contact_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('contact_interactions');
  await knex.schema.dropTableIfExists('contacts');
}
