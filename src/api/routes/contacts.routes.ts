import { readFile } from 'node:fs/promises';
import type { Contact, Interaction } from '../../db/repos/contacts.repo';
import {
  changeContact,
  countOwnSegments,
  countOwnTags,
  createContact,
  csvRows,
  exportContacts,
  getContact,
  importContacts,
  listOwnContacts,
  logInteraction,
  MAX_IMPORT_ROWS,
  optOutWords,
  removeContact,
  setOptOutWords,
} from '../../services/contacts';
import { OptOutWordsSchema } from '../../domain/opt-out';
import { BadRequestError } from '../../errors';
import type { ApiDeps } from '../context';
import { CsvContent } from '../openapi';
import { idParam, ok, route } from '../route';
import { ContactResponses } from './contacts.responses';
import { ContactBody, ContactFilterQuery, ImportBody, InteractionBody, ListContactsQuery } from './contacts.schemas';

/** Largest import: 100,000 rows of JSON, or a CSV file. */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** The contact CRM. Static paths come before `/:id`, which they would otherwise match. */
export function contactRoutes({ db }: ApiDeps) {
  return [
    route({
      method: 'get',
      path: '/api/contacts',
      summary: "The caller's contacts, filtered by search (name, phone, username), tag and segment, a page at a time",
      tag: 'Contacts',
      operationId: 'listContacts',
      responses: { 200: ContactResponses.list },
      query: ListContactsQuery,
      handler: async ({ caller, query }) => {
        const { contacts, total } = await listOwnContacts(db, caller.scope, query);
        return ok({ contacts: contacts.map(presentContact), count: contacts.length, total, limit: query.limit, offset: query.offset });
      },
    }),
    route({
      method: 'post',
      path: '/api/contacts',
      summary: 'Create a contact; 409 when its phone or an identity is another contact’s',
      tag: 'Contacts',
      operationId: 'createContact',
      responses: { 201: ContactResponses.saved },
      errors: [409],
      body: ContactBody,
      idempotent: true,
      handler: async ({ caller, body }) => {
        const { default_country: country, ...input } = body;
        const contact = await createContact(db, caller.scope, input, country);
        return ok({ id: contact.id, contact: presentContact(contact) }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/contacts/export',
      summary: 'Every contact the filters keep, as CSV (cells that could run as spreadsheet formulas start with an apostrophe)',
      tag: 'Contacts',
      operationId: 'exportContacts',
      responses: { 200: CsvContent },
      query: ContactFilterQuery,
      handler: ({ ctx, caller, query }) => {
        ctx.type = 'text/csv; charset=utf-8';
        ctx.attachment('contacts.csv');
        return { status: 200, body: exportContacts(db, caller.scope, query) };
      },
    }),
    route({
      method: 'get',
      path: '/api/contacts/segments',
      summary: 'How many contacts each segment has (null: none)',
      tag: 'Contacts',
      operationId: 'countContactSegments',
      responses: { 200: ContactResponses.segments },
      handler: async ({ caller }) => {
        const segments = await countOwnSegments(db, caller.scope);
        return ok({ segments, count: segments.length });
      },
    }),
    route({
      method: 'get',
      path: '/api/contacts/tags',
      summary: 'How many contacts carry each tag',
      tag: 'Contacts',
      operationId: 'countContactTags',
      responses: { 200: ContactResponses.tags },
      handler: async ({ caller }) => {
        const tags = await countOwnTags(db, caller.scope);
        return ok({ tags, count: tags.length });
      },
    }),
    route({
      method: 'get',
      path: '/api/contacts/opt-out-words',
      summary: 'The words that opt a contact out when they send one in a private chat (default: stop, unsubscribe)',
      tag: 'Contacts',
      operationId: 'getOptOutWords',
      responses: { 200: ContactResponses.optOutWords },
      handler: async ({ caller }) => ok({ words: await optOutWords(db, caller.scope) }),
    }),
    route({
      method: 'put',
      path: '/api/contacts/opt-out-words',
      summary: 'Set the opt-out words (matched whole, in any case, accents and closing punctuation ignored)',
      tag: 'Contacts',
      operationId: 'setOptOutWords',
      responses: { 200: ContactResponses.optOutWords },
      body: OptOutWordsSchema,
      handler: async ({ caller, body }) => ok({ words: await setOptOutWords(db, caller.scope, body.words) }),
    }),
    route({
      method: 'post',
      path: '/api/contacts/import',
      summary: `Import up to ${MAX_IMPORT_ROWS} contacts — JSON rows, or a CSV file (multipart "file") with a column mapping — de-duplicated on phone and identities; each bad row is skipped with its reason`,
      tag: 'Contacts',
      operationId: 'importContacts',
      responses: { 200: ContactResponses.imported },
      body: ImportBody,
      multipart: { files: ['file'], maxFileBytes: MAX_IMPORT_BYTES },
      maxJsonBytes: MAX_IMPORT_BYTES,
      handler: async ({ caller, body, files }) => {
        if ((body.contacts === undefined) === (files.file === undefined)) {
          throw new BadRequestError('give exactly one of a JSON "contacts" array or a multipart CSV "file"');
        }
        if (body.mapping && !files.file) throw new BadRequestError('mapping: applies to a CSV file only');
        const rows = body.contacts ?? csvRows(await readFile(files.file!.path), body.mapping);
        const options = { mode: body.mode, replaceTags: body.replace_tags, addTags: body.add_tags, defaultCountry: body.default_country };
        const result = await importContacts(db, caller.scope, rows, options);
        return ok({ created: result.created, updated: result.updated, skipped: result.skipped.length, skipped_rows: result.skipped });
      },
    }),
    route({
      method: 'get',
      path: '/api/contacts/:id',
      summary: 'A contact, with its latest 100 interactions',
      tag: 'Contacts',
      operationId: 'getContact',
      responses: { 200: ContactResponses.one },
      handler: async ({ caller, params }) => {
        const { contact, interactions } = await getContact(db, caller.scope, idParam(params));
        return ok({ contact: presentContact(contact), interactions: interactions.map(presentInteraction) });
      },
    }),
    route({
      method: 'put',
      path: '/api/contacts/:id',
      summary: 'Change the fields given (null clears one); tags, when given, replace the contact’s',
      tag: 'Contacts',
      operationId: 'updateContact',
      responses: { 200: ContactResponses.saved },
      errors: [409],
      body: ContactBody,
      handler: async ({ caller, params, body }) => {
        const { default_country: country, ...input } = body;
        const contact = await changeContact(db, caller.scope, idParam(params), input, country);
        return ok({ id: contact.id, contact: presentContact(contact) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/contacts/:id',
      summary: 'Delete a contact and its interactions',
      tag: 'Contacts',
      operationId: 'deleteContact',
      responses: { 200: ContactResponses.deleted },
      handler: async ({ caller, params }) => {
        const id = idParam(params);
        await removeContact(db, caller.scope, id);
        return ok({ deleted: id });
      },
    }),
    route({
      method: 'post',
      path: '/api/contacts/:id/interaction',
      summary: 'Log an interaction with a contact: a call, a message, a meeting, a note …',
      tag: 'Contacts',
      operationId: 'logContactInteraction',
      responses: { 201: ContactResponses.interaction },
      body: InteractionBody,
      handler: async ({ caller, params, body }) => {
        const interaction = await logInteraction(db, caller.scope, idParam(params), {
          type: body.type,
          note: body.note ?? null,
          ...(body.at && { at: new Date(body.at) }),
        });
        return ok({ interaction: presentInteraction(interaction) }, 201);
      },
    }),
  ];
}

function presentContact(c: Contact) {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone,
    phone_valid: c.phoneE164 !== null,
    username: c.username,
    telegram_id: c.telegramId,
    whatsapp_jid: c.whatsappJid,
    tags: c.tags,
    segment: c.segment,
    fields: c.fields,
    opted_out: c.optedOut,
    opted_out_at: c.optedOutAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

function presentInteraction(i: Interaction) {
  return { id: i.id, type: i.type, note: i.note, at: i.at.toISOString() };
}
