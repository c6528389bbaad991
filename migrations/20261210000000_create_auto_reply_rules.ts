import type { Knex } from 'knex';

/**
 * Keyword auto-reply rules, and when each last answered in each cooldown scope. The inbound
 * pipeline reads the cooldowns before it answers and writes them when it does.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('auto_reply_rules', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('account_id').references('accounts.id').onDelete('CASCADE');
    t.text('platform').checkIn(['telegram', 'whatsapp']);
    t.text('keyword').notNullable();
    t.text('response').notNullable();
    t.text('match_mode').notNullable().checkIn(['exact', 'contains', 'starts_with', 'ends_with', 'word', 'regex']);
    t.boolean('case_sensitive').notNullable().defaultTo(false);
    t.boolean('accent_sensitive').notNullable().defaultTo(false);
    t.integer('priority').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    // Null: the default kinds of chat (see domain/auto-replies effectiveChatTypes).
    t.specificType('chat_types', 'text[]');
    t.specificType('allow_chats', 'text[]').notNullable().defaultTo('{}');
    t.specificType('deny_chats', 'text[]').notNullable().defaultTo('{}');
    t.text('reply_in').notNullable().checkIn(['chat', 'private']);
    t.integer('cooldown_seconds').notNullable();
    t.integer('chat_cooldown_seconds');
    t.integer('account_cooldown_seconds');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'priority', 'created_at']);
    t.index(['account_id']);
  });

  // One row per rule and scope: `sender` (an account's chat and a sender in it), `chat` (an
  // account's chat) or `account`; the keys a scope does not use are '' so the unique key holds.
  await knex.schema.createTable('auto_reply_cooldowns', (t) => {
    t.uuid('rule_id').notNullable().references('auto_reply_rules.id').onDelete('CASCADE');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('scope').notNullable().checkIn(['sender', 'chat', 'account']);
    t.text('chat_key').notNullable().defaultTo('');
    t.text('sender_id').notNullable().defaultTo('');
    t.timestamp('last_fired_at', { useTz: true }).notNullable();
    t.primary(['rule_id', 'account_id', 'scope', 'chat_key', 'sender_id']);
  });
  await knex.raw(`
    ALTER TABLE auto_reply_cooldowns ADD CONSTRAINT auto_reply_cooldowns_scope_keys CHECK (
      (scope = 'sender' AND chat_key <> '' AND sender_id <> '') OR
      (scope = 'chat' AND chat_key <> '' AND sender_id = '') OR
      (scope = 'account' AND chat_key = '' AND sender_id = '')
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('auto_reply_cooldowns');
  await knex.schema.dropTableIfExists('auto_reply_rules');
}
