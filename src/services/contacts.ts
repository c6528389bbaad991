/**
 * The contact CRM, each user's own: contacts with their keys kept unique (phone in E.164,
 * Telegram id and username, WhatsApp JID), interactions, segment and tag counts, the bulk import
 * (JSON rows or a CSV file) and the CSV export.
 */
import { parse } from 'csv-parse/sync';
import type { Knex } from 'knex';
import type { CountryCode } from 'libphonenumber-js';
import type { Readable } from 'node:stream';
import { insertImportedContacts, matchExistingContacts, updateImportedContacts, type ImportRow } from '../db/repos/contact-import.repo';
import * as repo from '../db/repos/contacts.repo';
import type { Scope } from '../db/repos/scope';
import {
  ContactInputSchema,
  EXPORT_COLUMNS,
  keysOf,
  namesSomeone,
  normalizeContact,
  recordToContact,
  type ContactInput,
  type ContactKeys,
  type ImportableField,
  type NormalizedContact,
} from '../domain/contacts';
import { DEFAULT_OPT_OUT_WORDS, optOutForm } from '../domain/opt-out';
import { BadRequestError, ConflictError, formatZodError, NotFoundError } from '../errors';
import { csvStream } from './csv-export';

// Contacts are their owner's alone: an admin's scope sees no one else's either.
const own = (scope: Scope): Scope => ({ ...scope, admin: false });

/** What a key is called in messages. */
const KEY_NAMES: Record<keyof ContactKeys, string> = { phoneE164: 'phone', username: 'username', telegramId: 'telegram_id', whatsappJid: 'whatsapp_jid' };

/** `input` normalised. @throws BadRequestError naming the field of an identity of no valid form. */
function normalized(input: ContactInput, defaultCountry?: CountryCode): NormalizedContact {
  try {
    return normalizeContact(input, defaultCountry);
  } catch (err) {
    throw new BadRequestError((err as Error).message);
  }
}

/** The keys `contact` shares with `other`, by name. */
function sharedKeys(contact: NormalizedContact, other: repo.Contact): string[] {
  const mine = keysOf(contact);
  const theirs: ContactKeys = { phoneE164: other.phoneE164, username: other.username, telegramId: other.telegramId, whatsappJid: other.whatsappJid };
  return (Object.keys(KEY_NAMES) as Array<keyof ContactKeys>).filter((k) => mine[k] !== null && mine[k] === theirs[k]).map((k) => KEY_NAMES[k]);
}

/** @throws ConflictError naming the contact `contact` would share a key with. */
async function assertKeysFree(trx: Knex, scope: Scope, contact: NormalizedContact, exceptId?: string): Promise<void> {
  const [taken] = await repo.findContactsByKeys(trx, scope, keysOf(contact), exceptId);
  if (taken) throw new ConflictError(`contact ${taken.id} has the same ${sharedKeys(contact, taken).join(' and ')}`);
}

/**
 * Creates a contact of the scope's user. @throws BadRequestError when it names no one (no name,
 * phone or identity) or an identity is malformed; ConflictError when its phone or an identity
 * is another contact's.
 */
export async function createContact(db: Knex, scope: Scope, input: ContactInput, defaultCountry?: CountryCode): Promise<repo.Contact> {
  const contact = normalized(input, defaultCountry);
  if (!namesSomeone(contact)) throw new BadRequestError('give at least one of name, phone, username, telegram_id, whatsapp_jid');
  return db.transaction(async (trx) => {
    await repo.lockContacts(trx, own(scope));
    await assertKeysFree(trx, own(scope), contact);
    return repo.insertContact(trx, own(scope), contact);
  });
}

/** The scope's user's contact `id` with its latest interactions. @throws NotFoundError. */
export async function getContact(db: Knex, scope: Scope, id: string): Promise<{ contact: repo.Contact; interactions: repo.Interaction[] }> {
  const contact = await repo.findContact(db, own(scope), id);
  if (!contact) throw new NotFoundError('contact not found');
  return { contact, interactions: await repo.listInteractions(db, id, 100) };
}

/**
 * Changes the fields `input` gives on the scope's user's contact `id` (null clears one).
 * @throws NotFoundError; BadRequestError as {@link createContact}; ConflictError for a key of another contact.
 */
export async function changeContact(db: Knex, scope: Scope, id: string, input: ContactInput, defaultCountry?: CountryCode): Promise<repo.Contact> {
  const change = normalized(input, defaultCountry);
  return db.transaction(async (trx) => {
    await repo.lockContacts(trx, own(scope));
    const current = await repo.findContact(trx, own(scope), id);
    if (!current) throw new NotFoundError('contact not found');
    await assertKeysFree(trx, own(scope), change, id);
    const after = { ...currentFields(current), ...change };
    if (!namesSomeone(after)) throw new BadRequestError('a contact must keep at least one of name, phone, username, telegram_id, whatsapp_jid');
    return (await repo.updateContact(trx, own(scope), id, change))!;
  });
}

/**
 * Creates a contact of the scope's user, or updates the one sharing its phone or an identity with
 * the fields `input` gives; `addTags` (and the input's tags) are added to its own, never replacing
 * them. @throws BadRequestError as {@link createContact}, or when the input matches two contacts.
 */
export async function upsertContact(db: Knex, scope: Scope, input: ContactInput, addTags: string[] = []): Promise<{ contact: repo.Contact; created: boolean }> {
  const contact = normalized(input);
  if (!namesSomeone(contact)) throw new BadRequestError('give at least one of name, phone, username, telegram_id, whatsapp_jid');
  return db.transaction(async (trx) => {
    await repo.lockContacts(trx, own(scope));
    const matches = await repo.findContactsByKeys(trx, own(scope), keysOf(contact));
    if (matches.length > 1) throw new BadRequestError(`matches ${matches.length} different contacts (${matches.map((c) => c.id).join(', ')})`);
    const [existing] = matches;
    const tags = [...new Set([...(existing?.tags ?? []), ...(contact.tags ?? []), ...addTags])];
    if (!existing) return { contact: await repo.insertContact(trx, own(scope), { ...contact, tags }), created: true };
    return { contact: (await repo.updateContact(trx, own(scope), existing.id, { ...contact, tags }))!, created: false };
  });
}

function currentFields(c: repo.Contact): NormalizedContact {
  return { name: c.name, phone: c.phone, username: c.username, telegramId: c.telegramId, whatsappJid: c.whatsappJid };
}

/** Deletes the scope's user's contact `id`. @throws NotFoundError. */
export async function removeContact(db: Knex, scope: Scope, id: string): Promise<void> {
  if (!(await repo.deleteContact(db, own(scope), id))) throw new NotFoundError('contact not found');
}

/** Logs an interaction with the scope's user's contact `id`. @throws NotFoundError. */
export async function logInteraction(db: Knex, scope: Scope, id: string, interaction: { type: string; note: string | null; at?: Date }): Promise<repo.Interaction> {
  if (!(await repo.findContact(db, own(scope), id))) throw new NotFoundError('contact not found');
  return repo.insertInteraction(db, id, interaction);
}

/** A page of the scope's user's contacts and how many match in all. */
export async function listOwnContacts(db: Knex, scope: Scope, filter: Parameters<typeof repo.listContacts>[2]) {
  return repo.listContacts(db, own(scope), filter);
}

/** The scope's user's opt-out words: theirs, else the defaults. */
export async function optOutWords(db: Knex, scope: Scope): Promise<string[]> {
  return (await repo.findOptOutWords(db, own(scope))) ?? [...DEFAULT_OPT_OUT_WORDS];
}

/** Sets the scope's user's opt-out words (each once, as given). */
export async function setOptOutWords(db: Knex, scope: Scope, words: string[]): Promise<string[]> {
  const distinct = [...new Map(words.map((w) => [optOutForm(w), w])).values()];
  await repo.saveOptOutWords(db, own(scope), distinct);
  return distinct;
}

export const countOwnSegments = (db: Knex, scope: Scope) => repo.countSegments(db, own(scope));
export const countOwnTags = (db: Knex, scope: Scope) => repo.countTags(db, own(scope));

/** What an existing contact gets from an import row: `upsert` updates or creates, `create_only` skips existing ones, `update_only` skips new ones. */
export const IMPORT_MODES = ['upsert', 'create_only', 'update_only'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** Most rows one import takes. */
export const MAX_IMPORT_ROWS = 100_000;

/** How an import is carried out. */
export interface ImportOptions {
  mode: ImportMode;
  /** Replace an updated contact's tags with the row's instead of adding them. */
  replaceTags: boolean;
  /** Tags every imported contact gets, besides its own. */
  addTags: string[];
  /** The country of phone numbers written without a country code. */
  defaultCountry?: CountryCode;
}

/** What an import did: rows created and updated, and each skipped row with why (rows count from 1). */
export interface ImportResult {
  created: number;
  updated: number;
  skipped: Array<{ row: number; reason: string }>;
}

/**
 * Imports `rows` (contact fields as JSON, one object per row) for the scope's user: each row is
 * validated and normalised on its own (a bad one is skipped with its reason, never the others),
 * matched to the user's contacts by phone and identities, then created or updated as `mode` says,
 * the good rows together in one transaction — every row lands whole or not at all. A row that
 * matches two different contacts, or repeats a key of an earlier row, is skipped.
 */
export async function importContacts(db: Knex, scope: Scope, rows: readonly unknown[], options: ImportOptions): Promise<ImportResult> {
  if (rows.length > MAX_IMPORT_ROWS) throw new BadRequestError(`at most ${MAX_IMPORT_ROWS} rows per import`);
  const skipped: ImportResult['skipped'] = [];
  const valid = validRows(rows, options, skipped);
  return db.transaction(async (trx) => {
    await repo.lockContacts(trx, own(scope));
    const matches = await matchExistingContacts(trx, own(scope), valid);
    const inserts: ImportRow[] = [];
    const updates: Array<ImportRow & { id: string }> = [];
    for (const row of valid) {
      const ids = [...(matches.get(row.row) ?? [])];
      if (ids.length > 1) skipped.push({ row: row.row, reason: `matches ${ids.length} different contacts (${ids.join(', ')})` });
      else if (ids.length === 1 && options.mode === 'create_only') skipped.push({ row: row.row, reason: `contact ${ids[0]} exists (mode create_only)` });
      else if (ids.length === 0 && options.mode === 'update_only') skipped.push({ row: row.row, reason: 'no such contact (mode update_only)' });
      else if (ids.length === 1) updates.push({ ...row, id: ids[0]! });
      else inserts.push(row);
    }
    const created = await insertImportedContacts(trx, own(scope), inserts);
    const updated = await updateImportedContacts(trx, own(scope), updates, options.replaceTags);
    skipped.sort((a, b) => a.row - b.row);
    return { created, updated, skipped };
  });
}

/** The rows that validate, normalised, each key once (a later row with an earlier row's key is skipped); the others go to `skipped`. */
function validRows(rows: readonly unknown[], options: ImportOptions, skipped: ImportResult['skipped']): ImportRow[] {
  const valid: ImportRow[] = [];
  const firstWith = new Map<string, number>();
  const keyNames = Object.keys(KEY_NAMES) as Array<keyof ContactKeys>;
  for (const [index, raw] of rows.entries()) {
    const row = index + 1;
    const parsed = ContactInputSchema.safeParse(raw);
    if (!parsed.success) {
      skipped.push({ row, reason: formatZodError(parsed.error) });
      continue;
    }
    let contact: NormalizedContact;
    try {
      contact = normalizeContact(parsed.data, options.defaultCountry);
    } catch (err) {
      skipped.push({ row, reason: (err as Error).message });
      continue;
    }
    if (!namesSomeone(contact)) {
      skipped.push({ row, reason: 'names no one: give a name, phone, username, telegram_id or whatsapp_jid' });
      continue;
    }
    if (options.addTags.length > 0) contact.tags = [...new Set([...(contact.tags ?? []), ...options.addTags])];
    const keys = keysOf(contact);
    const repeated = keyNames.find((k) => keys[k] !== null && firstWith.has(`${k}:${keys[k]}`));
    if (repeated) {
      skipped.push({ row, reason: `same ${KEY_NAMES[repeated]} as row ${firstWith.get(`${repeated}:${keys[repeated]}`)}` });
      continue;
    }
    for (const k of keyNames) if (keys[k] !== null) firstWith.set(`${k}:${keys[k]}`, row);
    valid.push({ row, contact });
  }
  return valid;
}

/**
 * The records of a CSV file, each a row's contact fields through `mapping` (see
 * `recordToContact`); the header row names the columns. @throws BadRequestError for a file that
 * is not CSV, or a mapping naming a column the file does not have.
 */
export function csvRows(content: Buffer, mapping: Record<string, ImportableField> | undefined): Record<string, unknown>[] {
  let records: Record<string, string>[];
  try {
    records = parse(content, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
  } catch (err) {
    throw new BadRequestError(`file: not a CSV file with a header row (${(err as Error).message})`);
  }
  if (records.length > MAX_IMPORT_ROWS) throw new BadRequestError(`at most ${MAX_IMPORT_ROWS} rows per import`);
  if (mapping && records[0]) {
    const missing = Object.keys(mapping).filter((column) => !(column in records[0]!));
    if (missing.length > 0) throw new BadRequestError(`mapping: the file has no column ${missing.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  return records.map((record) => recordToContact(record, mapping));
}

/** One contact as a CSV record, every cell neutralised against formula injection. */
function exportRecord(c: repo.Contact): string[] {
  const cells: Record<(typeof EXPORT_COLUMNS)[number], string> = {
    id: c.id,
    name: c.name ?? '',
    phone: c.phone ?? '',
    username: c.username ?? '',
    telegram_id: c.telegramId ?? '',
    whatsapp_jid: c.whatsappJid ?? '',
    tags: c.tags.join(', '),
    segment: c.segment ?? '',
    opted_out: String(c.optedOut),
    fields: Object.keys(c.fields).length > 0 ? JSON.stringify(c.fields) : '',
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
  return EXPORT_COLUMNS.map((column) => cells[column]);
}

/** Contacts read per query while exporting. */
const EXPORT_PAGE = 2_000;

/**
 * The scope's user's contacts that `filter` keeps, as a CSV stream (header first, oldest contact
 * first), read from the database a page at a time (keyset pagination), as fast as the client
 * reads, so an export of any size holds little memory.
 */
export function exportContacts(db: Knex, scope: Scope, filter: repo.ContactFilter): Readable {
  async function* records() {
    let cursor: repo.ContactCursor | undefined;
    for (;;) {
      const page = await repo.pageOfContacts(db, own(scope), filter, cursor, EXPORT_PAGE);
      for (const contact of page.contacts) yield exportRecord(contact);
      if (page.contacts.length < EXPORT_PAGE) return;
      cursor = page.cursor;
    }
  }
  return csvStream(EXPORT_COLUMNS, records());
}
