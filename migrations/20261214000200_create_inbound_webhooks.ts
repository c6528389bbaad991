import type { Knex } from 'knex';

/**
 * Inbound webhooks: URLs outside systems POST to (`/api/webhooks/inbound/<id>`, no API key), each
 * running one configured action of its owner's.
 * - `inbound_webhooks.id` is the credential of an unsigned hook, so it is random text of 128 bits
 *   or more (base64url), not a uuid anyone could enumerate; `secret`, when set, is sealed with the
 *   secret box and requests must carry its Standard Webhooks signature.
 * - `inbound_webhook_receipts`: one row per request accepted, unique per hook and `webhook-id` so
 *   a sender's retry is accepted once; its workflow (`inbound-webhook-<receipt id>`) runs the
 *   action and writes the outcome here.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('inbound_webhooks', (t) => {
    t.text('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('secret');
    // {"type": "run_broadcast" | "send_message" | "upsert_contact" | "enroll_drip", …} (domain/inbound-webhooks).
    t.jsonb('action').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'created_at']);
  });
  await knex.schema.createTable('inbound_webhook_receipts', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.text('hook_id').notNullable().references('inbound_webhooks.id').onDelete('CASCADE');
    // The sender's `webhook-id`; null when it sent none (every such request is new).
    t.text('webhook_id');
    t.text('status').notNullable().defaultTo('pending').checkIn(['pending', 'sending', 'succeeded', 'failed']);
    // The public id of the `inbound.webhook` event recorded with the receipt.
    t.uuid('event_id');
    t.jsonb('result');
    t.text('error');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.unique(['hook_id', 'webhook_id']);
    t.index(['hook_id', 'received_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('inbound_webhook_receipts');
  await knex.schema.dropTableIfExists('inbound_webhooks');
}
