/**
 * Outgoing media for `messages.sendMedia`: the input media of a fresh upload or of a file Telegram
 * already stores, and a session's memory of the files it sent, so that a broadcast of one image
 * to many targets uploads it once.
 */
import { Api } from 'telegram';
import { CustomFile } from 'telegram/client/uploads';
import type { OutgoingMedia } from '../../domain/platform-port';
import type { StoredMedia } from './messages';

/** Types Telegram accepts as photos (compressed, shown inline); anything else goes as a document. */
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png']);

/** Name of a document sent without one. */
export const DEFAULT_FILE_NAME = 'file';

/** True when `media` goes as a photo rather than a document. */
export function isPhoto(media: OutgoingMedia): boolean {
  return PHOTO_TYPES.has(media.mimeType);
}

/** Upload name of a photo, whose extension Telegram reads the format from. */
export function photoFileName(mimeType: string): string {
  return mimeType === 'image/png' ? 'photo.png' : 'photo.jpg';
}

/** The file to upload for `media`. */
export function fileOf(media: OutgoingMedia): CustomFile {
  const name = isPhoto(media) ? photoFileName(media.mimeType) : fileNameOf(media);
  return new CustomFile(name, media.data.length, '', media.data);
}

/** The input media that sends a freshly uploaded `file` as `media` describes it. */
export function uploadedMedia(media: OutgoingMedia, file: Api.TypeInputFile): Api.TypeInputMedia {
  if (isPhoto(media)) return new Api.InputMediaUploadedPhoto({ file });
  return new Api.InputMediaUploadedDocument({
    file,
    mimeType: media.mimeType,
    attributes: [new Api.DocumentAttributeFilename({ fileName: fileNameOf(media) })],
  });
}

/** The input media that sends a photo or document Telegram already stores. */
export function reusedMedia(stored: StoredMedia): Api.TypeInputMedia {
  return stored instanceof Api.InputPhoto ? new Api.InputMediaPhoto({ id: stored }) : new Api.InputMediaDocument({ id: stored });
}

/**
 * True for Telegram's refusals of a stored file that a fresh upload cures: file references expire
 * (after a day or so, or when Telegram moves the file), and MEDIA_EMPTY names a file it no longer has.
 */
export function isStaleMediaError(code: string | undefined): boolean {
  return code !== undefined && (code.startsWith('FILE_REFERENCE_') || code === 'MEDIA_EMPTY');
}

/**
 * The photos and documents a session sent, by content, the least recently used forgotten first.
 * Documents are told apart by type and name too, since Telegram keeps those with the file.
 */
export class SentMediaMemory {
  private readonly stored = new Map<string, StoredMedia>();

  constructor(private readonly limit: number) {}

  get(media: OutgoingMedia): StoredMedia | undefined {
    const key = keyOf(media);
    const found = this.stored.get(key);
    if (found) this.put(key, found);
    return found;
  }

  remember(media: OutgoingMedia, stored: StoredMedia): void {
    this.put(keyOf(media), stored);
  }

  forget(media: OutgoingMedia): void {
    this.stored.delete(keyOf(media));
  }

  private put(key: string, stored: StoredMedia): void {
    // Re-inserting moves the key to the end of the Map's order, which is what makes the first key the oldest.
    this.stored.delete(key);
    this.stored.set(key, stored);
    const oldest = this.stored.keys().next().value;
    if (this.stored.size > this.limit && oldest !== undefined) this.stored.delete(oldest);
  }
}

function fileNameOf(media: OutgoingMedia): string {
  // A blank name is as good as none, and Telegram shows documents by name.
  return media.fileName?.trim() || DEFAULT_FILE_NAME;
}

function keyOf(media: OutgoingMedia): string {
  return isPhoto(media) ? `photo:${media.sha256}` : `document:${media.sha256}:${media.mimeType}:${fileNameOf(media)}`;
}
