import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { client, eventually, newUser, request, type Client } from '../support/http';
import { getStack } from '../support/stack';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver';

/** A verifier for a secret as AutoHub reads it: whsec_ is base64, anything else its UTF-8 bytes. */
const verifier = (secret: string) => (secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' }));
const headersOf = (r: ReceivedWebhook) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

describe('/api/webhooks', () => {
  let api: Client;
  let receiver: WebhookReceiver;

  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser('webhooks-api'));
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  after(() => receiver?.stop());

  const create = async (body: object, as: Client = api) => {
    const reply = await as.post('/api/webhooks', body);
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return reply.body as { id: string; secret: string; webhook: any };
  };
  const fireTest = async (id: string, as: Client = api) => {
    const reply = await as.post(`/api/webhooks/${id}/test`);
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    return reply.body as { event_id: string; delivery_id: string };
  };
  const received = (deliveryId: string) => eventually(async () => receiver.of(deliveryId)[0], 30_000, `delivery ${deliveryId} at the receiver`);

  it("takes the reference's body as written, generating no secret when one is given", async () => {
    const reply = await api.post('/api/webhooks', { name: 'My Hook', url: 'https://...', events: ['*'], secret: 'optional' });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.webhook.name, 'My Hook');
    assert.deepEqual(reply.body.webhook.events, ['*']);
    assert.equal(reply.body.secret, 'optional');
    assert.equal(reply.body.webhook.enabled, true);
    const removed = await api.delete(`/api/webhooks/${reply.body.id}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.deleted, reply.body.id);
    assert.equal((await api.get(`/api/webhooks/${reply.body.id}`)).status, 404);
  });

  it('generates a whsec_ secret shown in the create answer only, and signs the test event with it (verified by standardwebhooks)', async function () {
    this.timeout(40_000);
    const hook = await create({ name: 'Generated', url: `${receiver.url}/generated`, events: ['message.*'] });
    assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await api.get('/api/webhooks');
    assert.equal(listed.status, 200);
    assert.ok(listed.body.webhooks.some((w: { id: string }) => w.id === hook.id));
    assert.ok(!JSON.stringify(listed.body).includes(hook.secret.slice(6)), 'the list never shows the secret');
    const one = await api.get(`/api/webhooks/${hook.id}`);
    assert.equal(one.status, 200);
    assert.ok(!JSON.stringify(one.body).includes(hook.secret.slice(6)), 'the hook never shows the secret');

    // The hook subscribes to message.* only, yet its test event reaches it.
    const { event_id, delivery_id } = await fireTest(hook.id);
    const got = await received(delivery_id);
    assert.equal(got.headers['content-type'], 'application/json');
    const payload = verifier(hook.secret).verify(got.body, headersOf(got)) as any;
    assert.equal(payload.id, event_id);
    assert.equal(payload.type, 'webhook.test');
    assert.equal(payload.data.webhook_id, hook.id);
    assert.ok(!Number.isNaN(Date.parse(payload.timestamp)));
    assert.ok('user_id' in payload && 'account_id' in payload);
    assert.throws(() => verifier('whsec_' + Buffer.alloc(32, 7).toString('base64')).verify(got.body, headersOf(got)), 'another secret does not verify');

    const shown = await eventually(async () => {
      const reply = await api.get(`/api/webhooks/${hook.id}`);
      assert.equal(reply.status, 200);
      return reply.body.deliveries.delivered === 1 ? reply.body : undefined;
    }, 10_000, 'the delivery to count as delivered');
    assert.deepEqual(shown.deliveries, { delivered: 1, failed: 0, pending: 0 });
    assert.equal(shown.last_failure, null);
  });

  it('uses a secret that is not whsec_ as its UTF-8 bytes', async function () {
    this.timeout(40_000);
    const secret = 'plain text secret ✓';
    const hook = await create({ name: 'Plain', url: `${receiver.url}/plain`, events: ['*'], secret });
    const { delivery_id } = await fireTest(hook.id);
    const got = await received(delivery_id);
    assert.equal((verifier(secret).verify(got.body, headersOf(got)) as any).type, 'webhook.test');
  });

  it('sends both signatures for 24 hours after a secret rotation, each verifying', async function () {
    this.timeout(40_000);
    const oldSecret = 'the-old-secret';
    const newSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const hook = await create({ name: 'Rotated', url: `${receiver.url}/rotated`, events: ['*'], secret: oldSecret });
    const rotated = await api.put(`/api/webhooks/${hook.id}`, { secret: newSecret });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const expires = Date.parse(rotated.body.webhook.previous_secret_expires_at);
    assert.ok(Math.abs(expires - Date.now() - 24 * 3600_000) < 60_000, 'the old secret stays valid 24 h');
    const { delivery_id } = await fireTest(hook.id);
    const got = await received(delivery_id);
    const signatures = String(got.headers['webhook-signature']).split(' ');
    assert.equal(signatures.length, 2);
    assert.ok(signatures.every((s) => s.startsWith('v1,')));
    assert.equal((verifier(newSecret).verify(got.body, headersOf(got)) as any).id, (verifier(oldSecret).verify(got.body, headersOf(got)) as any).id);
    // Each signature on its own verifies with its own secret.
    assert.ok(verifier(newSecret).verify(got.body, { ...headersOf(got), 'webhook-signature': signatures[0]! }));
    assert.ok(verifier(oldSecret).verify(got.body, { ...headersOf(got), 'webhook-signature': signatures[1]! }));
  });

  it('delivers only the events a hook subscribes to, by type or prefix', async function () {
    this.timeout(40_000);
    const { api: own } = await newUser('webhooks-filter');
    const contacts = await create({ name: 'Contacts', url: `${receiver.url}/contacts-only`, events: ['contact.*'] }, own);
    const messages = await create({ name: 'Messages', url: `${receiver.url}/messages-only`, events: ['message.sent'] }, own);
    const contact = await own.post('/api/contacts', { name: 'Webhook Filter' });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const got = await eventually(async () => receiver.received.find((r) => r.path === '/contacts-only'), 30_000, 'the contact.created delivery');
    assert.equal(JSON.parse(got.body).type, 'contact.created');
    // The log shows the contact hook's delivery and none for the message hook.
    const log = await own.get('/api/webhooks/log?limit=50');
    assert.equal(log.status, 200);
    assert.ok(log.body.deliveries.some((d: { webhook_id: string; event_type: string }) => d.webhook_id === contacts.id && d.event_type === 'contact.created'));
    assert.ok(!log.body.deliveries.some((d: { webhook_id: string }) => d.webhook_id === messages.id));
  });

  it('shows the log of the caller only, each delivery with its attempts', async function () {
    this.timeout(40_000);
    const hook = await create({ name: 'Logged', url: `${receiver.url}/logged`, events: ['*'] });
    const { delivery_id } = await fireTest(hook.id);
    const entry = await eventually(async () => {
      const reply = await api.get(`/api/webhooks/log?limit=50&webhook_id=${hook.id}`);
      assert.equal(reply.status, 200);
      return reply.body.deliveries.find((d: { id: string; status: string }) => d.id === delivery_id && d.status === 'delivered');
    }, 30_000, 'the delivery in the log');
    assert.equal(entry.attempts, 1);
    assert.equal(entry.attempt_log.length, 1);
    assert.equal(entry.attempt_log[0].status_code, 200);
    assert.equal(entry.attempt_log[0].response_body, 'ok');
    const { api: stranger } = await newUser('webhooks-stranger');
    const theirs = await stranger.get('/api/webhooks/log');
    assert.equal(theirs.status, 200);
    assert.ok(!theirs.body.deliveries.some((d: { id: string }) => d.id === delivery_id));
  });

  it("answers 404 for another user's hook and delivery on every route, and admins see everyone's", async () => {
    const hook = await create({ name: 'Private', url: `${receiver.url}/private`, events: ['*'] });
    const { delivery_id } = await fireTest(hook.id);
    const { api: stranger } = await newUser('webhooks-other');
    const attempts = [
      await stranger.get(`/api/webhooks/${hook.id}`),
      await stranger.put(`/api/webhooks/${hook.id}`, { name: 'Taken' }),
      await stranger.delete(`/api/webhooks/${hook.id}`),
      await stranger.post(`/api/webhooks/${hook.id}/test`),
      await stranger.post(`/api/webhooks/${hook.id}/recover`, { since: new Date(0).toISOString() }),
      await stranger.post(`/api/webhooks/log/${delivery_id}/replay`),
    ];
    for (const reply of attempts) {
      assert.equal(reply.status, 404, JSON.stringify(reply.body));
      assert.deepEqual(Object.keys(reply.body), ['error']);
    }
    assert.ok(!(await stranger.get('/api/webhooks')).body.webhooks.some((w: { id: string }) => w.id === hook.id));
    const admin = client((await getStack()).adminKey);
    const seen = await admin.get(`/api/webhooks/${hook.id}`);
    assert.equal(seen.status, 200);
    assert.equal((await api.get(`/api/webhooks/${hook.id}`)).body.webhook.name, 'Private');
  });

  it('answers 404 for ids that are not uuids, and 401 without a key', async () => {
    for (const path of ['/api/webhooks/log-x', '/api/webhooks/123', `/api/webhooks/log/nope/replay`]) {
      const reply = path.endsWith('replay') ? await api.post(path) : await api.get(path);
      assert.equal(reply.status, 404, `${path}: ${JSON.stringify(reply.body)}`);
    }
    assert.equal((await api.get(`/api/webhooks/${randomUUID()}`)).status, 404);
    assert.equal((await request('GET', '/api/webhooks')).status, 401);
    assert.equal((await request('POST', '/api/webhooks', { body: { name: 'x', url: 'https://example.com' } })).status, 401);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const cases: Array<[object, string]> = [
      [{ name: 'x', url: 'ftp://example.com/hook' }, 'url'],
      [{ name: 'x', url: 'file:///etc/passwd' }, 'url'],
      [{ name: 'x', url: 'javascript:alert(1)' }, 'url'],
      [{ name: 'x', url: 'not a url' }, 'url'],
      [{ name: 'x', url: `https://example.com/${'a'.repeat(3000)}` }, 'url'],
      [{ name: 'x'.repeat(201), url: 'https://example.com' }, 'name'],
      [{ name: '   ', url: 'https://example.com' }, 'name'],
      [{ name: 'bad\u0000name', url: 'https://example.com' }, 'name'],
      [{ name: 'x', url: 'https://example.com', events: ['nonsense.event'] }, 'events'],
      [{ name: 'x', url: 'https://example.com', events: ['nothing.*'] }, 'events'],
      [{ name: 'x', url: 'https://example.com', events: [] }, 'events'],
      [{ name: 'x', url: 'https://example.com', secret: 'whsec_not base64!' }, 'secret'],
      [{ name: 'x', url: 'https://example.com', secret: '' }, 'secret'],
      [{ url: 'https://example.com' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const reply = await api.post('/api/webhooks', body);
      assert.equal(reply.status, 400, `${JSON.stringify(body).slice(0, 100)}: ${JSON.stringify(reply.body)}`);
      assert.match(reply.body.error, new RegExp(field), JSON.stringify(reply.body));
    }
    const hook = await create({ name: 'Valid', url: 'https://example.com/hook', events: ['broadcast.run.*', 'message.failed'] });
    assert.equal((await api.put(`/api/webhooks/${hook.id}`, {})).status, 400);
    assert.equal((await api.put(`/api/webhooks/${hook.id}`, { url: 'gopher://x' })).status, 400);
    assert.equal((await api.post(`/api/webhooks/${hook.id}/recover`, { since: 'yesterday' })).status, 400);
    assert.equal((await api.get('/api/webhooks/log?limit=0')).status, 400);
    assert.equal((await api.get('/api/webhooks/log?limit=501')).status, 400);
  });

  it('changes a hook, and a disabled hook takes no test until enabled again', async () => {
    const hook = await create({ name: 'Changing', url: 'https://example.com/a', events: ['*'] });
    const changed = await api.put(`/api/webhooks/${hook.id}`, { name: 'Changed', url: 'https://example.com/b', events: ['contact.created'], enabled: false });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.webhook.name, 'Changed');
    assert.equal(changed.body.webhook.url, 'https://example.com/b');
    assert.deepEqual(changed.body.webhook.events, ['contact.created']);
    assert.equal(changed.body.webhook.enabled, false);
    assert.equal((await api.post(`/api/webhooks/${hook.id}/test`)).status, 409);
    const enabled = await api.put(`/api/webhooks/${hook.id}`, { enabled: true });
    assert.equal(enabled.status, 200);
    assert.equal(enabled.body.webhook.enabled, true);
    assert.equal(enabled.body.webhook.disabled_reason, null);
  });
});
