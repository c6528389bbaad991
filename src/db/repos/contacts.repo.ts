/**
 * The contact CRM's storage, each user's own (an admin's scope sees no one else's either): contacts,
 * their interactions, the counts of their segments and tags, and the bulk import.
 *
 * Every write takes the user's contacts lock (`lockContacts`), so a create, an update and an
 * import never race each other on the unique keys (phone, username, Telegram id, WhatsApp JID).
 */
import type { Knex } from 'knex';
import { emitEventsFrom } from './events.repo';
import type { ContactKeys, NormalizedContact } from '../../domain/contacts';
import type { Scope } from './scope';

/** A contact as stored. */
export interface Contact {
  id: string;
  name: string | null;
  phone: string | null;
  phoneE164: string | null;
  username: string | null;
  telegramId: string | null;
  whatsappJid: string | null;
  tags: string[];
  segment: string | null;
  fields: Record<string, unknown>;
  optedOut: boolean;
  optedOutAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface ContactRow {
  id: string;
  name: string | null;
  phone: string | null;
  phone_e164: string | null;
  username: string | null;
  telegram_id: string | null;
  whatsapp_jid: string | null;
  tags: string[];
  segment: string | null;
  fields: Record<string, unknown>;
  opted_out: boolean;
  opted_out_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns a contact is read with (not `user_id` or `search_text`). */
export const CONTACT_COLUMNS = [
  'id',
  'name',
  'phone',
  'phone_e164',
  'username',
  'telegram_id',
  'whatsapp_jid',
  'tags',
  'segment',
  'fields',
  'opted_out',
  'opted_out_at',
  'created_at',
  'updated_at',
] as const;

const mapContact = (r: ContactRow): Contact => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  phoneE164: r.phone_e164,
  username: r.username,
  telegramId: r.telegram_id,
  whatsappJid: r.whatsapp_jid,
  tags: r.tags,
  segment: r.segment,
  fields: r.fields,
  optedOut: r.opted_out,
  optedOutAt: r.opted_out_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The columns of a contact's keys, by domain name. */
export const KEY_COLUMNS: Record<keyof ContactKeys, string> = {
  phoneE164: 'phone_e164',
  username: 'username',
  telegramId: 'telegram_id',
  whatsappJid: 'whatsapp_jid',
};

/** The contacts table restricted to the scope's user's own contacts. */
const own = (db: Knex, scope: Scope) => db('contacts').where({ user_id: scope.userId });

/** Holds the scope's user's contacts lock until `trx` ends (see the module comment). */
export async function lockContacts(trx: Knex, scope: Scope): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`contacts:${scope.userId}`]);
}

/** The columns `contact` sets, as stored; fields it leaves out are absent. */
function columnsOf(contact: NormalizedContact): Record<string, unknown> {
  return {
    ...(contact.name !== undefined && { name: contact.name }),
    ...(contact.phone !== undefined && { phone: contact.phone, phone_e164: contact.phoneE164 ?? null }),
    ...(contact.username !== undefined && { username: contact.username }),
    ...(contact.telegramId !== undefined && { telegram_id: contact.telegramId }),
    ...(contact.whatsappJid !== undefined && { whatsapp_jid: contact.whatsappJid }),
    ...(contact.tags !== undefined && { tags: contact.tags }),
    ...(contact.segment !== undefined && { segment: contact.segment }),
    ...(contact.fields !== undefined && { fields: JSON.stringify(contact.fields) }),
    ...(contact.optedOut !== undefined && { opted_out: contact.optedOut }),
  };
}

/** The scope's user's contacts that share a key with `keys`, other than `exceptId`. */
export async function findContactsByKeys(db: Knex, scope: Scope, keys: ContactKeys, exceptId?: string): Promise<Contact[]> {
  const set = (Object.keys(KEY_COLUMNS) as Array<keyof ContactKeys>).filter((k) => keys[k] !== null);
  if (set.length === 0) return [];
  const query = own(db, scope).where((q) => {
    for (const key of set) q.orWhere(KEY_COLUMNS[key], keys[key]!);
  });
  if (exceptId) query.whereNot({ id: exceptId });
  return ((await query.select(CONTACT_COLUMNS)) as ContactRow[]).map(mapContact);
}

/** Inserts a contact of the scope's user (the caller checked its keys under the lock). */
export async function insertContact(trx: Knex, scope: Scope, contact: NormalizedContact, source: Exclude<ContactSource, 'import'> = 'api'): Promise<Contact> {
  const [row] = (await trx('contacts')
    .insert({ user_id: scope.userId, ...columnsOf(contact), ...(contact.optedOut && { opted_out_at: trx.fn.now() }) })
    .returning(CONTACT_COLUMNS)) as ContactRow[];
  await emitEventsFrom(trx, contactsCreated('(select * from contacts where id = ?)'), [source, row!.id]);
  return mapContact(row!);
}

/** How a contact came to be: through the API, an import, or an opt-out from someone unknown. */
export type ContactSource = 'api' | 'import' | 'opt_out';

/**
 * The `input` of {@link emitEventsFrom} recording `contact.created` for the contacts of `rows` (a
 * relation with the contacts table's columns); its one parameter, before those of `rows`, is the
 * {@link ContactSource}. The one definition of the event's payload, for single contacts and imports.
 */
export const contactsCreated = (rows: string) => `input as (
  select row_number() over () as ord, c.user_id, null::uuid as account_id, 'contact.created'::text as type,
         jsonb_build_object('contact_id', c.id, 'name', c.name, 'phone', c.phone_e164, 'username', c.username,
                            'tags', to_jsonb(c.tags), 'segment', c.segment, 'source', ?::text) as data,
         null::text as chat_key, now() as created_at
  from ${rows} c
)`;

/** The scope's user's contact `id`, or undefined. */
export async function findContact(db: Knex, scope: Scope, id: string): Promise<Contact | undefined> {
  const row = (await own(db, scope).where({ id }).first(CONTACT_COLUMNS)) as ContactRow | undefined;
  return row && mapContact(row);
}

/** Changes what `change` sets on the scope's user's contact `id`; undefined when there is none. */
export async function updateContact(trx: Knex, scope: Scope, id: string, change: NormalizedContact): Promise<Contact | undefined> {
  const optedOutAt =
    change.optedOut === undefined ? {} : { opted_out_at: change.optedOut ? trx.raw('coalesce(opted_out_at, now())') : null };
  const [row] = (await own(trx, scope)
    .where({ id })
    .update({ ...columnsOf(change), ...optedOutAt, updated_at: trx.fn.now() })
    .returning(CONTACT_COLUMNS)) as ContactRow[];
  return row && mapContact(row);
}

/** Deletes the scope's user's contact `id` (and its interactions); false when there is none. */
export async function deleteContact(db: Knex, scope: Scope, id: string): Promise<boolean> {
  return (await own(db, scope).where({ id }).delete()) > 0;
}

/** What a list of contacts is filtered by. */
export interface ContactFilter {
  /** A substring of the name, phone or username, any case. */
  search?: string;
  tag?: string;
  segment?: string;
}

/** How a list is ordered: a column, `-` first for descending. */
export const CONTACT_SORTS = ['name', '-name', 'created_at', '-created_at', 'updated_at', '-updated_at'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

/** `term` as a LIKE pattern matching it anywhere, its own wildcards taken literally. */
function containing(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The scope's user's contacts that `filter` keeps. */
export function filteredContacts(db: Knex, scope: Scope, filter: ContactFilter): Knex.QueryBuilder {
  const query = own(db, scope);
  if (filter.search) query.where('search_text', 'like', containing(filter.search));
  if (filter.tag) query.whereRaw('tags @> array[?]::text[]', [filter.tag]);
  if (filter.segment) query.where({ segment: filter.segment });
  return query;
}

/** A page of the scope's user's contacts that `filter` keeps, and how many it keeps in all. */
export async function listContacts(
  db: Knex,
  scope: Scope,
  filter: ContactFilter & { sort: ContactSort; limit: number; offset: number },
): Promise<{ contacts: Contact[]; total: number }> {
  const column = filter.sort.replace(/^-/, '');
  const direction = filter.sort.startsWith('-') ? 'desc' : 'asc';
  const [rows, counted] = await Promise.all([
    filteredContacts(db, scope, filter)
      .orderBy(column, direction, 'last')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .select(CONTACT_COLUMNS) as Promise<ContactRow[]>,
    filteredContacts(db, scope, filter).count<{ count: string }[]>('* as count'),
  ]);
  return { contacts: rows.map(mapContact), total: Number(counted[0]?.count ?? 0) };
}

/** Where a page of contacts ended: its last contact's creation time (exact, as PostgreSQL writes it) and id. */
export interface ContactCursor {
  at: string;
  id: string;
}

/**
 * Up to `limit` of the contacts `filter` keeps, oldest first, after `cursor` (keyset paging), and
 * the cursor of the page's end. The cursor keeps the time as text: a JavaScript Date would cut
 * PostgreSQL's microseconds and page over the same contacts for ever.
 */
export async function pageOfContacts(
  db: Knex,
  scope: Scope,
  filter: ContactFilter,
  cursor: ContactCursor | undefined,
  limit: number,
): Promise<{ contacts: Contact[]; cursor: ContactCursor | undefined }> {
  const query = filteredContacts(db, scope, filter)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .select([...CONTACT_COLUMNS, db.raw('created_at::text as cursor_at')]);
  // Written with user_id first, so the comparison walks the (user_id, created_at, id) index.
  if (cursor) query.whereRaw('(user_id, created_at, id) > (?, ?::timestamptz, ?)', [scope.userId, cursor.at, cursor.id]);
  const rows = (await query) as Array<ContactRow & { cursor_at: string }>;
  const last = rows[rows.length - 1];
  return { contacts: rows.map(mapContact), cursor: last && { at: last.cursor_at, id: last.id } };
}

/** How many of the scope's user's contacts are in each segment (null: none), most first. */
export async function countSegments(db: Knex, scope: Scope): Promise<Array<{ segment: string | null; count: number }>> {
  const rows = await own(db, scope).groupBy('segment').select('segment').count<{ segment: string | null; count: string }[]>('* as count').orderBy([{ column: 'count', order: 'desc' }, { column: 'segment' }]);
  return rows.map((r) => ({ segment: r.segment, count: Number(r.count) }));
}

/** How many of the scope's user's contacts carry each tag, most first. */
export async function countTags(db: Knex, scope: Scope): Promise<Array<{ tag: string; count: number }>> {
  const { rows } = await db.raw<{ rows: Array<{ tag: string; count: string }> }>(
    'select tag, count(*) as count from contacts, unnest(tags) as tag where user_id = ? group by tag order by count(*) desc, tag',
    [scope.userId],
  );
  return rows.map((r) => ({ tag: r.tag, count: Number(r.count) }));
}

/** Something that happened with a contact: a call, a message, a meeting, a note … */
export interface Interaction {
  id: number;
  type: string;
  note: string | null;
  at: Date;
}

/** Logs an interaction with contact `contactId` (the caller checked it is the user's). */
export async function insertInteraction(db: Knex, contactId: string, interaction: { type: string; note: string | null; at?: Date }): Promise<Interaction> {
  const [row] = await db('contact_interactions')
    .insert({ contact_id: contactId, type: interaction.type, note: interaction.note, ...(interaction.at && { at: interaction.at }) })
    .returning<{ id: string; type: string; note: string | null; at: Date }[]>(['id', 'type', 'note', 'at']);
  return { id: Number(row!.id), type: row!.type, note: row!.note, at: row!.at };
}

/** The latest `limit` interactions with contact `contactId`, newest first. */
export async function listInteractions(db: Knex, contactId: string, limit: number): Promise<Interaction[]> {
  const rows = await db('contact_interactions')
    .where({ contact_id: contactId })
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .select<{ id: string; type: string; note: string | null; at: Date }[]>('id', 'type', 'note', 'at');
  return rows.map((r) => ({ id: Number(r.id), type: r.type, note: r.note, at: r.at }));
}

/** The scope's user's opt-out words, or undefined when they never set any. */
export async function findOptOutWords(db: Knex, scope: Scope): Promise<string[] | undefined> {
  const row = (await db('contact_settings').where({ user_id: scope.userId }).first('opt_out_words')) as { opt_out_words: string[] } | undefined;
  return row?.opt_out_words;
}

/** Sets the scope's user's opt-out words. */
export async function saveOptOutWords(db: Knex, scope: Scope, words: string[]): Promise<void> {
  await db('contact_settings')
    .insert({ user_id: scope.userId, opt_out_words: words })
    .onConflict('user_id')
    .merge({ opt_out_words: words, updated_at: db.fn.now() });
}

/** Marks the scope's user's contact `id` opted out; false when it was already (or is gone). */
export async function optOutContact(trx: Knex, scope: Scope, id: string): Promise<boolean> {
  const updated = await own(trx, scope).where({ id, opted_out: false }).update({ opted_out: true, opted_out_at: trx.fn.now(), updated_at: trx.fn.now() });
  return updated > 0;
}
