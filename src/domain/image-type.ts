/** Image formats AutoHub sends: profile photos and broadcast images. */
export type ImageMimeType = 'image/jpeg' | 'image/png';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The image format `data` starts with, by its magic bytes — a JPEG's SOI marker `FF D8 FF`, a
 * PNG's 8-byte signature — or null for anything else. A file's name or declared content type
 * says nothing reliable; its first bytes do.
 */
export function detectImageType(data: Uint8Array): ImageMimeType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((byte, i) => data[i] === byte)) return 'image/png';
  return null;
}
