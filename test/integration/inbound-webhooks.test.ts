import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { PgSandboxStore } from '../../src/db/repos/sandbox.repo';
import { nonEmpty } from '../support/assertions';
import { eventually, finishedBroadcast, groupKeys, newUser, outboxItems, request, userWithAccount, type Client } from '../support/http';
import { getStack } from '../support/stack';

describe('inbound webhooks', () => {
  let api: Client;
  let userId: string;
  let accountId: string;
  let contacts: Array<{ key: string; username: string | null }>;
  let nextContact = 0;
  /** A sandbox contact no other test of this file uses. */
  const contact = () => contacts[nextContact++]!;

  before(async function () {
    this.timeout(120_000);
    ({ api, accountId, id: userId } = await userWithAccount());
    contacts = (await new PgSandboxStore((await getStack()).db).listChats(accountId)).filter((c) => c.type === 'contact' && c.username);
    assert.ok(contacts.length >= 4, 'the seeded world has enough contacts');
  });

  async function createHook(body: object, as: Client = api) {
    const reply = await as.post('/api/inbound-webhooks', body);
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return reply.body as { id: string; webhook: { url: string; signed: boolean }; secret?: string };
  }

  /** POSTs `payload` (JSON unless a Buffer) to a hook's receiver with no API key. */
  function deliver(hookId: string, payload: unknown, headers: Record<string, string> = {}) {
    const raw = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
    return request('POST', `/api/webhooks/inbound/${hookId}`, { raw, headers: { 'Content-Type': 'application/json', ...headers } });
  }

  /** The Standard Webhooks headers of `payload` signed with `secret` (a whsec_ one, or raw text), at `at`. */
  function signed(secret: string, payload: unknown, at = new Date(), id = `msg_${randomUUID()}`) {
    const body = JSON.stringify(payload);
    const signer = secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' });
    return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, body) };
  }

  async function receipts(hookId: string, as: Client = api) {
    const reply = await as.get(`/api/inbound-webhooks/${hookId}/receipts?limit=100`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body.receipts as Array<{ id: string; webhook_id: string | null; status: string; event_id: string | null; result: any; error: string | null }>;
  }

  /** Waits until receipt `receiptId` of hook `hookId` is settled (succeeded or failed). */
  const settled = (hookId: string, receiptId: string) =>
    eventually(
      async () => (await receipts(hookId)).find((r) => r.id === receiptId && (r.status === 'succeeded' || r.status === 'failed')),
      30_000,
      `receipt ${receiptId} to settle`,
    );

  async function accepted(hookId: string, payload: unknown, headers: Record<string, string> = {}) {
    const reply = await deliver(hookId, payload, headers);
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    return reply.body as { receipt_id: string; duplicate: boolean; status: string };
  }

  const contactHook = (extra: object = {}) => createHook({ name: `contacts-${randomUUID().slice(0, 8)}`, action: { type: 'upsert_contact' }, ...extra });

  describe('management', () => {
    it('creates a hook with an unguessable id and its receiver URL, and lists, shows, changes and deletes it', async () => {
      const created = await contactHook();
      assert.match(created.id, /^[A-Za-z0-9_-]{24,}$/, 'at least 128 bits as base64url');
      const { config } = await getStack();
      assert.equal(created.webhook.url, `${config.publicUrl}/api/webhooks/inbound/${created.id}`);
      assert.equal(created.webhook.signed, false);
      assert.equal(created.secret, undefined);
      const other = await contactHook();
      assert.notEqual(other.id, created.id);

      const listed = await api.get('/api/inbound-webhooks');
      assert.equal(listed.status, 200);
      assert.ok(listed.body.webhooks.some((w: { id: string }) => w.id === created.id));
      const one = await api.get(`/api/inbound-webhooks/${created.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.webhook.action, { type: 'upsert_contact' });

      const changed = await api.put(`/api/inbound-webhooks/${created.id}`, { name: 'Renamed', action: { type: 'upsert_contact', tags: ['lead'] } });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.webhook.name, 'Renamed');
      assert.deepEqual(changed.body.webhook.action, { type: 'upsert_contact', tags: ['lead'] });

      const deleted = await api.delete(`/api/inbound-webhooks/${created.id}`);
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.deleted, created.id);
      assert.equal((await api.get(`/api/inbound-webhooks/${created.id}`)).status, 404);
      assert.equal((await deliver(created.id, { name: 'Gone' })).status, 404);
    });

    it('generates a whsec_ secret shown once, takes a given one, and removes one', async () => {
      const generated = await contactHook({ generate_secret: true });
      assert.match(generated.secret!, /^whsec_[A-Za-z0-9+/]+=*$/);
      assert.equal(generated.webhook.signed, true);
      const shown = await api.get(`/api/inbound-webhooks/${generated.id}`);
      assert.equal(shown.status, 200);
      assert.ok(!JSON.stringify(shown.body).includes(generated.secret!), 'the secret is shown only once');

      const given = await contactHook({ secret: 'my shared secret' });
      assert.equal(given.secret, 'my shared secret');
      const removed = await api.put(`/api/inbound-webhooks/${given.id}`, { secret: null });
      assert.equal(removed.status, 200);
      assert.equal(removed.body.webhook.signed, false);
      assert.equal(removed.body.secret, undefined);
    });

    it("refuses an action naming another user's resources, and a malformed action, with 400", async () => {
      const stranger = await userWithAccount();
      const otherBroadcast = await stranger.api.post('/api/v1/broadcast', {
        account_id: stranger.accountId,
        target_keys: await groupKeys(stranger.api, stranger.accountId, 1),
        message: 'not yours',
        schedule_type: 'interval',
        interval_minutes: 600,
        enabled: false,
      });
      assert.equal(otherBroadcast.status, 201, JSON.stringify(otherBroadcast.body));
      const refusals = [
        { type: 'run_broadcast', broadcast_id: otherBroadcast.body.schedule_id },
        { type: 'send_message', account_id: stranger.accountId },
        { type: 'send_message', account_id: accountId, target_key: 'not a key!' },
        { type: 'launch_rockets' },
        { type: 'upsert_contact', unknown: 1 },
      ];
      for (const action of refusals) {
        const reply = await api.post('/api/inbound-webhooks', { name: 'Nope', action });
        assert.equal(reply.status, 400, `${JSON.stringify(action)}: ${JSON.stringify(reply.body)}`);
        assert.deepEqual(Object.keys(reply.body), ['error']);
      }
      const both = await api.post('/api/inbound-webhooks', { name: 'Nope', action: { type: 'upsert_contact' }, secret: 'abcdefgh', generate_secret: true });
      assert.equal(both.status, 400);
    });

    it("answers 404 for another user's hook and for unknown ids; an admin sees everyone's", async () => {
      const mine = await contactHook();
      const stranger = await newUser();
      for (const reply of [
        await stranger.api.get(`/api/inbound-webhooks/${mine.id}`),
        await stranger.api.put(`/api/inbound-webhooks/${mine.id}`, { name: 'Mine now' }),
        await stranger.api.delete(`/api/inbound-webhooks/${mine.id}`),
        await stranger.api.get(`/api/inbound-webhooks/${mine.id}/receipts`),
        await api.get('/api/inbound-webhooks/no-such-hook'),
      ]) {
        assert.equal(reply.status, 404, JSON.stringify(reply.body));
      }
      const theirs = await stranger.api.get('/api/inbound-webhooks');
      assert.equal(theirs.status, 200);
      assert.ok(!theirs.body.webhooks.some((w: { id: string }) => w.id === mine.id));
      const admin = await request('GET', '/api/inbound-webhooks', { key: (await getStack()).adminKey });
      assert.equal(admin.status, 200);
      assert.ok(admin.body.webhooks.some((w: { id: string; user_id: string }) => w.id === mine.id && w.user_id === userId));
      assert.equal((await api.get(`/api/inbound-webhooks/${mine.id}`)).status, 200, 'the owner still sees it');
    });

    it('answers 401 without an API key', async () => {
      assert.equal((await request('GET', '/api/inbound-webhooks')).status, 401);
      assert.equal((await request('POST', '/api/inbound-webhooks', { body: { name: 'x', action: { type: 'upsert_contact' } } })).status, 401);
    });
  });

  describe('POST /api/webhooks/inbound/:hook_id', () => {
    it('takes a request without an API key, answering 202 with a receipt, and records inbound.webhook with the payload', async () => {
      const hook = await contactHook();
      const payload = { name: 'Webhook Wanda', phone: '+14155550123', source: 'zapier' };
      const reply = await accepted(hook.id, payload);
      assert.equal(reply.duplicate, false);
      const receipt = await settled(hook.id, reply.receipt_id);
      assert.equal(receipt.status, 'succeeded', JSON.stringify(receipt));
      assert.ok(receipt.event_id, 'the receipt names its event');
      const event = await (await getStack()).db('events').where({ event_id: receipt.event_id }).first();
      assert.ok(event, 'the event is in the log');
      assert.equal(event.type, 'inbound.webhook');
      assert.equal(event.user_id, userId);
      assert.deepEqual(event.data, { hook_id: hook.id, receipt_id: reply.receipt_id, action: 'upsert_contact', webhook_id: null, payload });
    });

    it('is documented as an operation that takes no API key', async () => {
      const doc = (await request('GET', '/api/openapi.json')).body;
      const op = doc.paths['/api/webhooks/inbound/{hook_id}'].post;
      assert.deepEqual(op.security, []);
      assert.deepEqual(Object.keys(op.responses).sort(), ['202', '400', '401', '404', '413', '415', '429', '500']);
      assert.ok(doc.paths['/api/inbound-webhooks'].post.security.length > 0, 'management needs a key');
    });

    it('answers 404 for an unknown or disabled hook', async () => {
      assert.equal((await deliver('AAAAAAAAAAAAAAAAAAAAAAAA', {})).status, 404);
      const hook = await contactHook();
      assert.equal((await deliver(hook.id, { name: 'Enabled' })).status, 202, 'the same request is taken while enabled');
      assert.equal((await api.put(`/api/inbound-webhooks/${hook.id}`, { enabled: false })).status, 200);
      const refused = await deliver(hook.id, { name: 'Disabled' });
      assert.equal(refused.status, 404);
      assert.deepEqual(Object.keys(refused.body), ['error']);
    });

    it('verifies a Standard Webhooks signature: valid → 202; wrong, missing or older than 5 minutes → 401', async () => {
      const hook = await contactHook({ generate_secret: true });
      const payload = { name: 'Signed Sam' };
      assert.equal((await deliver(hook.id, payload, signed(hook.secret!, payload))).status, 202);
      assert.equal((await deliver(hook.id, payload, signed(hook.secret!, payload, new Date(Date.now() - 4 * 60_000)))).status, 202, 'within the tolerance');

      const wrongSecret = `whsec_${Buffer.from('another secret of 24 bytes!').toString('base64')}`;
      const tampered = { ...signed(hook.secret!, payload), 'webhook-id': 'msg_tampered' };
      for (const [what, headers] of [
        ['a wrong secret', signed(wrongSecret, payload)],
        ['a signature of another id', tampered],
        ['a signature of another body', signed(hook.secret!, { name: 'Other' })],
        ['a timestamp 6 minutes old', signed(hook.secret!, payload, new Date(Date.now() - 6 * 60_000))],
        ['a timestamp 6 minutes ahead', signed(hook.secret!, payload, new Date(Date.now() + 6 * 60_000))],
        ['no signature', {}],
      ] as const) {
        const reply = await deliver(hook.id, payload, headers);
        assert.equal(reply.status, 401, `${what}: ${JSON.stringify(reply.body)}`);
        assert.deepEqual(Object.keys(reply.body), ['error']);
      }
    });

    it("verifies with a secret that is not whsec_ as its UTF-8 bytes", async () => {
      const hook = await contactHook({ secret: 'plain text secret' });
      const payload = { name: 'Plain Pat' };
      assert.equal((await deliver(hook.id, payload, signed('plain text secret', payload))).status, 202);
      assert.equal((await deliver(hook.id, payload, signed('another text secret', payload))).status, 401);
    });

    it('accepts a repeated webhook-id once, signed or not: the repeat answers 202 marked duplicate and does nothing', async () => {
      for (const secret of [undefined, 'repeat secret']) {
        const hook = await contactHook(secret ? { secret } : {});
        const payload = { name: `Repeat ${secret ? 'signed' : 'unsigned'}`, phone: secret ? '+14155550198' : '+14155550199' };
        const headers = secret ? signed(secret, payload, new Date(), 'msg_repeat') : { 'webhook-id': 'msg_repeat' };
        const first = await accepted(hook.id, payload, headers);
        const again = await accepted(hook.id, payload, headers);
        assert.equal(first.duplicate, false);
        assert.equal(again.duplicate, true);
        assert.equal(again.receipt_id, first.receipt_id);
        await settled(hook.id, first.receipt_id);
        const all = await receipts(hook.id);
        assert.deepEqual(all.map((r) => r.webhook_id), ['msg_repeat'], 'one receipt');
      }
      // An unsigned request without a webhook-id is new every time.
      const hook = await contactHook();
      const payload = { name: 'No id' };
      const fresh = [await accepted(hook.id, payload), await accepted(hook.id, payload)];
      assert.notEqual(fresh[0]!.receipt_id, fresh[1]!.receipt_id);
      assert.equal((await receipts(hook.id)).length, 2);
    });

    it('refuses bodies that are too large, not JSON, hold NUL characters or are not sent as JSON, with 4xx and an error', async () => {
      const hook = await contactHook();
      const cases: Array<[string, Buffer, Record<string, string>, number]> = [
        ['over 256 KiB', Buffer.from(JSON.stringify({ name: 'x'.repeat(256 * 1024) })), {}, 413],
        ['not JSON', Buffer.from('name=Mallory'), {}, 400],
        ['a NUL character', Buffer.from(JSON.stringify({ name: 'a\u0000b' })), {}, 400],
        ['a NUL character in a key', Buffer.from(JSON.stringify({ 'na\u0000me': 'b' })), {}, 400],
        ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), {}, 400],
        ['text/plain', Buffer.from('{}'), { 'Content-Type': 'text/plain' }, 415],
      ];
      for (const [what, raw, headers, status] of cases) {
        const reply = await deliver(hook.id, raw, headers);
        assert.equal(reply.status, status, `${what}: ${JSON.stringify(reply.body)}`);
        assert.deepEqual(Object.keys(reply.body), ['error'], what);
      }
      assert.equal((await receipts(hook.id)).length, 0, 'none was accepted');
    });
  });

  describe('actions', () => {
    it('run_broadcast runs the broadcast now, as POST /api/v1/broadcast/:id/run does', async function () {
      this.timeout(60_000);
      const targets = await groupKeys(api, accountId, 2);
      const text = `Flash sale ${randomUUID().slice(0, 8)}`;
      const broadcast = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: text, schedule_type: 'interval', interval_minutes: 600, enabled: false });
      assert.equal(broadcast.status, 201, JSON.stringify(broadcast.body));
      const id = broadcast.body.schedule_id as string;
      const hook = await createHook({ name: 'Sale', action: { type: 'run_broadcast', broadcast_id: id } });
      const reply = await accepted(hook.id, { any: 'thing' });
      const receipt = await settled(hook.id, reply.receipt_id);
      assert.equal(receipt.status, 'succeeded', JSON.stringify(receipt));
      assert.equal(receipt.result.broadcast_id, id);
      const done = await finishedBroadcast(api, id);
      assert.equal(done.last_run.workflow_id, receipt.result.workflow_id);
      assert.equal(done.last_run.sent, 2);
      const sent = (await outboxItems(api, accountId)).filter((i) => i.type === 'message' && i.text === text);
      assert.deepEqual(sent.map((i) => i.chat_key).sort(), [...targets].sort());
    });

    it('send_message sends the body’s message to the body’s target through the one send path, once per receipt', async function () {
      this.timeout(60_000);
      const target = contact();
      const hook = await createHook({ name: 'Notify', action: { type: 'send_message', account_id: accountId } });
      const text = `Your order shipped ${randomUUID().slice(0, 8)}`;
      const reply = await accepted(hook.id, { target_key: target.key, message: text }, { 'webhook-id': 'order-1' });
      await accepted(hook.id, { target_key: target.key, message: text }, { 'webhook-id': 'order-1' });
      const receipt = await settled(hook.id, reply.receipt_id);
      assert.equal(receipt.status, 'succeeded', JSON.stringify(receipt));
      assert.equal(receipt.result.status, 'sent');
      const sent = (await outboxItems(api, accountId)).filter((i) => i.type === 'message' && i.text === text);
      assert.equal(sent.length, 1, 'sent once');
      assert.equal(sent[0].chat_key, receipt.result.target_key);
      const run = await (await getStack()).db('send_runs').where({ id: receipt.result.send_run_id }).first();
      assert.equal(run.origin, 'webhook');
      assert.equal(run.business_key, `webhook:${reply.receipt_id}`);
    });

    it('send_message with a fixed target and message fills {{placeholders}} from the body', async function () {
      this.timeout(60_000);
      const target = contact();
      const tag = randomUUID().slice(0, 8);
      const hook = await createHook({ name: 'Fixed', action: { type: 'send_message', account_id: accountId, target_key: target.key, message: `Order {{order_id}} for {{amount}} ${tag}` } });
      const reply = await accepted(hook.id, { order_id: 'A-17', amount: 42, target_key: '@someone_else' });
      const receipt = await settled(hook.id, reply.receipt_id);
      assert.equal(receipt.status, 'succeeded', JSON.stringify(receipt));
      const sent = (await outboxItems(api, accountId)).filter((i) => i.type === 'message' && i.text === `Order A-17 for 42 ${tag}`);
      assert.equal(sent.length, 1);
      assert.equal(sent[0].chat_key, receipt.result.target_key, 'the hook’s target, not the body’s');
    });

    it('send_message records a clear error for a body without a target, and for an account gone', async function () {
      this.timeout(60_000);
      const own = await userWithAccount();
      const hook = await createHook({ name: 'Doomed', action: { type: 'send_message', account_id: own.accountId } }, own.api);
      const noTarget = await accepted(hook.id, { message: 'Where to?' });
      const failed = await eventually(async () => {
        const list = await receipts(hook.id, own.api);
        return list.find((r) => r.id === noTarget.receipt_id && r.status === 'failed');
      });
      assert.match(failed.error!, /target_key/);
      assert.equal((await own.api.delete(`/api/v1/accounts/${own.accountId}`)).status, 200);
      const gone = await accepted(hook.id, { target_key: '@anyone', message: 'Hello?' });
      const recorded = await eventually(async () => (await receipts(hook.id, own.api)).find((r) => r.id === gone.receipt_id && r.status === 'failed'));
      assert.match(recorded.error!, /account not found/);
    });

    it('upsert_contact creates a contact from the body, then updates the one with the same phone, adding the hook’s tags', async () => {
      const hook = await contactHook({ action: { type: 'upsert_contact', tags: ['webhook'] } });
      const phone = '+14155550111';
      const first = await settled(hook.id, (await accepted(hook.id, { name: 'Lead Lou', phone, tags: ['lead'], opted_out: true })).receipt_id);
      assert.equal(first.status, 'succeeded', JSON.stringify(first));
      assert.equal(first.result.created, true);
      const second = await settled(hook.id, (await accepted(hook.id, { name: 'Lou Customer', phone, segment: 'customer' })).receipt_id);
      assert.equal(second.status, 'succeeded', JSON.stringify(second));
      assert.equal(second.result.created, false);
      assert.equal(second.result.contact_id, first.result.contact_id);
      const shown = await api.get(`/api/contacts/${first.result.contact_id}`);
      assert.equal(shown.status, 200);
      assert.equal(shown.body.contact.name, 'Lou Customer');
      assert.equal(shown.body.contact.segment, 'customer');
      assert.deepEqual([...shown.body.contact.tags].sort(), ['lead', 'webhook']);
      assert.equal(shown.body.contact.opted_out, false, 'a webhook never opts a contact out (or in)');

      const nobody = await settled(hook.id, (await accepted(hook.id, { email: 'nobody@example.com' })).receipt_id);
      assert.equal(nobody.status, 'failed');
      assert.match(nobody.error!, /name, phone/);
      const notAnObject = await settled(hook.id, (await accepted(hook.id, ['a', 'list'])).receipt_id);
      assert.equal(notAnObject.status, 'failed');
      assert.match(notAnObject.error!, /JSON object/);
    });

    it('enroll_drip enrolls the contact the body describes in an active campaign, which sends it the first step', async function () {
      this.timeout(60_000);
      const target = contact();
      const text = `Welcome aboard ${randomUUID().slice(0, 8)}`;
      const campaign = await api.post('/api/drip-campaigns', { name: 'Webhook drip', account_id: accountId, steps: [{ message: text, delay_minutes: 0 }] });
      assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
      const campaignId = campaign.body.id as string;
      assert.equal((await api.post(`/api/drip-campaigns/${campaignId}/start`)).status, 200);
      const hook = await createHook({ name: 'Signup', action: { type: 'enroll_drip', campaign_id: campaignId, tags: ['signup'] } });
      const reply = await accepted(hook.id, { name: 'New Signup', username: target.username });
      const receipt = await settled(hook.id, reply.receipt_id);
      assert.equal(receipt.status, 'succeeded', JSON.stringify(receipt));
      assert.equal(receipt.result.target_key.toLowerCase(), target.key.toLowerCase());
      const sent = await eventually(async () => {
        const items = (await outboxItems(api, accountId)).filter((i) => i.type === 'message' && i.text === text);
        return items.length > 0 ? items : undefined;
      });
      assert.equal(sent[0].chat_key, receipt.result.target_key);
      const progress = await api.get(`/api/drip-campaigns/${campaignId}`);
      assert.equal(progress.status, 200);
      const enrollments = nonEmpty(progress.body.enrollments as Array<{ contact_id: string }>, 'enrollments');
      assert.ok(enrollments.some((e) => e.contact_id === receipt.result.contact_id));
      // By contact id, the same contact is a target already: enrolled once.
      const again = await settled(hook.id, (await accepted(hook.id, { contact_id: receipt.result.contact_id })).receipt_id);
      assert.equal(again.status, 'succeeded', JSON.stringify(again));
      assert.equal(again.result.already_a_target, true);
      const missing = await settled(hook.id, (await accepted(hook.id, { contact_id: randomUUID() })).receipt_id);
      assert.equal(missing.status, 'failed');
      assert.match(missing.error!, /contact not found/);
    });
  });
});
