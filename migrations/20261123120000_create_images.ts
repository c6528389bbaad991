import type { Knex } from 'knex';

/**
 * A user's image library: what broadcasts send with their caption. Images live in the database,
 * not on a disk, so an API and a worker on different machines see the same bytes; one row per
 * user and content (a repeated upload finds the first). A broadcast names its image and each run
 * fixes the one it sends, as it fixes its text; an image in use cannot be deleted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('images', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.binary('data').notNullable();
    t.text('mime_type').notNullable();
    t.integer('size_bytes').notNullable();
    t.text('sha256').notNullable();
    // Where the image was fetched from, when it came from image_url.
    t.text('source_url');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'sha256']);
  });
  await knex.schema.alterTable('broadcasts', (t) => {
    t.uuid('image_id').references('images.id').onDelete('RESTRICT').index();
  });
  await knex.schema.alterTable('broadcast_runs', (t) => {
    t.uuid('image_id').references('images.id').onDelete('RESTRICT').index();
  });
  // What the simulated platform sent with a message: the image's identity, not its bytes.
  await knex.schema.alterTable('sandbox_outbox', (t) => {
    t.text('media_mime_type');
    t.integer('media_size_bytes');
    t.text('media_sha256');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sandbox_outbox', (t) => {
    t.dropColumns('media_mime_type', 'media_size_bytes', 'media_sha256');
  });
  await knex.schema.alterTable('broadcast_runs', (t) => t.dropColumn('image_id'));
  await knex.schema.alterTable('broadcasts', (t) => t.dropColumn('image_id'));
  await knex.schema.dropTableIfExists('images');
}
