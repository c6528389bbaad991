/**
 * Contacts of the CRM as the domain sees them: what a contact may say (a zod schema shared by the
 * API and the import), how its phone and platform identities are normalised — the keys a contact
 * is de-duplicated on — and how its cells are written to CSV safely.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { canonicalTargetKeyOrNull } from './target-keys';
import { unstorableTextProblem, unstorableValueProblem } from './text-safety';

/** Most tags per contact, and their longest. */
export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 50;
/** Largest custom `fields` object, as JSON. */
export const MAX_FIELDS_BYTES = 16 * 1024;

/** A text a contact may hold: trimmed, storable, at most `max` characters; blank means none. */
const storable = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .superRefine((text, ctx) => {
      const problem = unstorableTextProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: `must not contain ${problem}` });
    })
    .transform((text) => text.trim() || null);

const Tag = z
  .string()
  .trim()
  .min(1, 'a tag must not be blank')
  .max(MAX_TAG_LENGTH, `a tag has at most ${MAX_TAG_LENGTH} characters`)
  .refine((tag) => unstorableTextProblem(tag) === null, 'a tag must be plain text');

const Fields = z
  .record(z.string().max(100), z.unknown())
  .refine((fields) => Buffer.byteLength(JSON.stringify(fields)) <= MAX_FIELDS_BYTES, `at most ${MAX_FIELDS_BYTES} bytes as JSON`)
  .refine((fields) => unstorableValueProblem(fields) === null, 'must not contain NUL characters or lone UTF-16 surrogates')
  .meta({ description: 'Custom fields, any JSON object' });

/** The fields of a contact as given (`POST /api/contacts`, a row of an import); each may be left out. */
export const contactFieldSchemas = {
  name: storable(200).nullable(),
  phone: storable(64).nullable().meta({ description: 'Stored in E.164 when it parses (give default_country for national numbers), else as given' }),
  username: storable(64).nullable().meta({ description: 'Telegram username, with or without @' }),
  telegram_id: storable(32).nullable().meta({ description: 'Telegram user id' }),
  whatsapp_jid: storable(100).nullable().meta({ description: 'WhatsApp JID, or a phone number for one' }),
  tags: z.array(Tag).max(MAX_TAGS, `at most ${MAX_TAGS} tags`),
  segment: storable(100).nullable(),
  fields: Fields,
  opted_out: z.boolean(),
};

/** A contact's fields as given; absent ones are left as they are (or empty for a new contact). */
export const ContactInputSchema = z.object(
  Object.fromEntries(Object.entries(contactFieldSchemas).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof contactFieldSchemas]: z.ZodOptional<(typeof contactFieldSchemas)[K]>;
  },
);
export type ContactInput = z.output<typeof ContactInputSchema>;

/** The keys a contact is known by, each unique per user: what imports de-duplicate on (null: none). */
export interface ContactKeys {
  phoneE164: string | null;
  username: string | null;
  telegramId: string | null;
  whatsappJid: string | null;
}

/**
 * A contact's fields once normalised, ready to store. A field left out (undefined) is not given
 * and stays as it is; null clears it.
 */
export interface NormalizedContact {
  name?: string | null;
  /** E.164 when it parsed, else the raw value; `phoneE164` goes with it. */
  phone?: string | null;
  phoneE164?: string | null;
  username?: string | null;
  telegramId?: string | null;
  whatsappJid?: string | null;
  tags?: string[];
  segment?: string | null;
  fields?: Record<string, unknown>;
  optedOut?: boolean;
}

/** The keys `contact` gives, null for those it does not. */
export function keysOf(contact: NormalizedContact): ContactKeys {
  return {
    phoneE164: contact.phoneE164 ?? null,
    username: contact.username ?? null,
    telegramId: contact.telegramId ?? null,
    whatsappJid: contact.whatsappJid ?? null,
  };
}

/** True when `contact` names someone: a name, a phone or an identity. */
export function namesSomeone(contact: NormalizedContact): boolean {
  return [contact.name, contact.phone, contact.username, contact.telegramId, contact.whatsappJid].some((v) => v !== undefined && v !== null);
}

/** A phone number as stored: E.164 when `raw` parses as a possible number, else `raw` itself. */
export function normalizePhone(raw: string, defaultCountry?: CountryCode): { phone: string; e164: string | null } {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry ? { defaultCountry } : undefined);
  return parsed?.isPossible() ? { phone: parsed.number, e164: parsed.number } : { phone: raw, e164: null };
}

const USERNAME = /^[a-z][a-z0-9_]{3,31}$/i;

/** A Telegram username as stored: lower case, without `@` or `t.me/`. @throws Error saying why it is not one. */
export function normalizeUsername(raw: string): string {
  const name = raw.replace(/^(https?:\/\/)?(t\.me\/|telegram\.me\/)/i, '').replace(/^@/, '');
  if (!USERNAME.test(name)) throw new Error('username: not a Telegram username (5–32 letters, digits and _, starting with a letter)');
  return name.toLowerCase();
}

/** A WhatsApp JID of a person, canonical. @throws Error saying why it is not one. */
export function normalizeWhatsappJid(raw: string): string {
  const jid = canonicalTargetKeyOrNull('whatsapp', raw);
  if (!jid || !/@(s\.whatsapp\.net|lid)$/.test(jid)) throw new Error('whatsapp_jid: not the JID (or phone number) of a WhatsApp user');
  return jid;
}

/** `value` through `normalize` when given and set; null and undefined pass as they are. */
function given<T>(value: string | null | undefined, normalize: (v: string) => T): T | null | undefined {
  return value === undefined || value === null ? value : normalize(value);
}

/**
 * `input` normalised: phone to E.164 where it parses, username and JID canonical, tags trimmed and
 * de-duplicated. Fields left out stay out; null clears.
 * @throws Error naming the field for an identity of no valid form.
 */
export function normalizeContact(input: ContactInput, defaultCountry?: CountryCode): NormalizedContact {
  const phone = given(input.phone, (raw) => normalizePhone(raw, defaultCountry));
  const telegramId = given(input.telegram_id, (id) => {
    if (!/^\d{1,20}$/.test(id)) throw new Error('telegram_id: must be a Telegram user id (digits)');
    return id;
  });
  const contact: NormalizedContact = {
    name: input.name,
    phone: phone === undefined ? undefined : (phone?.phone ?? null),
    phoneE164: phone === undefined ? undefined : (phone?.e164 ?? null),
    username: given(input.username, normalizeUsername),
    telegramId,
    whatsappJid: given(input.whatsapp_jid, normalizeWhatsappJid),
    tags: input.tags && [...new Set(input.tags)],
    segment: input.segment,
    fields: input.fields,
    optedOut: input.opted_out,
  };
  return Object.fromEntries(Object.entries(contact).filter(([, v]) => v !== undefined)) as NormalizedContact;
}

/** Characters that make a spreadsheet read a cell as a formula (or as one after a tab or CR). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A CSV cell that a spreadsheet shows as text: one beginning with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading apostrophe, so it is never run as a formula (OWASP's advice for
 * CSV injection). An E.164 phone number (`+49…`) is such a cell too.
 */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The columns of a contacts export, in order. */
export const EXPORT_COLUMNS = [
  'id',
  'name',
  'phone',
  'username',
  'telegram_id',
  'whatsapp_jid',
  'tags',
  'segment',
  'opted_out',
  'fields',
  'created_at',
  'updated_at',
] as const;

/** The contact fields a CSV column can be mapped onto. */
export const IMPORTABLE_FIELDS = ['name', 'phone', 'username', 'telegram_id', 'whatsapp_jid', 'tags', 'segment', 'opted_out'] as const;
export type ImportableField = (typeof IMPORTABLE_FIELDS)[number] | `fields.${string}`;

/**
 * A CSV record as a contact's fields, through `mapping` (CSV column → contact field, or
 * `fields.<name>` for a custom field); without a mapping, columns named like fields map onto them.
 * Tags are split on commas and semicolons; `opted_out` reads true/yes/1.
 */
export function recordToContact(record: Record<string, string>, mapping: Record<string, ImportableField> | undefined): Record<string, unknown> {
  const contact: Record<string, unknown> = {};
  const fields: Record<string, string> = {};
  for (const [column, raw] of Object.entries(record)) {
    const target = mapping ? mapping[column] : (IMPORTABLE_FIELDS as readonly string[]).includes(column.trim().toLowerCase()) ? column.trim().toLowerCase() : undefined;
    if (target === undefined || raw === undefined || raw.trim() === '') continue;
    if (target.startsWith('fields.')) fields[target.slice('fields.'.length)] = raw;
    else if (target === 'tags') contact.tags = raw.split(/[,;]/).map((t) => t.trim()).filter((t) => t.length > 0);
    else if (target === 'opted_out') contact.opted_out = /^(true|yes|1|y)$/i.test(raw.trim());
    else contact[target] = raw;
  }
  if (Object.keys(fields).length > 0) contact.fields = fields;
  return contact;
}
