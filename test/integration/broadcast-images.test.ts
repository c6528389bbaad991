import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  finishedBroadcast,
  groupKeys,
  newUser,
  outboxItems,
  postFile,
  request,
  userWithAccount,
  type Client,
} from '../support/http';
import { JPEG, PNG } from '../support/images';
import { getStack } from '../support/stack';
import { nonEmpty } from '../support/assertions';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const media = (data: Buffer, mimeType: string) => ({ mime_type: mimeType, size_bytes: data.length, sha256: sha256(data) });

/** A local web server for image_url: a JPEG, a redirect to it, a missing file and a page. */
async function imageServer(): Promise<{ server: Server; url: (name: string) => string }> {
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/photo.jpg': (res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG),
    '/latest': (res) => res.writeHead(302, { location: '/photo.jpg' }).end(),
    '/page.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'),
    '/huge.png': (res) => res.writeHead(200, { 'content-length': String(64 * 1024 * 1024) }).write(PNG),
  };
  const server = createServer((req, res) => (routes[req.url ?? ''] ?? ((r) => r.writeHead(404).end()))(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: (name) => `http://127.0.0.1:${port}/${name}` };
}

describe('image library: /api/v1/images', () => {
  let api: Client;
  let key: string;
  let web: Awaited<ReturnType<typeof imageServer>>;
  let uploadDir: string;

  before(async function () {
    this.timeout(120_000);
    ({ api, key } = await userWithAccount());
    web = await imageServer();
    uploadDir = (await getStack()).config.uploadDir;
    mkdirSync(uploadDir, { recursive: true });
    writeFileSync(path.join(uploadDir, 'library.png'), PNG);
    writeFileSync(path.join(uploadDir, 'library.txt'), 'not an image');
  });

  after(() => {
    web.server.closeAllConnections();
    web.server.close();
  });

  it('adds an uploaded PNG; the same bytes again answer the same image', async () => {
    const first = await postFile(key, '/api/v1/images', 'image', PNG, { type: 'application/octet-stream', name: 'x.bin' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.success, true);
    assert.deepEqual({ ...first.body.image, id: undefined, created_at: undefined }, {
      ...media(PNG, 'image/png'),
      id: undefined,
      source_url: null,
      created_at: undefined,
    });
    const again = await postFile(key, '/api/v1/images', 'image', PNG);
    assert.equal(again.body.image.id, first.body.image.id);

    const listed = await api.get('/api/v1/images');
    assert.equal(listed.body.count, 1);
    assert.equal(listed.body.images[0].id, first.body.image.id);
    assert.deepEqual((await api.get(`/api/v1/images/${first.body.image.id}`)).body.image, first.body.image);
  });

  it('serves an image back with its content type', async () => {
    const added = await postFile(key, '/api/v1/images', 'image', PNG);
    const { baseUrl } = await getStack();
    const response = await fetch(`${baseUrl}/api/v1/images/${added.body.image.id}/content`, { headers: { 'X-API-Key': key } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), PNG);
  });

  it('adds an image fetched from a URL (following redirects) or read from AUTOHUB_UPLOAD_DIR', async () => {
    const fetched = await api.post('/api/v1/images', { url: web.url('latest') });
    assert.equal(fetched.status, 201, JSON.stringify(fetched.body));
    assert.deepEqual({ ...fetched.body.image, id: undefined, created_at: undefined }, {
      ...media(JPEG, 'image/jpeg'),
      source_url: web.url('latest'),
      id: undefined,
      created_at: undefined,
    });
    const read = await api.post('/api/v1/images', { path: 'library.png' });
    assert.equal(read.status, 201, JSON.stringify(read.body));
    assert.equal(read.body.image.sha256, sha256(PNG));
  });

  it('refuses what is not a JPEG or PNG, too large, unreachable or outside the upload directory', async () => {
    const cases: Array<[unknown, number, string | RegExp]> = [
      [{}, 400, 'give exactly one of a multipart file field "image", a JSON "url" or a JSON "path"'],
      [{ url: web.url('photo.jpg'), path: 'library.png' }, 400, 'give at most one of url or path'],
      [{ url: web.url('page.html') }, 400, 'image must be a JPEG or PNG image'],
      [{ url: web.url('missing.png') }, 400, 'url: could not fetch the image: HTTP 404'],
      [{ url: web.url('huge.png') }, 413, 'image exceeds 10485760 bytes (10 MiB)'],
      [{ url: 'file:///etc/passwd' }, 400, 'url must be an http or https URL'],
      [{ path: '../outside.png' }, 400, 'path must name a file inside AUTOHUB_UPLOAD_DIR'],
      [{ path: 'library.txt' }, 400, 'image must be a JPEG or PNG image'],
    ];
    for (const [body, status, error] of cases) {
      const reply = await api.post('/api/v1/images', body);
      assert.equal(reply.status, status, JSON.stringify(body));
      if (typeof error === 'string') assert.equal(reply.body.error, error, JSON.stringify(body));
      else assert.match(reply.body.error, error);
    }
    const text = await postFile(key, '/api/v1/images', 'image', Buffer.from('plain text'), { type: 'image/png' });
    assert.equal(text.status, 400);
    assert.equal(text.body.error, 'image must be a JPEG or PNG image');
  });

  it("shows nobody else's images", async () => {
    const mine = await postFile(key, '/api/v1/images', 'image', PNG);
    assert.equal(mine.status, 201);
    const other = await newUser();
    const id = mine.body.image.id;
    for (const reply of [await other.api.get(`/api/v1/images/${id}`), await other.api.get(`/api/v1/images/${id}/content`), await other.api.delete(`/api/v1/images/${id}`)]) {
      assert.equal(reply.status, 404);
      assert.deepEqual(reply.body, { error: 'not found' });
    }
    const theirList = await other.api.get('/api/v1/images');
    assert.equal(theirList.status, 200);
    assert.equal(theirList.body.count, 0);
    const own = await api.get(`/api/v1/images/${id}`);
    assert.equal(own.status, 200, 'the other user must not have deleted it');
    assert.deepEqual(own.body.image, mine.body.image);
  });

  it('is documented with a binary image field for multipart', async () => {
    const doc = await request('GET', '/api/openapi.json');
    const content = doc.body.paths['/api/v1/images'].post.requestBody.content;
    assert.equal(content['multipart/form-data'].schema.properties.image.format, 'binary');
    assert.ok(content['application/json'].schema.properties.url);
  });
});

describe('broadcasts with an image', () => {
  let api: Client;
  let key: string;
  let accountId: string;
  let web: Awaited<ReturnType<typeof imageServer>>;

  before(async function () {
    this.timeout(120_000);
    ({ api, key, accountId } = await userWithAccount());
    web = await imageServer();
  });

  after(() => {
    web.server.closeAllConnections();
    web.server.close();
  });

  const addImage = async (data = PNG) => (await postFile(key, '/api/v1/images', 'image', data)).body.image.id as string;

  it('sends the image with the message as caption to every target, once each', async () => {
    const imageId = await addImage();
    const targets = await groupKeys(api, accountId, 3);
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'See the picture', image_id: imageId });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    assert.equal(broadcast.image_id, imageId);
    assert.equal(broadcast.last_run.status, 'completed');
    assert.equal(broadcast.last_run.sent, 3);

    const sent = (await outboxItems(api, accountId)).filter((i) => i.text === 'See the picture');
    assert.deepEqual(sent.map((i) => i.chat_key).sort(), [...targets].sort());
    for (const item of sent) assert.deepEqual(item.media, media(PNG, 'image/png'));
  });

  it('sends an image fetched from image_url with no caption, on WhatsApp', async () => {
    const wa = await userWithAccount('whatsapp');
    const targets = await groupKeys(wa.api, wa.accountId, 2);
    const created = await wa.api.post('/api/v1/broadcast', { account_id: wa.accountId, target_keys: targets, image_url: web.url('photo.jpg') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.platform, 'whatsapp');
    const broadcast = await finishedBroadcast(wa.api, created.body.schedule_id);
    assert.equal(broadcast.last_run.sent, 2);
    assert.equal(broadcast.message, null);

    const library = await wa.api.get('/api/v1/images');
    assert.equal(library.body.count, 1);
    assert.equal(library.body.images[0].source_url, web.url('photo.jpg'));
    assert.equal(broadcast.image_id, library.body.images[0].id);
    const sent = await outboxItems(wa.api, wa.accountId);
    assert.deepEqual(
      sent.map((i) => [i.chat_key, i.text, i.media]),
      targets.map((t) => [t, '', media(JPEG, 'image/jpeg')]),
    );
  });

  it('renders a template as the caption, per target', async () => {
    const template = await api.post('/api/templates', { name: 'captioned', content: 'Hi {{name}}' });
    const [target] = await groupKeys(api, accountId, 1);
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: [target],
      template_id: template.body.id,
      image_id: await addImage(JPEG),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await finishedBroadcast(api, created.body.schedule_id)).last_run.sent, 1);
    const item = (await outboxItems(api, accountId)).find((i) => i.chat_key === target && i.text?.startsWith('Hi '));
    assert.ok(item, 'a captioned send to the target');
    assert.deepEqual(item.media, media(JPEG, 'image/jpeg'));
  });

  it('waits out a FloodWait and still sends the image exactly once per target', async function () {
    this.timeout(60_000);
    const targets = await groupKeys(api, accountId, 2);
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { flood_wait_seconds: 1, flood_wait_sends: 1 });
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'Paced picture', image_id: await addImage() });
    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    assert.equal(broadcast.last_run.sent, 2);
    const sent = (await outboxItems(api, accountId)).filter((i) => i.text === 'Paced picture');
    assert.deepEqual(sent.map((i) => i.chat_key).sort(), [...targets].sort());
    assert.ok(nonEmpty(sent).every((i) => i.media?.sha256 === sha256(PNG)));
  });

  it('refuses a caption over 1024 characters, as message or as template', async () => {
    const imageId = await addImage();
    const base = { account_id: accountId, target_keys: ['@channel1'], image_id: imageId };
    const long = await api.post('/api/v1/broadcast', { ...base, message: 'x'.repeat(1025) });
    assert.equal(long.status, 400);
    assert.equal(long.body.error, 'message: at most 1024 characters with an image (it is the image\'s caption)');
    const template = await api.post('/api/templates', { name: 'long', content: 'y'.repeat(2000) });
    const fromTemplate = await api.post('/api/v1/broadcast', { ...base, template_id: template.body.id });
    assert.equal(fromTemplate.status, 400);
    assert.equal(fromTemplate.body.error, "template_id: the template has 2000 characters; an image's caption holds at most 1024");
    // Without an image the same text is a plain message.
    const plain = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'x'.repeat(1025) });
    assert.equal(plain.status, 201);
  });

  it('validates the image fields', async () => {
    const other = await newUser();
    const theirs = (await postFile(other.key, '/api/v1/images', 'image', JPEG)).body.image.id;
    const base = { account_id: accountId, target_keys: ['@channel1'] };
    const cases: Array<[unknown, number, string]> = [
      [{ ...base, image_id: theirs, message: 'x' }, 404, 'image_id: image not found'],
      [{ ...base, image_id: 'nope', message: 'x' }, 404, 'image_id: image not found'],
      [{ ...base, image_id: theirs, image_url: web.url('photo.jpg') }, 400, 'give at most one of image_id, image_url or image_path'],
      [{ ...base, image_url: web.url('page.html') }, 400, 'image must be a JPEG or PNG image'],
      [{ ...base, image_url: web.url('gone.png') }, 400, 'image_url: could not fetch the image: HTTP 404'],
      [{ ...base, image_path: '/etc/passwd' }, 400, 'image_path must name a file inside AUTOHUB_UPLOAD_DIR'],
      [base, 400, 'give exactly one of message or template_id, or an image'],
    ];
    for (const [body, status, error] of cases) {
      const reply = await api.post('/api/v1/broadcast', body);
      assert.equal(reply.status, status, JSON.stringify(body));
      assert.equal(reply.body.error, error, JSON.stringify(body));
    }
    const listed = await api.get('/api/v1/broadcasts');
    assert.equal(listed.status, 200);
    assert.equal(nonEmpty(listed.body.broadcasts).some((b: any) => b.image_id === theirs), false);
  });

  it('answers a dry run with the image it would send, storing nothing', async () => {
    const before = (await api.get('/api/v1/images')).body.count;
    const reply = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      message: 'Dry picture',
      image_url: web.url('photo.jpg'),
      dry_run: true,
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body.image, { mime_type: 'image/jpeg', size_bytes: JPEG.length });
    assert.equal(reply.body.targets[0].message, 'Dry picture');
    assert.equal((await api.get('/api/v1/images')).body.count, before);
  });

  it('adds, replaces and removes the image of a scheduled broadcast; a run sends what the broadcast has', async () => {
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel2'],
      message: 'Scheduled picture',
      schedule_type: 'interval',
      interval_minutes: 600,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.schedule_id;
    try {
      const withImage = await api.patch(`/api/v1/broadcast/${id}`, { image_url: web.url('photo.jpg') });
      assert.equal(withImage.status, 200, JSON.stringify(withImage.body));
      assert.ok(withImage.body.broadcast.image_id);
      assert.equal((await api.post(`/api/v1/broadcast/${id}/run`)).status, 201);
      assert.equal((await finishedBroadcast(api, id)).last_run.sent, 1);
      const sent = (await outboxItems(api, accountId)).filter((i) => i.text === 'Scheduled picture');
      assert.deepEqual(sent.map((i) => i.media), [media(JPEG, 'image/jpeg')]);

      // In use by the broadcast and its run: the image stays.
      const busy = await api.delete(`/api/v1/images/${withImage.body.broadcast.image_id}`);
      assert.equal(busy.status, 409);
      assert.match(busy.body.error, /image is used by a broadcast/);

      const removed = await api.patch(`/api/v1/broadcast/${id}`, { image_id: null });
      assert.equal(removed.status, 200);
      assert.equal(removed.body.broadcast.image_id, null);
    } finally {
      await api.delete(`/api/v1/broadcast/${id}`);
    }
  });

  it('keeps a broadcast with no text from losing its image', async () => {
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      image_id: await addImage(),
      schedule_type: 'interval',
      interval_minutes: 600,
    });
    const id = created.body.schedule_id;
    try {
      const reply = await api.patch(`/api/v1/broadcast/${id}`, { image_id: null });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error, 'give exactly one of message or template_id, or an image');
    } finally {
      await api.delete(`/api/v1/broadcast/${id}`);
    }
  });

  it('lets an image go once no broadcast uses it', async () => {
    const imageId = await addImage(Buffer.concat([JPEG, Buffer.from('unique')]));
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'bye', image_id: imageId });
    await finishedBroadcast(api, created.body.schedule_id);
    assert.equal((await api.delete(`/api/v1/images/${imageId}`)).status, 409);
    assert.equal((await api.delete(`/api/v1/broadcast/${created.body.schedule_id}`)).status, 200);
    const deleted = await api.delete(`/api/v1/images/${imageId}`);
    assert.equal(deleted.status, 200);
    assert.equal((await api.get(`/api/v1/images/${imageId}`)).status, 404);
  });
});
