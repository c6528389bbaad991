/**
 * The caller's image library as routes use it: an image named by id, or one added from a URL,
 * a file inside AUTOHUB_UPLOAD_DIR or an upload. Broadcasts send images of their owner's library.
 */
import type { Knex } from 'knex';
import type { Config } from '../config';
import { findImage, type StoredImage } from '../db/repos/images.repo';
import { NotFoundError } from '../errors';
import { storeImage, type LoadedImage } from '../services/images';
import type { Caller } from './context';
import { imageFromUpload, imageFromUploadDir, imageFromUrl, type ImageLabels } from './image-intake';
import { isId } from '../domain/ids';
import type { UploadedFile } from './route';

/** Where an image comes from; exactly one is set. */
export type ImageSource = { id: string } | { url: string } | { path: string } | { upload: UploadedFile };

/** Field names of a request's image source, for its error messages. */
export interface ImageFields {
  id: string;
  url: string;
  path: string;
}

/**
 * The image `source` names, read and checked but not stored: an image of the caller's own
 * library (admins included: it is sent as theirs), or the bytes of a URL, a path or an upload.
 */
export async function loadImage(
  deps: { db: Knex; config: Config },
  caller: Caller,
  source: ImageSource,
  fields: ImageFields,
): Promise<LoadedImage> {
  const { db, config } = deps;
  if ('id' in source) {
    const image = isId(source.id) ? await findImage(db, source.id.toLowerCase(), { ...caller.scope, admin: false }) : undefined;
    if (!image) throw new NotFoundError(`${fields.id}: image not found`);
    return { stored: image };
  }
  const labels = (field: string): ImageLabels => ({ noun: 'image', field });
  if ('url' in source) {
    const fresh = await imageFromUrl(source.url, labels(fields.url), {
      timeoutMs: config.imageFetch.timeoutSeconds * 1000,
      allowPrivate: config.imageFetch.allowPrivate,
    });
    return { fresh, sourceUrl: source.url };
  }
  const fresh =
    'path' in source
      ? await imageFromUploadDir(config.uploadDir, source.path, labels(fields.path))
      : await imageFromUpload(source.upload, labels(fields.path));
  return { fresh, sourceUrl: null };
}

/** The image `source` names, added to the caller's library when it is new. */
export async function libraryImage(
  deps: { db: Knex; config: Config },
  caller: Caller,
  source: ImageSource,
  fields: ImageFields,
): Promise<StoredImage> {
  return storeImage(deps.db, caller.user.id, await loadImage(deps, caller, source, fields));
}
