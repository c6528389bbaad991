/** The public limits of the API reference. */
export const MAX_TARGETS_PER_BROADCAST = 50;
export const MAX_MESSAGE_LENGTH = 4096;
export const SCHEDULE_TYPES = ['now', 'interval', 'daily'] as const;
