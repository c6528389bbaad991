import type { Knex } from 'knex';

/**
 * Where each real account's login stands (code sent, QR shown, 2FA awaited, failed), so the API
 * can show it while the login itself lives in a worker process.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_logins', (t) => {
    t.uuid('account_id').primary().references('accounts.id').onDelete('CASCADE');
    // The run id of the login workflow that owns the row: writes from a superseded attempt are ignored.
    t.text('attempt').notNullable();
    t.text('method').notNullable().checkIn(['phone', 'qr', 'pairing_code']);
    t.text('status').notNullable().checkIn(['code_sent', 'pairing_code', 'qr', 'password_required', 'failed']);
    t.text('qr');
    t.text('qr_png');
    t.text('pairing_code');
    t.text('hint');
    t.text('error');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('account_logins');
}
