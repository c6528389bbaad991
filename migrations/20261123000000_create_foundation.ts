import type { Knex } from 'knex';

/** Users, API keys, accounts, the sandbox world, templates, broadcasts and the delivery ledger. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.text('name').notNullable();
    t.text('role').notNullable().checkIn(['admin', 'user']);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE').index();
    t.text('key_hash').notNullable().unique();
    t.text('prefix').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
  });

  await knex.schema.createTable('accounts', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE').index();
    t.text('platform').notNullable().checkIn(['telegram', 'whatsapp']);
    t.text('name').notNullable();
    t.text('phone');
    t.boolean('sandbox').notNullable().defaultTo(false);
    t.text('status').notNullable();
    t.text('session_secret');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Chats AutoHub knows for an account (scan results); what GET /api/v1/groups lists.
  await knex.schema.createTable('chats', (t) => {
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('platform_id').notNullable();
    t.text('type').notNullable().checkIn(['group', 'channel', 'contact']);
    t.text('title').notNullable();
    t.text('username');
    t.integer('members');
    t.timestamp('last_activity_at', { useTz: true });
    t.timestamp('scanned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['account_id', 'key']);
  });

  // The simulated platform's side: its world, its outbox, its faults, its pending inbound events.
  await knex.schema.createTable('sandbox_chats', (t) => {
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('platform_id').notNullable();
    t.text('type').notNullable();
    t.text('title').notNullable();
    t.text('username');
    t.integer('members');
    t.boolean('writable').notNullable().defaultTo(true);
    t.timestamp('last_activity_at', { useTz: true });
    t.primary(['account_id', 'key']);
    t.index(['account_id', 'platform_id']);
  });

  await knex.schema.createTable('sandbox_messages', (t) => {
    t.bigIncrements('id');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('chat_key').notNullable();
    t.integer('message_id').notNullable();
    t.text('from_id');
    t.text('from_username');
    t.text('from_name');
    t.text('text').notNullable();
    t.timestamp('date', { useTz: true }).notNullable();
    t.index(['account_id', 'chat_key', 'date']);
  });

  await knex.schema.createTable('sandbox_outbox', (t) => {
    t.bigIncrements('id');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('type').notNullable().checkIn(['message', 'delete', 'ban', 'mute', 'warn']);
    t.text('chat_key').notNullable();
    t.text('text');
    t.text('user_id');
    t.text('reply_to');
    // The sender's de-duplication id: a repeated one is not delivered twice.
    t.text('client_message_id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['account_id', 'client_message_id']);
    t.index(['account_id', 'id']);
  });

  await knex.schema.createTable('sandbox_faults', (t) => {
    t.uuid('account_id').primary().references('accounts.id').onDelete('CASCADE');
    t.integer('flood_wait_seconds').notNullable().defaultTo(0);
    t.integer('flood_wait_sends').notNullable().defaultTo(0);
    t.jsonb('forbidden_keys').notNullable().defaultTo('[]');
    t.boolean('disconnect').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('sandbox_inbound', (t) => {
    t.bigIncrements('id');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.jsonb('event').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true });
    t.index(['account_id', 'delivered_at']);
  });

  await knex.schema.createTable('sandbox_profiles', (t) => {
    t.uuid('account_id').primary().references('accounts.id').onDelete('CASCADE');
    t.text('platform_user_id').notNullable();
    t.text('first_name').notNullable();
    t.text('last_name').notNullable().defaultTo('');
    t.text('username');
    t.text('about').notNullable().defaultTo('');
    t.binary('photo');
    t.text('photo_mime_type');
  });

  await knex.schema.createTable('templates', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE').index();
    t.text('name').notNullable();
    t.text('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('broadcasts', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE').index();
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE').index();
    t.text('platform').notNullable();
    t.text('name');
    t.text('schedule_type').notNullable().checkIn(['now', 'interval', 'daily']);
    t.text('message');
    t.uuid('template_id').references('templates.id').onDelete('RESTRICT');
    t.jsonb('target_keys').notNullable();
    t.double('interval_minutes');
    t.text('daily_time');
    t.text('timezone');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.integer('run_count').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('broadcast_runs', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('broadcast_id').notNullable().references('broadcasts.id').onDelete('CASCADE');
    t.integer('run_number').notNullable();
    t.text('workflow_id').notNullable().unique();
    t.text('status').notNullable().checkIn(['running', 'completed', 'failed', 'cancelled']);
    t.text('message').notNullable();
    t.integer('sent').notNullable().defaultTo(0);
    t.integer('failed').notNullable().defaultTo(0);
    t.text('error');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.unique(['broadcast_id', 'run_number']);
  });

  // The delivery ledger: one row per run and target, written before the send.
  await knex.schema.createTable('deliveries', (t) => {
    t.bigIncrements('id');
    t.uuid('run_id').notNullable().references('broadcast_runs.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('target_key').notNullable();
    t.text('status').notNullable().checkIn(['pending', 'sent', 'failed']);
    t.uuid('client_message_id').notNullable().defaultTo(knex.fn.uuid());
    t.text('platform_message_id');
    t.text('error');
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['run_id', 'target_key']);
  });

  // Domain events (analytics, webhooks and the inbound router write here).
  await knex.schema.createTable('events', (t) => {
    t.bigIncrements('id');
    t.uuid('user_id').references('users.id').onDelete('CASCADE');
    t.uuid('account_id').references('accounts.id').onDelete('SET NULL');
    t.text('type').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'created_at']);
    t.index(['type', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'events',
    'deliveries',
    'broadcast_runs',
    'broadcasts',
    'templates',
    'sandbox_profiles',
    'sandbox_inbound',
    'sandbox_faults',
    'sandbox_outbox',
    'sandbox_messages',
    'sandbox_chats',
    'chats',
    'accounts',
    'api_keys',
    'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
