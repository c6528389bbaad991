import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { getStack } from '../support/stack';
import { newUser, postFile, type Client } from '../support/http';

describe('the contact CRM', () => {
  let api: Client;
  let other: Client;

  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
    ({ api: other } = await newUser());
  });

  const create = async (client: Client, body: object) => {
    const reply = await client.post('/api/contacts', body);
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return reply.body.contact;
  };

  describe('POST /api/contacts', () => {
    it("creates the reference's contact, keeping a phone that does not parse as given", async () => {
      const contact = await create(api, { name: 'John', phone: '+1234', tags: ['vip'], segment: 'lead' });
      assert.equal(contact.name, 'John');
      assert.equal(contact.phone, '+1234');
      assert.equal(contact.phone_valid, false);
      assert.deepEqual(contact.tags, ['vip']);
      assert.equal(contact.segment, 'lead');
      assert.equal(contact.opted_out, false);
    });

    it('stores a phone in E.164, national numbers with default_country, and identities canonically', async () => {
      const contact = await create(api, { name: 'Greta', phone: '0151 2345 6789', default_country: 'de', username: '@Greta_Berlin', whatsapp_jid: '+49 151 2345 6789' });
      assert.equal(contact.phone, '+4915123456789');
      assert.equal(contact.phone_valid, true);
      assert.equal(contact.username, 'greta_berlin');
      assert.equal(contact.whatsapp_jid, '4915123456789@s.whatsapp.net');
    });

    it('refuses a second contact with the same phone or username with 409 naming the first', async () => {
      const first = await create(api, { name: 'Ivo', phone: '+44 20 7946 0958', username: 'ivo_london' });
      const samePhone = await api.post('/api/contacts', { name: 'Ivo again', phone: '+442079460958' });
      assert.equal(samePhone.status, 409);
      assert.match(samePhone.body.error, new RegExp(`${first.id} has the same phone`));
      const sameUser = await api.post('/api/contacts', { name: 'Ivo 3', username: 'IVO_LONDON' });
      assert.equal(sameUser.status, 409);
      // Another user may have the same phone: contacts are each user's own.
      assert.equal((await other.post('/api/contacts', { name: 'Ivo', phone: '+442079460958' })).status, 201);
    });

    it('answers 400 for a contact naming no one, a malformed identity, bad tags or country', async () => {
      for (const [body, message] of [
        [{ tags: ['x'] }, /at least one of name, phone/],
        [{ name: 'A', username: 'no' }, /username: not a Telegram username/],
        [{ name: 'A', telegram_id: 'abc' }, /telegram_id/],
        [{ name: 'A', whatsapp_jid: '120363000000000001@g.us' }, /whatsapp_jid/],
        [{ name: 'A', tags: [''] }, /tags\.0/],
        [{ name: 'A', phone: '123', default_country: 'XX' }, /default_country/],
        [{ name: 'A', fields: [] }, /fields/],
      ] as const) {
        const reply = await api.post('/api/contacts', body);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.match(reply.body.error, message);
      }
    });
  });

  describe('GET/PUT/DELETE /api/contacts/:id and interactions', () => {
    it("logs the reference's interaction and shows it on the contact", async () => {
      const contact = await create(api, { name: 'Karl' });
      const logged = await api.post(`/api/contacts/${contact.id}/interaction`, { note: 'Called, interested', type: 'call' });
      assert.equal(logged.status, 201, JSON.stringify(logged.body));
      const got = await api.get(`/api/contacts/${contact.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.contact.id, contact.id);
      assert.deepEqual(
        got.body.interactions.map((i: { type: string; note: string }) => [i.type, i.note]),
        [['call', 'Called, interested']],
      );
    });

    it('changes the fields given, clears one given null, and refuses a key of another contact with 409', async () => {
      const contact = await create(api, { name: 'Lena', segment: 'lead', tags: ['a'] });
      const taken = await create(api, { name: 'Taken', username: 'taken_name' });
      const changed = await api.put(`/api/contacts/${contact.id}`, { segment: null, tags: ['b', 'c'], fields: { plan: 'pro' }, opted_out: true });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.contact.name, 'Lena');
      assert.equal(changed.body.contact.segment, null);
      assert.deepEqual(changed.body.contact.tags, ['b', 'c']);
      assert.deepEqual(changed.body.contact.fields, { plan: 'pro' });
      assert.equal(changed.body.contact.opted_out, true);
      assert.ok(changed.body.contact.opted_out_at);
      const clash = await api.put(`/api/contacts/${contact.id}`, { username: 'Taken_Name' });
      assert.equal(clash.status, 409);
      assert.match(clash.body.error, new RegExp(taken.id));
    });

    it("answers 404 for another user's contact, an unknown id and a malformed one", async () => {
      const contact = await create(api, { name: 'Private' });
      for (const reply of [
        await other.get(`/api/contacts/${contact.id}`),
        await other.put(`/api/contacts/${contact.id}`, { name: 'Stolen' }),
        await other.delete(`/api/contacts/${contact.id}`),
        await other.post(`/api/contacts/${contact.id}/interaction`, { note: 'x' }),
        await api.get('/api/contacts/00000000-0000-4000-8000-000000000000'),
        await api.get('/api/contacts/not-an-id'),
      ]) {
        assert.equal(reply.status, 404, JSON.stringify(reply.body));
      }
      assert.equal((await api.get(`/api/contacts/${contact.id}`)).body.contact.name, 'Private');
    });

    it('deletes a contact', async () => {
      const contact = await create(api, { name: 'Gone' });
      const deleted = await api.delete(`/api/contacts/${contact.id}`);
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.deleted, contact.id);
      assert.equal((await api.get(`/api/contacts/${contact.id}`)).status, 404);
    });
  });

  describe('GET /api/contacts, segments and tags', () => {
    let lister: Client;
    before(async () => {
      ({ api: lister } = await newUser());
      for (const body of [
        { name: 'Anna Schmidt', phone: '+4915100000001', tags: ['vip', 'berlin'], segment: 'customer' },
        { name: 'Bert Meyer', username: 'bert_m', tags: ['berlin'], segment: 'lead' },
        { name: 'Cleo 100%_off', tags: ['vip'], segment: 'lead' },
        { name: 'Dora', segment: null },
      ]) {
        await create(lister, body);
      }
    });

    it('filters by search over name, phone and username, by tag and by segment, and counts the total', async () => {
      const names = async (query: string) => {
        const reply = await lister.get(`/api/contacts?${query}`);
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        return { names: reply.body.contacts.map((c: { name: string }) => c.name).sort(), total: reply.body.total };
      };
      assert.deepEqual(await names('search=schmi'), { names: ['Anna Schmidt'], total: 1 });
      assert.deepEqual(await names('search=15100000'), { names: ['Anna Schmidt'], total: 1 });
      assert.deepEqual(await names('search=BERT_M'), { names: ['Bert Meyer'], total: 1 });
      assert.deepEqual(await names(`search=${encodeURIComponent('100%_')}`), { names: ['Cleo 100%_off'], total: 1 });
      assert.deepEqual(await names('search=%25'), { names: ['Cleo 100%_off'], total: 1 }, 'a % is a character, not a wildcard');
      assert.deepEqual(await names('tag=berlin'), { names: ['Anna Schmidt', 'Bert Meyer'], total: 2 });
      assert.deepEqual(await names('segment=lead&tag=vip'), { names: ['Cleo 100%_off'], total: 1 });
    });

    it('pages with limit, offset and sort, the total counting every page', async () => {
      const page = await lister.get('/api/contacts?sort=name&limit=2&offset=1');
      assert.equal(page.status, 200);
      assert.deepEqual(page.body.contacts.map((c: { name: string }) => c.name), ['Bert Meyer', 'Cleo 100%_off']);
      assert.equal(page.body.total, 4);
      assert.equal((await lister.get('/api/contacts?sort=password')).status, 400);
      assert.equal((await lister.get('/api/contacts?limit=100000')).status, 400);
    });

    it('counts segments and tags', async () => {
      const segments = await lister.get('/api/contacts/segments');
      assert.equal(segments.status, 200);
      assert.deepEqual(segments.body.segments, [
        { segment: 'lead', count: 2 },
        { segment: 'customer', count: 1 },
        { segment: null, count: 1 },
      ]);
      const tags = await lister.get('/api/contacts/tags');
      assert.equal(tags.status, 200);
      assert.deepEqual(tags.body.tags, [
        { tag: 'berlin', count: 2 },
        { tag: 'vip', count: 2 },
      ]);
    });
  });

  describe('POST /api/contacts/import', () => {
    it("imports the reference's body, then updates by phone, adding tags, and skips per mode", async () => {
      const { api: importer } = await newUser();
      const first = await importer.post('/api/contacts/import', { contacts: [{ name: 'A', phone: '+4915111111111', tags: ['x'] }, { name: 'B' }] });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body, { success: true, created: 2, updated: 0, skipped: 0, skipped_rows: [] });

      const again = await importer.post('/api/contacts/import', { contacts: [{ name: 'A2', phone: '+49 151 11111111', tags: ['y'] }] });
      assert.deepEqual([again.body.created, again.body.updated], [0, 1]);
      const [updated] = (await importer.get('/api/contacts?search=A2')).body.contacts;
      assert.deepEqual(updated.tags, ['x', 'y'], 'tags are added');

      const replaced = await importer.post('/api/contacts/import', { contacts: [{ phone: '+4915111111111', tags: ['z'] }], replace_tags: true });
      assert.equal(replaced.body.updated, 1);
      assert.deepEqual((await importer.get('/api/contacts?search=A2')).body.contacts[0].tags, ['z']);

      const createOnly = await importer.post('/api/contacts/import', { contacts: [{ phone: '+4915111111111' }, { name: 'C' }], mode: 'create_only' });
      assert.deepEqual([createOnly.body.created, createOnly.body.updated, createOnly.body.skipped], [1, 0, 1]);
      assert.match(createOnly.body.skipped_rows[0].reason, /exists \(mode create_only\)/);
      const updateOnly = await importer.post('/api/contacts/import', { contacts: [{ phone: '+4915199999999', name: 'New' }], mode: 'update_only' });
      assert.deepEqual(updateOnly.body.skipped_rows, [{ row: 1, reason: 'no such contact (mode update_only)' }]);
    });

    it('skips each bad row with its number and reason and keeps every good one', async () => {
      const { api: importer } = await newUser();
      const reply = await importer.post('/api/contacts/import', {
        contacts: [
          { name: 'Good 1', phone: '+4915122222222' },
          'not an object',
          { name: 'Bad username', username: 'x' },
          { tags: ['only tags'] },
          { name: 'Dup', phone: '+49 151 22222222' },
          { name: 'Good 2', telegram_id: '12345' },
          { name: 'x'.repeat(201) },
        ],
        add_tags: ['imported'],
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.created, 2);
      assert.deepEqual(
        reply.body.skipped_rows.map((s: { row: number }) => s.row),
        [2, 3, 4, 5, 7],
      );
      assert.match(reply.body.skipped_rows[3].reason, /same phone as row 1/);
      const listed = await importer.get('/api/contacts?tag=imported');
      assert.deepEqual(listed.body.contacts.map((c: { name: string }) => c.name).sort(), ['Good 1', 'Good 2']);
    });

    it('imports a 10,000-row CSV through a column mapping, custom fields included', async function () {
      this.timeout(60_000);
      const { api: importer, key: importerKey } = await newUser();
      const lines = ['Full Name,Mobile,Labels,Plan,Ignored'];
      for (let i = 0; i < 10_000; i++) lines.push(`Person ${i},+4915${String(i).padStart(9, '0')},"csv;batch${i % 3}",pro,x`);
      lines.push('Broken,"+49 1\u0000"');
      const reply = await postFile(importerKey, '/api/contacts/import', 'file', Buffer.from(lines.join('\n')), {
        type: 'text/csv',
        name: 'contacts.csv',
        fields: { mapping: JSON.stringify({ 'Full Name': 'name', Mobile: 'phone', Labels: 'tags', Plan: 'fields.plan' }) },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body).slice(0, 500));
      assert.equal(reply.body.created, 10_000);
      assert.deepEqual(reply.body.skipped_rows.map((s: { row: number }) => s.row), [10_001]);
      assert.match(reply.body.skipped_rows[0].reason, /NUL/);
      const listed = await importer.get('/api/contacts?search=person%209999');
      assert.equal(listed.status, 200);
      assert.equal(listed.body.total, 1);
      const [person] = listed.body.contacts;
      assert.equal(person.phone, '+4915000009999');
      assert.deepEqual(person.tags, ['csv', 'batch0']);
      assert.deepEqual(person.fields, { plan: 'pro' });
      assert.equal((await importer.get('/api/contacts?tag=csv&limit=1')).body.total, 10_000);

      // Exported back, page by page: each contact once.
      const { baseUrl } = await getStack();
      const exported = await fetch(`${baseUrl}/api/contacts/export?tag=csv`, { headers: { 'X-API-Key': importerKey } });
      assert.equal(exported.status, 200);
      const records = parse(await exported.text(), { columns: true }) as Array<{ id: string }>;
      assert.equal(records.length, 10_000);
      assert.equal(new Set(records.map((r) => r.id)).size, 10_000);
    });

    it('answers 400 for neither or both of rows and a file, a mapping naming no column, and a file that is not CSV', async () => {
      const { key: importerKey, api: importer } = await newUser();
      assert.equal((await importer.post('/api/contacts/import', {})).status, 400);
      assert.equal((await importer.post('/api/contacts/import', { contacts: [], mode: 'merge' })).status, 400);
      const badMapping = await postFile(importerKey, '/api/contacts/import', 'file', Buffer.from('name\nA\n'), {
        type: 'text/csv',
        name: 'c.csv',
        fields: { mapping: JSON.stringify({ Nom: 'name' }) },
      });
      assert.equal(badMapping.status, 400);
      assert.match(badMapping.body.error, /no column "Nom"/);
      const notCsv = await postFile(importerKey, '/api/contacts/import', 'file', Buffer.from('a,b\n"unterminated'), { type: 'text/csv', name: 'c.csv' });
      assert.equal(notCsv.status, 400);
    });
  });

  describe('GET /api/contacts/export', () => {
    it('streams the filtered contacts as CSV that parses back, formula cells neutralised', async () => {
      const { api: exporter, key: exporterKey } = await newUser();
      await create(exporter, { name: '=HYPERLINK("http://evil")', phone: '+4915133333333', tags: ['export'], fields: { note: '@sum' } });
      await create(exporter, { name: 'Plain, "quoted"', tags: ['export'] });
      await create(exporter, { name: 'Not exported' });
      const { baseUrl } = await getStack();
      const response = await fetch(`${baseUrl}/api/contacts/export?tag=export`, { headers: { 'X-API-Key': exporterKey } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
      const records = parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
      assert.deepEqual(
        records.map((r) => [r.name, r.phone, r.tags]),
        [
          ["'=HYPERLINK(\"http://evil\")", "'+4915133333333", 'export'],
          ['Plain, "quoted"', '', 'export'],
        ],
      );
      assert.equal(records[0]!.fields, '{"note":"@sum"}');
      assert.equal((await fetch(`${baseUrl}/api/contacts/export`)).status, 401);
    });
  });
});
