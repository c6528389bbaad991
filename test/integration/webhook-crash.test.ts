import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { isolatedAutoHub, type AutoHubProcess } from '../support/crash-scenario';
import { eventually } from '../support/http';
import { WebhookReceiver } from '../support/webhook-receiver';
import { scratchDatabase, type ScratchDatabase } from './login-stack';

/**
 * AutoHub processes (API + worker) on a database of their own — so the suite's worker, which may
 * reach 127.0.0.1, never takes up their deliveries: one without AUTOHUB_WEBHOOK_ALLOW_PRIVATE,
 * one SIGKILLed while a delivery's request is in flight.
 */
describe('webhook delivery in a process of its own', function () {
  this.timeout(180_000);
  let scratch: ScratchDatabase;
  let receiver: WebhookReceiver;
  let hub: AutoHubProcess | undefined;
  let remove: (() => void) | undefined;

  before(async () => {
    scratch = await scratchDatabase('autohub_webhook_crash');
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  afterEach(async () => {
    await hub?.stop();
    remove?.();
    hub = remove = undefined;
  });
  after(async () => {
    await receiver?.stop();
    await scratch?.drop();
  });

  const createHook = async (url: string) => {
    const reply = await hub!.request('/api/webhooks', { method: 'POST', body: { name: 'Isolated', url, events: ['*'] } });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return reply.body as { id: string; secret: string };
  };
  const fireTest = async (id: string) => {
    const reply = await hub!.request(`/api/webhooks/${id}/test`, { method: 'POST' });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    return reply.body.delivery_id as string;
  };
  const settled = (deliveryId: string, timeoutMs: number) =>
    eventually(async () => {
      const reply = await hub!.request('/api/webhooks/log?limit=50');
      assert.equal(reply.status, 200);
      const entry = reply.body.deliveries.find((d: { id: string }) => d.id === deliveryId);
      return entry && entry.status !== 'pending' ? entry : undefined;
    }, timeoutMs, `delivery ${deliveryId} to settle`);

  it('refuses a hook to a private address at connection time without AUTOHUB_WEBHOOK_ALLOW_PRIVATE, and a non-http(s) URL at create', async () => {
    ({ hub, remove } = await isolatedAutoHub(scratch.url));
    await hub.start();
    const port = new URL(receiver.url).port;
    for (const url of [`http://127.0.0.1:${port}/ssrf-literal`, `http://localhost:${port}/ssrf-name`]) {
      const hook = await createHook(url);
      const entry = await settled(await fireTest(hook.id), 30_000);
      assert.equal(entry.status, 'failed', url);
      assert.equal(entry.attempts, 1, 'a refused address is not retried');
      assert.match(entry.last_error, /not a public address \(AUTOHUB_WEBHOOK_ALLOW_PRIVATE=true allows it\)/);
    }
    assert.equal(receiver.received.filter((r) => r.path.startsWith('/ssrf')).length, 0, 'nothing reached the private address');
    const refused = await hub.request('/api/webhooks', { method: 'POST', body: { name: 'File', url: 'file:///etc/passwd', events: ['*'] } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error, /url/);
  });

  it('still delivers after the worker is SIGKILLed with the delivery in flight', async () => {
    ({ hub, remove } = await isolatedAutoHub(scratch.url, { AUTOHUB_WEBHOOK_ALLOW_PRIVATE: 'true', AUTOHUB_WEBHOOK_TIMEOUT_SECONDS: '5' }));
    await hub.start();
    // The first request is never answered: the process dies waiting for it.
    receiver.answer = (r) => (r.path === '/crash' && receiver.received.filter((x) => x.path === '/crash').length === 1 ? 'hold' : { status: 200 });
    const hook = await createHook(`${receiver.url}/crash`);
    const deliveryId = await fireTest(hook.id);
    await eventually(async () => (receiver.of(deliveryId).length === 1 ? true : undefined), 30_000, 'the first request at the receiver');
    await hub.kill();
    const before = await scratch.db('webhook_deliveries').where({ id: deliveryId }).first<{ status: string; attempts: number }>('status', 'attempts');
    assert.deepEqual(before, { status: 'pending', attempts: 0 }, 'the process died with the attempt unrecorded');
    await hub.start();
    const entry = await settled(deliveryId, 60_000);
    assert.equal(entry.status, 'delivered');
    const requests = receiver.of(deliveryId);
    assert.ok(requests.length >= 2);
    const verifier = new Webhook(hook.secret);
    for (const r of requests) {
      const headers = { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) };
      assert.equal((verifier.verify(r.body, headers) as { type: string }).type, 'webhook.test');
    }
  });
});
