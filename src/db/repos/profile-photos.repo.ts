import type { Knex } from 'knex';

/** A profile photo staged for the session activity that sets it. */
export interface PhotoUpload {
  data: Buffer;
  mimeType: string;
}

/** Staged photos older than this were left behind by a request that died; they are purged. */
const STALE_AFTER_HOURS = 24;

/** Stages a photo for `accountId`; returns its id. */
export async function insertPhotoUpload(db: Knex, accountId: string, photo: PhotoUpload): Promise<string> {
  await db('photo_uploads')
    .where('created_at', '<', db.raw(`now() - interval '${STALE_AFTER_HOURS} hours'`))
    .delete();
  const [row] = await db('photo_uploads')
    .insert({ account_id: accountId, data: photo.data, mime_type: photo.mimeType })
    .returning('id');
  return (row as { id: string }).id;
}

/** The staged photo `id` of `accountId`, if still there. */
export async function findPhotoUpload(db: Knex, id: string, accountId: string): Promise<PhotoUpload | undefined> {
  const row: { data: Buffer; mime_type: string } | undefined = await db('photo_uploads')
    .where({ id, account_id: accountId })
    .first('data', 'mime_type');
  return row && { data: row.data, mimeType: row.mime_type };
}

/** Drops the staged photo `id` of `accountId` (the account owns its staged photos). */
export async function deletePhotoUpload(db: Knex, id: string, accountId: string): Promise<void> {
  await db('photo_uploads').where({ id, account_id: accountId }).delete();
}
