/** The public limits of the API reference. */
export const MAX_TARGETS_PER_BROADCAST = 50;
export const MAX_MESSAGE_LENGTH = 4096;
export const SCHEDULE_TYPES = ['now', 'interval', 'daily'] as const;
/** Longest caption an image may carry: Telegram's limit for accounts without Premium, within WhatsApp's. */
export const MAX_CAPTION_LENGTH = 1024;
/** Largest image AutoHub sends (profile photos, broadcast images): 10 MiB, Telegram's limit for photos (WhatsApp allows 16 MB). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
