import type { Platform } from '../platforms/types';

const TELEGRAM_KEY = [
  /^@?[A-Za-z][A-Za-z0-9_]{3,31}$/, // a public username, with or without @
  /^-?\d{1,20}$/, // a user, chat or -100… channel id
  /^(https?:\/\/)?t\.me\/[A-Za-z][A-Za-z0-9_]{3,31}$/, // a public link
];

const WHATSAPP_KEY = [
  /^\d{5,20}(-\d{5,20})?@g\.us$/, // a group
  /^\d{5,20}@s\.whatsapp\.net$/, // a person by phone
  /^\d{5,20}@lid$/, // a person by linked id
  /^\d{5,20}@newsletter$/, // a channel
  /^\+[1-9][\d\s-]{5,20}$/, // a phone number in international format
];

/** True when `key` has the form of a target on `platform`; whether it exists is the platform's call. */
export function isWellFormedTargetKey(platform: Platform, key: string): boolean {
  const patterns = platform === 'telegram' ? TELEGRAM_KEY : WHATSAPP_KEY;
  return patterns.some((p) => p.test(key));
}

/** An example of each accepted form, for error messages. */
export const TARGET_KEY_FORMS: Record<Platform, string> = {
  telegram: '@username, t.me/username, or a numeric id such as -1001234567890',
  whatsapp: 'a group JID (…@g.us), a person JID (…@s.whatsapp.net or …@lid), a channel (…@newsletter) or +E.164 phone number',
};
