/**
 * Images a request brings for a user's library: read and checked first (by the API's image
 * intake), stored only once the request that brings them goes ahead.
 */
import type { Knex } from 'knex';
import { saveImage, type StoredImage } from '../db/repos/images.repo';
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
