import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newSandboxAccount, newUser, postFile, request, type Client, type Reply } from '../support/http';
import { JPEG, PNG } from '../support/images';
import { getStack } from '../support/stack';


/** Uploads `data` as the multipart file field `field` (default `photo`). */
function uploadPhoto(key: string | undefined, accountId: string, data: Buffer, options: { field?: string; type?: string; name?: string } = {}): Promise<Reply> {
  return postFile(key, `/api/v1/accounts/${accountId}/photo`, options.field ?? 'photo', data, { name: 'photo.png', ...options });
}

describe('GET /api/v1/accounts/:id/profile', () => {
  let api: Client;
  let accountId: string;

  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
    const created = await api.post('/api/v1/accounts', { platform: 'telegram', name: 'John Doe', phone: '+14155550123', sandbox: true });
    accountId = created.body.account.id;
  });

  it('answers the profile in the reference shape', async () => {
    const reply = await api.get(`/api/v1/accounts/${accountId}/profile`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.success, true);
    assert.equal(reply.body.ok, true);
    const { id, ...rest } = reply.body.profile;
    assert.equal(typeof id, 'number');
    assert.deepEqual(rest, { first_name: 'John', last_name: 'Doe', username: null, phone: '+14155550123', about: '', photo: false });
  });

  it('answers the profile of a WhatsApp account, its id a JID', async () => {
    const wa = await newSandboxAccount(api, 'whatsapp');
    const reply = await api.get(`/api/v1/accounts/${wa}/profile`);
    assert.equal(reply.status, 200);
    assert.match(reply.body.profile.id, /@s\.whatsapp\.net$/);
  });

  it('answers 409 for an account that is not connected', async () => {
    const { db } = await getStack();
    const idle = await newSandboxAccount(api);
    await db('accounts').where({ id: idle }).update({ status: 'disconnected' });
    const reply = await api.get(`/api/v1/accounts/${idle}/profile`);
    assert.equal(reply.status, 409);
    assert.match(reply.body.error, /is disconnected; it must be connected/);
  });

  it("answers 404 for another user's account and unknown ids, 401 without a key", async () => {
    const other = await newUser();
    const foreign = await other.api.get(`/api/v1/accounts/${accountId}/profile`);
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, { error: 'not found' });
    assert.equal((await api.get('/api/v1/accounts/00000000-0000-4000-8000-000000000000/profile')).status, 404);
    assert.equal((await api.get('/api/v1/accounts/abc/profile')).status, 404);
    assert.equal((await request('GET', `/api/v1/accounts/${accountId}/profile`)).status, 401);
  });
});

describe('PUT /api/v1/accounts/:id/profile', () => {
  let api: Client;
  let accountId: string;

  before(async function () {
    this.timeout(120_000);
    ({ api } = await newUser());
    accountId = await newSandboxAccount(api);
  });

  it('updates every field and answers the new profile; GET shows it', async () => {
    const body = { first_name: 'Muhammad', last_name: 'Khan', about: 'Founder @ 2ndCall' };
    const reply = await api.put(`/api/v1/accounts/${accountId}/profile`, body);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.ok, true);
    assert.equal(reply.body.profile.first_name, 'Muhammad');
    assert.equal(reply.body.profile.last_name, 'Khan');
    assert.equal(reply.body.profile.about, 'Founder @ 2ndCall');
    assert.deepEqual((await api.get(`/api/v1/accounts/${accountId}/profile`)).body.profile, reply.body.profile);
  });

  it('changes only the fields given', async () => {
    const reply = await api.put(`/api/v1/accounts/${accountId}/profile`, { about: 'Just the bio' });
    assert.equal(reply.body.profile.first_name, 'Muhammad');
    assert.equal(reply.body.profile.last_name, 'Khan');
    assert.equal(reply.body.profile.about, 'Just the bio');
  });

  it('clears last_name and about with empty strings', async () => {
    const reply = await api.put(`/api/v1/accounts/${accountId}/profile`, { last_name: '', about: '' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.profile.last_name, '');
    assert.equal(reply.body.profile.about, '');
    assert.equal(reply.body.profile.first_name, 'Muhammad');
  });

  it('accepts the limits exactly: first_name 64, last_name 64, about 70 characters', async () => {
    const body = { first_name: 'f'.repeat(64), last_name: 'l'.repeat(64), about: 'a'.repeat(70) };
    const reply = await api.put(`/api/v1/accounts/${accountId}/profile`, body);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.profile.about, body.about);
  });

  it('updates a WhatsApp profile', async () => {
    const wa = await newSandboxAccount(api, 'whatsapp');
    const reply = await api.put(`/api/v1/accounts/${wa}/profile`, { first_name: 'Zed', about: 'On WhatsApp' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.profile.about, 'On WhatsApp');
  });

  it('answers 400 naming the field for invalid bodies', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /give at least one of first_name, last_name, about/],
      [{ nickname: 'x' }, /give at least one/],
      [{ first_name: '' }, /first_name: must be 1-64 characters/],
      [{ first_name: '   ' }, /first_name/],
      [{ first_name: 'f'.repeat(65) }, /first_name: must be 1-64 characters/],
      [{ last_name: 'l'.repeat(65) }, /last_name: must be at most 64/],
      [{ about: 'a'.repeat(71) }, /about: must be at most 70/],
      [{ first_name: 42 }, /first_name/],
    ];
    for (const [body, error] of cases) {
      const reply = await api.put(`/api/v1/accounts/${accountId}/profile`, body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, error);
    }
  });

  it("answers 404 for another user's account, 401 without a key", async () => {
    const other = await newUser();
    const foreign = await other.api.put(`/api/v1/accounts/${accountId}/profile`, { first_name: 'X' });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, { error: 'not found' });
    assert.equal((await request('PUT', `/api/v1/accounts/${accountId}/profile`, { body: { first_name: 'X' } })).status, 401);
  });
});

describe('PUT /api/v1/accounts/:id/username', () => {
  let api: Client;
  let accountId: string;
  let otherAccount: string;

  before(async function () {
    this.timeout(120_000);
    ({ api } = await newUser());
    accountId = await newSandboxAccount(api);
    otherAccount = await newSandboxAccount((await newUser()).api);
  });

  it('sets the username as written, without @, and the profile shows it', async () => {
    const reply = await api.put(`/api/v1/accounts/${accountId}/username`, { username: 'MK_2ndcall' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.success, true);
    assert.equal(reply.body.ok, true);
    assert.equal(reply.body.username, 'MK_2ndcall');
    assert.equal(reply.body.profile.username, 'MK_2ndcall');
    assert.equal((await api.get(`/api/v1/accounts/${accountId}/profile`)).body.profile.username, 'MK_2ndcall');
  });

  it('sets the same username again without complaint', async () => {
    assert.equal((await api.put(`/api/v1/accounts/${accountId}/username`, { username: 'MK_2ndcall' })).status, 200);
  });

  it('answers 409 when another account holds the username, in any case', async () => {
    const { api: otherApi } = await newUser();
    const taker = await newSandboxAccount(otherApi);
    const reply = await otherApi.put(`/api/v1/accounts/${taker}/username`, { username: 'mk_2NDCALL' });
    assert.equal(reply.status, 409);
    assert.match(reply.body.error, /username is taken/);
    assert.equal((await otherApi.get(`/api/v1/accounts/${taker}/profile`)).body.profile.username, null);
  });

  it('removes the username with an empty string, freeing it for others', async () => {
    const reply = await api.put(`/api/v1/accounts/${accountId}/username`, { username: '' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.username, null);
    assert.equal(reply.body.profile.username, null);
    const other = await newUser();
    const claimed = await other.api.put(`/api/v1/accounts/${await newSandboxAccount(other.api)}/username`, { username: 'MK_2ndcall' });
    assert.equal(claimed.status, 200);
  });

  it('accepts 5 and 32 characters', async () => {
    assert.equal((await api.put(`/api/v1/accounts/${accountId}/username`, { username: 'abcde' })).status, 200);
    assert.equal((await api.put(`/api/v1/accounts/${accountId}/username`, { username: `a${'b'.repeat(31)}` })).status, 200);
  });

  it('answers 400 for usernames outside 5-32 of a-z, 0-9 and _', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /username is required/],
      [{ username: 'abcd' }, /username: must be 5-32 characters/],
      [{ username: 'a'.repeat(33) }, /username: must be 5-32 characters/],
      [{ username: '@johndoe' }, /username: give the username without @/],
      [{ username: 'john-doe' }, /username: must be 5-32/],
      [{ username: 'jöhn_doe' }, /username: must be 5-32/],
      [{ username: 123456 }, /username/],
    ];
    for (const [body, error] of cases) {
      const reply = await api.put(`/api/v1/accounts/${accountId}/username`, body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, error);
    }
  });

  it('answers 400 with the reason on WhatsApp, which has no usernames to set', async () => {
    const wa = await newSandboxAccount(api, 'whatsapp');
    const reply = await api.put(`/api/v1/accounts/${wa}/username`, { username: 'whatsapp_name' });
    assert.equal(reply.status, 400);
    assert.match(reply.body.error, /not supported on whatsapp/);
  });

  it("answers 404 for another user's account, 401 without a key", async () => {
    const foreign = await api.put(`/api/v1/accounts/${otherAccount}/username`, { username: 'stolen_name' });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, { error: 'not found' });
    assert.equal((await request('PUT', `/api/v1/accounts/${accountId}/username`, { body: { username: 'abcdef' } })).status, 401);
  });
});

describe('POST and DELETE /api/v1/accounts/:id/photo', () => {
  let api: Client;
  let key: string;
  let accountId: string;
  let uploadDir: string;
  let outside: string;

  before(async function () {
    this.timeout(120_000);
    const stack = await getStack();
    ({ api, key } = await newUser());
    accountId = await newSandboxAccount(api);
    uploadDir = stack.config.uploadDir;
    mkdirSync(uploadDir, { recursive: true });
    writeFileSync(path.join(uploadDir, 'inside.png'), PNG);
    writeFileSync(path.join(uploadDir, 'notes.txt'), 'not an image');
    mkdirSync(path.join(uploadDir, 'nested'), { recursive: true });
    writeFileSync(path.join(uploadDir, 'nested', 'deep.jpg'), JPEG);
    outside = mkdtempSync(path.join(tmpdir(), 'autohub-outside-'));
    writeFileSync(path.join(outside, 'secret.png'), PNG);
    symlinkSync(path.join(outside, 'secret.png'), path.join(uploadDir, 'escape.png'));
    symlinkSync(outside, path.join(uploadDir, 'escape-dir'));
  });

  after(() => {
    rmSync(outside, { recursive: true, force: true });
    for (const name of ['inside.png', 'notes.txt', 'nested', 'escape.png', 'escape-dir']) {
      rmSync(path.join(uploadDir, name), { recursive: true, force: true });
    }
  });

  const hasPhoto = async () => (await api.get(`/api/v1/accounts/${accountId}/profile`)).body.profile.photo;

  it('sets a PNG uploaded as multipart field photo', async () => {
    const reply = await uploadPhoto(key, accountId, PNG);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.success, true);
    assert.equal(reply.body.ok, true);
    assert.equal(reply.body.profile.photo, true);
    assert.equal(await hasPhoto(), true);
  });

  it('deletes the photo', async () => {
    const reply = await api.delete(`/api/v1/accounts/${accountId}/photo`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.ok, true);
    assert.equal(reply.body.profile.photo, false);
    assert.equal(await hasPhoto(), false);
  });

  it('sets a JPEG, judged by its bytes rather than its declared type', async () => {
    const reply = await uploadPhoto(key, accountId, JPEG, { type: 'application/octet-stream', name: 'upload.bin' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.profile.photo, true);
    await api.delete(`/api/v1/accounts/${accountId}/photo`);
  });

  it('refuses an upload that is not a JPEG or PNG, whatever its declared type', async () => {
    const reply = await uploadPhoto(key, accountId, Buffer.from('GIF89a not allowed'), { type: 'image/png' });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.error, 'photo must be a JPEG or PNG image');
    assert.equal(await hasPhoto(), false);
  });

  it('answers 413 for an upload over 10 MiB', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
    const reply = await uploadPhoto(key, accountId, big);
    assert.equal(reply.status, 413);
    assert.match(reply.body.error, /10 MiB/);
  });

  it('answers 400 when neither a photo file nor photo_path is given, and for a file in another field', async () => {
    const wrongField = await uploadPhoto(key, accountId, PNG, { field: 'picture' });
    assert.equal(wrongField.status, 400);
    assert.match(wrongField.body.error, /"picture" is not accepted here; send the file in "photo"/);
    const neither = await api.post(`/api/v1/accounts/${accountId}/photo`, {});
    assert.equal(neither.status, 400);
    assert.match(neither.body.error, /"photo" or a JSON "photo_path"/);
  });

  it('sets a photo named by photo_path inside the upload directory, relative or absolute', async () => {
    const relative = await api.post(`/api/v1/accounts/${accountId}/photo`, { photo_path: 'inside.png' });
    assert.equal(relative.status, 200, JSON.stringify(relative.body));
    assert.equal(relative.body.profile.photo, true);
    await api.delete(`/api/v1/accounts/${accountId}/photo`);
    const absolute = await api.post(`/api/v1/accounts/${accountId}/photo`, { photo_path: path.join(uploadDir, 'nested', 'deep.jpg') });
    assert.equal(absolute.status, 200, JSON.stringify(absolute.body));
    assert.equal(await hasPhoto(), true);
    await api.delete(`/api/v1/accounts/${accountId}/photo`);
  });

  it('refuses photo_path outside the upload directory: absolute, .., and symbolic links out', async () => {
    for (const photoPath of [
      path.join(outside, 'secret.png'),
      '/etc/passwd',
      '../secret.png',
      `nested/../../${path.basename(uploadDir)}/../etc/passwd`,
      path.join(uploadDir, '..', 'inside.png'),
      'escape.png',
      'escape-dir/secret.png',
      uploadDir,
    ]) {
      const reply = await api.post(`/api/v1/accounts/${accountId}/photo`, { photo_path: photoPath });
      assert.equal(reply.status, 400, photoPath);
      assert.equal(reply.body.error, 'photo_path must name a file inside AUTOHUB_UPLOAD_DIR', photoPath);
    }
    assert.equal(await hasPhoto(), false);
  });

  it('answers 400 for a missing file or a file that is not an image', async () => {
    const missing = await api.post(`/api/v1/accounts/${accountId}/photo`, { photo_path: 'missing.png' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /no such file/);
    const text = await api.post(`/api/v1/accounts/${accountId}/photo`, { photo_path: 'notes.txt' });
    assert.equal(text.status, 400);
    assert.equal(text.body.error, 'photo must be a JPEG or PNG image');
    const directory = await api.post(`/api/v1/accounts/${accountId}/photo`, { photo_path: 'nested' });
    assert.equal(directory.status, 400);
  });

  it('sets and deletes a WhatsApp profile photo', async () => {
    const wa = await newSandboxAccount(api, 'whatsapp');
    assert.equal((await uploadPhoto(key, wa, PNG)).body.profile.photo, true);
    assert.equal((await api.delete(`/api/v1/accounts/${wa}/photo`)).body.profile.photo, false);
  });

  it("answers 404 for another user's account and 401 without a key", async () => {
    const other = await newUser();
    assert.deepEqual((await uploadPhoto(other.key, accountId, PNG)).body, { error: 'not found' });
    assert.equal((await other.api.post(`/api/v1/accounts/${accountId}/photo`, { photo_path: 'inside.png' })).status, 404);
    assert.equal((await other.api.delete(`/api/v1/accounts/${accountId}/photo`)).status, 404);
    assert.equal((await uploadPhoto(undefined, accountId, PNG)).status, 401);
    assert.equal((await request('DELETE', `/api/v1/accounts/${accountId}/photo`)).status, 401);
    assert.equal(await hasPhoto(), false);
  });
});

describe('OpenAPI document of the scan and profile routes', () => {
  it('documents the photo upload as JSON and as multipart with a binary photo field', async () => {
    const doc = await request('GET', '/api/openapi.json');
    assert.equal(doc.status, 200);
    const content = doc.body.paths['/api/v1/accounts/{id}/photo'].post.requestBody.content;
    assert.ok(content['application/json'].schema.properties.photo_path);
    assert.deepEqual(content['multipart/form-data'].schema.properties.photo.format, 'binary');
    for (const path of ['/api/v1/scan', '/api/v1/scan/messages', '/api/v1/scan/search-reply', '/api/v1/scan/discover']) {
      assert.ok(doc.body.paths[path].post.requestBody.content['application/json'].schema, path);
    }
    assert.ok(doc.body.paths['/api/v1/scan/results'].get);
    assert.ok(doc.body.paths['/api/v1/scan/jobs/{id}'].get);
  });
});
