/**
 * A user's image library: images a request brings, read and checked first (by the API's image
 * intake) and stored only once the request that brings them goes ahead; deleting one no broadcast uses.
 */
import type { Knex } from 'knex';
import { isStillReferenced } from '../db/pg-errors';
import { deleteImage, saveImage, type StoredImage } from '../db/repos/images.repo';
import type { Scope } from '../db/repos/scope';
import { ConflictError, NotFoundError } from '../errors';
import type { ImageMimeType } from '../domain/image-type';

/** An image read for a request: already in the library, or new, checked bytes not stored yet. */
export type LoadedImage = { stored: StoredImage } | { fresh: { data: Buffer; mimeType: ImageMimeType }; sourceUrl: string | null };

/** Where a broadcast's image comes from: the owner's library, a URL, or a file inside AUTOHUB_UPLOAD_DIR. */
export type ImageReference = { id: string } | { url: string } | { path: string };

/**
 * Reads and checks the image a reference names for the caller, without storing it; given by the
 * caller of a service, since reading a URL or an upload is the API's edge.
 */
export type ImageLoader = (source: ImageReference) => Promise<LoadedImage>;

/** Stores a loaded image in `userId`'s library (a no-op for one already there). */
export async function storeImage(db: Knex, userId: string, image: LoadedImage): Promise<StoredImage> {
  return 'stored' in image ? image.stored : saveImage(db, userId, image.fresh, image.sourceUrl);
}

/** What an answer says of an image: its type and size. */
export function describeImage(image: LoadedImage): { mime_type: string; size_bytes: number } {
  const bytes = 'stored' in image ? image.stored : { mimeType: image.fresh.mimeType, sizeBytes: image.fresh.data.length };
  return { mime_type: bytes.mimeType, size_bytes: bytes.sizeBytes };
}

/**
 * Deletes image `id` of the scope's library and answers its id.
 * @throws NotFoundError for an image the scope does not see; ConflictError for one a broadcast
 *   (or a run of one) still uses.
 */
export async function deleteLibraryImage(db: Knex, scope: Scope, id: string): Promise<string> {
  try {
    if (!(await deleteImage(db, scope, id))) throw new NotFoundError();
  } catch (err) {
    if (isStillReferenced(err)) {
      throw new ConflictError('image is used by a broadcast or one of its runs; change or delete the broadcast first');
    }
    throw err;
  }
  return id;
}
