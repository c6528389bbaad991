/**
 * Images coming in through the API — profile photos and broadcast images — from a multipart
 * upload, a file inside AUTOHUB_UPLOAD_DIR, or an http(s) URL. Each is checked the same way:
 * at most {@link MAX_IMAGE_BYTES}, and a JPEG or PNG by its bytes, whatever it was declared as.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Response as UndiciResponse } from 'undici';
import { detectImageType, type ImageMimeType } from '../domain/image-type';
import { MAX_IMAGE_BYTES } from '../domain/limits';
import { BadRequestError, PayloadTooLargeError } from '../errors';
import type { UploadedFile } from './route';
import { fetchUserUrl, RefusedUrlError } from '../services/url-fetch';

/** A checked image. */
export interface ImageBytes {
  data: Buffer;
  mimeType: ImageMimeType;
}

/**
 * How the request names the image, for its error messages: `noun` for what is wrong with the
 * image itself ("photo must be a JPEG or PNG image"), `field` for where it was looked for.
 */
export interface ImageLabels {
  noun: string;
  field: string;
}

/** An image from a multipart upload. */
export async function imageFromUpload(file: UploadedFile, labels: ImageLabels): Promise<ImageBytes> {
  if (file.size > MAX_IMAGE_BYTES) throw tooLarge(labels);
  return checkedImage(await readFile(file.path), labels);
}

/**
 * The image at `imagePath`, which must name a regular file inside `uploadDir` (a relative path
 * is taken from `uploadDir`). The path is refused when it leaves the directory lexically (`..`,
 * another absolute path) or once symbolic links are resolved, so a link inside the directory
 * cannot reach a file outside it. A refused path is not looked at, so the answer does not tell
 * whether a file outside exists.
 */
export async function imageFromUploadDir(uploadDir: string, imagePath: string, labels: ImageLabels): Promise<ImageBytes> {
  const refused = new BadRequestError(`${labels.field} must name a file inside AUTOHUB_UPLOAD_DIR`);
  if (imagePath.includes('\0')) throw refused;
  let root: string;
  try {
    root = await realpath(uploadDir);
  } catch {
    throw new BadRequestError(`${labels.field} cannot be used: the upload directory AUTOHUB_UPLOAD_DIR does not exist`);
  }
  const asked = path.resolve(uploadDir, imagePath);
  if (!isInside(path.resolve(uploadDir), asked) && !isInside(root, asked)) throw refused;
  let real: string;
  try {
    real = await realpath(asked);
  } catch {
    throw new BadRequestError(`${labels.field}: no such file in AUTOHUB_UPLOAD_DIR`);
  }
  if (!isInside(root, real)) throw refused;
  const info = await stat(real);
  if (!info.isFile()) throw new BadRequestError(`${labels.field}: not a file`);
  if (info.size > MAX_IMAGE_BYTES) throw tooLarge(labels);
  return checkedImage(await readFile(real), labels);
}

/** True when `candidate` is strictly below `root`. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * The image an http(s) URL answers with, following redirects, within `timeoutMs` for the whole
 * exchange, from public addresses only unless `allowPrivate` (see fetchUserUrl). The body is read
 * only up to the size limit: a larger one (declared or not) is abandoned as soon as it is known
 * to be too large.
 */
export async function imageFromUrl(
  url: string,
  labels: ImageLabels,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<ImageBytes> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadRequestError(`${labels.field} must be an http or https URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BadRequestError(`${labels.field} must be an http or https URL`);
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const headers = { accept: 'image/jpeg, image/png' };
    const response = await fetchUserUrl(parsed, { signal, headers, allowPrivate: options.allowPrivate });
    if (!response.ok) {
      await response.body?.cancel();
      throw new BadRequestError(`${labels.field}: could not fetch the image: HTTP ${response.status}`);
    }
    if (Number(response.headers.get('content-length') ?? 0) > MAX_IMAGE_BYTES) {
      await response.body?.cancel();
      throw tooLarge(labels);
    }
    return checkedImage(await readCapped(response, labels), labels);
  } catch (err) {
    if (err instanceof BadRequestError || err instanceof PayloadTooLargeError) throw err;
    const refused = [err, (err as { cause?: unknown }).cause].find((e) => e instanceof RefusedUrlError);
    if (refused) throw new BadRequestError(`${labels.field}: ${refused.message}`);
    const reason = signal.aborted ? `no answer within ${options.timeoutMs / 1000} s` : describeFetchError(err);
    throw new BadRequestError(`${labels.field}: could not fetch the image: ${reason}`);
  }
}

/** The body of `response`, abandoned once it passes {@link MAX_IMAGE_BYTES}. */
async function readCapped(response: UndiciResponse, labels: ImageLabels): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > MAX_IMAGE_BYTES) {
      await reader.cancel();
      throw tooLarge(labels);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
}

/** What went wrong with a fetch, as undici reports it: its cause's code (ECONNREFUSED, ENOTFOUND…) when it has one. */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

function checkedImage(data: Buffer, labels: ImageLabels): ImageBytes {
  if (data.length > MAX_IMAGE_BYTES) throw tooLarge(labels);
  const mimeType = detectImageType(data);
  if (!mimeType) throw new BadRequestError(`${labels.noun} must be a JPEG or PNG image`);
  return { data, mimeType };
}

function tooLarge(labels: ImageLabels): PayloadTooLargeError {
  return new PayloadTooLargeError(`${labels.noun} exceeds ${MAX_IMAGE_BYTES} bytes (${MAX_IMAGE_BYTES / 1024 / 1024} MiB)`);
}
