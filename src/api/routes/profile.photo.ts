import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PhotoUpload } from '../../db/repos/profile-photos.repo';
import { detectPhotoType } from '../../domain/image-type';
import { BadRequestError, PayloadTooLargeError } from '../../errors';
import type { UploadedFile } from '../route';

/** Largest profile photo accepted, uploaded or named by `photo_path`: 10 MiB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** A photo from a multipart upload, if it is a JPEG or PNG. */
export async function photoFromUpload(file: UploadedFile): Promise<PhotoUpload> {
  if (file.size > MAX_PHOTO_BYTES) throw tooLarge();
  return checkedPhoto(await readFile(file.path));
}

/**
 * The photo at `photoPath`, which must name a regular file inside `uploadDir` (a relative path
 * is taken from `uploadDir`). The path is refused when it leaves the directory lexically (`..`,
 * another absolute path) or once symbolic links are resolved, so a link inside the directory
 * cannot reach a file outside it. A refused path is not looked at, so the answer does not tell
 * whether a file outside exists.
 */
export async function photoFromUploadDir(uploadDir: string, photoPath: string): Promise<PhotoUpload> {
  const refused = new BadRequestError('photo_path must name a file inside AUTOHUB_UPLOAD_DIR');
  if (photoPath.includes('\0')) throw refused;
  let root: string;
  try {
    root = await realpath(uploadDir);
  } catch {
    throw new BadRequestError('photo_path cannot be used: the upload directory AUTOHUB_UPLOAD_DIR does not exist');
  }
  const asked = path.resolve(uploadDir, photoPath);
  if (!isInside(path.resolve(uploadDir), asked) && !isInside(root, asked)) throw refused;
  let real: string;
  try {
    real = await realpath(asked);
  } catch {
    throw new BadRequestError('photo_path: no such file in AUTOHUB_UPLOAD_DIR');
  }
  if (!isInside(root, real)) throw refused;
  const info = await stat(real);
  if (!info.isFile()) throw new BadRequestError('photo_path: not a file');
  if (info.size > MAX_PHOTO_BYTES) throw tooLarge();
  return checkedPhoto(await readFile(real));
}

/** True when `candidate` is strictly below `root`. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function checkedPhoto(data: Buffer): PhotoUpload {
  if (data.length > MAX_PHOTO_BYTES) throw tooLarge();
  const mimeType = detectPhotoType(data);
  if (!mimeType) throw new BadRequestError('photo must be a JPEG or PNG image');
  return { data, mimeType };
}

function tooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError(`photo exceeds ${MAX_PHOTO_BYTES} bytes (10 MiB)`);
}
