/**
 * The bulk side of the contact CRM's import: rows matched to existing contacts by their keys,
 * inserted and updated thousands at a time (`jsonb_to_recordset` over one parameter per batch), in
 * the caller's transaction and under its contacts lock (see contacts.repo `lockContacts`).
 */
import type { Knex } from 'knex';
import { emitEventsFrom } from './events.repo';
import { contactsCreated } from './contacts.repo';
import { keysOf, type ContactKeys, type NormalizedContact } from '../../domain/contacts';
import { KEY_COLUMNS } from './contacts.repo';
import type { Scope } from './scope';

/** A row of an import that passed validation: its number in the request (1 = the first), and its contact. */
export interface ImportRow {
  row: number;
  contact: NormalizedContact;
}

/** Rows per statement: large enough to be quick, small enough to keep each parameter modest. */
const BATCH = 5_000;

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/** For each row, the ids of the scope's user's contacts that share one of its keys (rows without a match are absent). */
export async function matchExistingContacts(trx: Knex, scope: Scope, rows: readonly ImportRow[]): Promise<Map<number, Set<string>>> {
  const matches = new Map<number, Set<string>>();
  // A first import into an empty CRM has nothing to match.
  if (!(await trx('contacts').where({ user_id: scope.userId }).first('id'))) return matches;
  for (const key of Object.keys(KEY_COLUMNS) as Array<keyof ContactKeys>) {
    const keyed = rows.map((r) => ({ row: r.row, k: keysOf(r.contact)[key] })).filter((r) => r.k !== null);
    for (const batch of batches(keyed)) {
      const { rows: found } = await trx.raw<{ rows: Array<{ row: number; id: string }> }>(
        `select s.row, c.id from jsonb_to_recordset(?::jsonb) as s(row int, k text)
         join contacts c on c.user_id = ? and c.${KEY_COLUMNS[key]} = s.k`,
        [JSON.stringify(batch), scope.userId],
      );
      for (const { row, id } of found) matches.set(row, (matches.get(row) ?? new Set()).add(id));
    }
  }
  return matches;
}

/** A row as `jsonb_to_recordset` reads it. */
function recordOf(contact: NormalizedContact, id?: string) {
  return {
    id,
    name: contact.name ?? null,
    phone: contact.phone ?? null,
    phone_e164: contact.phoneE164 ?? null,
    username: contact.username ?? null,
    telegram_id: contact.telegramId ?? null,
    whatsapp_jid: contact.whatsappJid ?? null,
    tags: contact.tags ?? null,
    segment: contact.segment ?? null,
    fields: contact.fields ?? null,
    opted_out: contact.optedOut ?? null,
  };
}

const RECORD_TYPE = `s(id uuid, name text, phone text, phone_e164 text, username text, telegram_id text, whatsapp_jid text,
  tags text[], segment text, fields jsonb, opted_out boolean)`;

/** Inserts rows matching no contact as new contacts of the scope's user; answers how many. */
export async function insertImportedContacts(trx: Knex, scope: Scope, rows: readonly ImportRow[]): Promise<number> {
  let inserted = 0;
  for (const batch of batches(rows)) {
    // The contacts and their contact.created events in one statement: the rows never travel back.
    const created = await emitEventsFrom(
      trx,
      `inserted as (
         insert into contacts (user_id, name, phone, phone_e164, username, telegram_id, whatsapp_jid, tags, segment, fields, opted_out, opted_out_at)
         select ?, s.name, s.phone, s.phone_e164, s.username, s.telegram_id, s.whatsapp_jid, coalesce(s.tags, '{}'), s.segment,
                coalesce(s.fields, '{}'), coalesce(s.opted_out, false), case when s.opted_out then now() end
         from jsonb_to_recordset(?::jsonb) as ${RECORD_TYPE}
         returning *
       ), ${contactsCreated('inserted')}`,
      [scope.userId, JSON.stringify(batch.map((r) => recordOf(r.contact))), 'import'],
    );
    inserted += created.length;
  }
  return inserted;
}

/**
 * Updates each row's contact (`id`) with what the row gives: a value given replaces the stored one,
 * one left out keeps it; tags are added to the contact's, or replace them with `replaceTags`;
 * custom fields are merged. Answers how many contacts changed.
 */
export async function updateImportedContacts(
  trx: Knex,
  scope: Scope,
  rows: ReadonlyArray<ImportRow & { id: string }>,
  replaceTags: boolean,
): Promise<number> {
  let updated = 0;
  // Added tags go after the contact's own, each once.
  const tags = replaceTags ? 'coalesce(s.tags, c.tags)' : "c.tags || array(select t from unnest(coalesce(s.tags, '{}')) as t where not t = any(c.tags))";
  for (const batch of batches(rows)) {
    const result = await trx.raw(
      `update contacts c set
         name = coalesce(s.name, c.name),
         phone = coalesce(s.phone, c.phone),
         phone_e164 = case when s.phone is null then c.phone_e164 else s.phone_e164 end,
         username = coalesce(s.username, c.username),
         telegram_id = coalesce(s.telegram_id, c.telegram_id),
         whatsapp_jid = coalesce(s.whatsapp_jid, c.whatsapp_jid),
         tags = ${tags},
         segment = coalesce(s.segment, c.segment),
         fields = c.fields || coalesce(s.fields, '{}'),
         opted_out = coalesce(s.opted_out, c.opted_out),
         opted_out_at = case when coalesce(s.opted_out, c.opted_out) then coalesce(c.opted_out_at, now()) end,
         updated_at = now()
       from jsonb_to_recordset(?::jsonb) as ${RECORD_TYPE}
       where c.id = s.id and c.user_id = ?`,
      [JSON.stringify(batch.map((r) => recordOf(r.contact, r.id))), scope.userId],
    );
    updated += (result as { rowCount: number }).rowCount;
  }
  return updated;
}
