import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { CONTACT_SORTS } from '../../db/repos/contacts.repo';
import { ContactInputSchema, IMPORTABLE_FIELDS, type ImportableField } from '../../domain/contacts';
import { IMPORT_MODES, MAX_IMPORT_ROWS } from '../../services/contacts';
import { trimmedText } from '../schemas/text';

/** An ISO 3166 country whose national phone numbers libphonenumber knows. */
const Country = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => isSupportedCountry(c), 'must be a two-letter country code (ISO 3166), e.g. DE')
  .transform((c) => c as CountryCode)
  .meta({ description: 'The country of phone numbers written without a country code' });

/** `POST /api/contacts`, `PUT /api/contacts/:id`. */
export const ContactBody = ContactInputSchema.extend({ default_country: Country.optional() });

/** The filters of the list and the export. */
const filters = {
  search: z.string().trim().max(200).optional().meta({ description: 'A part of the name, phone or username, any case' }),
  tag: z.string().trim().max(50).optional(),
  segment: z.string().trim().max(100).optional(),
};

export const ContactFilterQuery = z.object(filters);

export const ListContactsQuery = z.object({
  ...filters,
  sort: z.enum(CONTACT_SORTS).default('-created_at'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export const InteractionBody = z.object({
  type: trimmedText(50).default('note').meta({ description: 'call, message, meeting, note, …' }),
  note: z.string().max(10_000).nullable().optional(),
  at: z.iso.datetime({ offset: true }).optional().meta({ description: 'When it happened; default now' }),
});

/** A multipart text field of JSON (a mapping), or that value given as JSON already. */
const jsonText = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, schema);

/** A multipart text field of a boolean ("true"/"false"), or a JSON boolean. */
const flag = z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());

const Mapping = z
  .record(
    z.string().min(1).max(200),
    z.string().refine((f): f is ImportableField => (IMPORTABLE_FIELDS as readonly string[]).includes(f) || /^fields\.[\w.-]{1,100}$/.test(f), {
      message: `must be one of ${IMPORTABLE_FIELDS.join(', ')} or fields.<name>`,
    }),
  )
  .meta({ description: 'CSV column → contact field (or fields.<name>); by default columns named like fields are read' });

/**
 * `POST /api/contacts/import`: JSON rows (`contacts`), or a CSV file (multipart field `file`) read
 * through `mapping`. Rows are checked one by one, so `contacts` holds anything; a row that is not a
 * contact is skipped with its reason.
 */
export const ImportBody = z.object({
  contacts: z.array(z.unknown()).max(MAX_IMPORT_ROWS, `at most ${MAX_IMPORT_ROWS} rows per import`).optional(),
  mode: z.enum(IMPORT_MODES).default('upsert'),
  replace_tags: flag.default(false).meta({ description: "Replace an updated contact's tags instead of adding to them" }),
  add_tags: jsonText(z.array(trimmedText(50)).max(20)).default([]).meta({ description: 'Tags every imported contact gets' }),
  default_country: Country.optional(),
  mapping: jsonText(Mapping).optional(),
});
