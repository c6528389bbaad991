import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { ownedBy, type Scope } from './scope';

/** An image of a user's library, without its bytes. */
export interface StoredImage {
  id: string;
  userId: string;
  mimeType: string;
  sizeBytes: number;
  /** Hex SHA-256 of the bytes: the content's identity, also for the platforms' upload reuse. */
  sha256: string;
  sourceUrl: string | null;
  createdAt: Date;
}

/** An image's bytes, as a send needs them. */
export interface ImageContent {
  data: Buffer;
  mimeType: string;
  sha256: string;
}

interface ImageRow {
  id: string;
  user_id: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  source_url: string | null;
  created_at: Date;
}

/** Every column but the bytes, so listing a library never reads megabytes. */
const META_COLUMNS = ['id', 'user_id', 'mime_type', 'size_bytes', 'sha256', 'source_url', 'created_at'];

interface ContentRow {
  data: Buffer;
  mime_type: string;
  sha256: string;
}

const mapContent = (r: ContentRow): ImageContent => ({ data: r.data, mimeType: r.mime_type, sha256: r.sha256 });

const mapImage = (r: ImageRow): StoredImage => ({
  id: r.id,
  userId: r.user_id,
  mimeType: r.mime_type,
  sizeBytes: r.size_bytes,
  sha256: r.sha256,
  sourceUrl: r.source_url,
  createdAt: r.created_at,
});

/**
 * Adds an image to `userId`'s library. The same bytes stored again give back the stored image
 * (keeping the first source URL), so a broadcast re-created from the same file adds nothing.
 */
export async function saveImage(
  db: Knex,
  userId: string,
  image: { data: Buffer; mimeType: string },
  sourceUrl: string | null,
): Promise<StoredImage> {
  const sha256 = createHash('sha256').update(image.data).digest('hex');
  const [row]: ImageRow[] = await db('images')
    .insert({ user_id: userId, data: image.data, mime_type: image.mimeType, size_bytes: image.data.length, sha256, source_url: sourceUrl })
    .onConflict(['user_id', 'sha256'])
    // A no-op update, so that RETURNING yields the existing row.
    .merge({ sha256 })
    .returning(META_COLUMNS);
  return mapImage(row!);
}

/** The scope's user's own images, newest first (an admin's too: libraries are never shared). */
export async function listImages(db: Knex, scope: Scope): Promise<StoredImage[]> {
  const rows: ImageRow[] = await db('images').where({ user_id: scope.userId }).orderBy('created_at', 'desc').orderBy('id').select(META_COLUMNS);
  return rows.map(mapImage);
}

export async function findImage(db: Knex, id: string, scope: Scope): Promise<StoredImage | undefined> {
  const row: ImageRow | undefined = await ownedBy(db('images').where({ id }).first(META_COLUMNS), scope);
  return row && mapImage(row);
}

/** The bytes of image `id` if `scope` may see it. */
export async function findImageContent(db: Knex, id: string, scope: Scope): Promise<ImageContent | undefined> {
  const row: ContentRow | undefined = await ownedBy(db('images').where({ id }).first('data', 'mime_type', 'sha256'), scope);
  return row && mapContent(row);
}

/**
 * Deletes image `id` if `scope` owns it; false when it does not. Broadcasts and runs that use it
 * make the database refuse (see isStillReferenced).
 */
export async function deleteImage(db: Knex, scope: Scope, id: string): Promise<boolean> {
  return (await ownedBy(db('images').where({ id }), scope).delete()) > 0;
}

// ---------------------------------------------------------------------------------------------
// System side: a run sends its owner's image. No scope; never for a caller of the API.
// ---------------------------------------------------------------------------------------------

/** The bytes of image `id` whoever owns it, for a send (never for a caller). */
export async function findAnyImageContent(db: Knex, id: string): Promise<ImageContent | undefined> {
  const row: ContentRow | undefined = await db('images').where({ id }).first('data', 'mime_type', 'sha256');
  return row && mapContent(row);
}
