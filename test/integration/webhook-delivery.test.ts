import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { eventually, newUser, type Client } from '../support/http';
import { getStack, getTemporalClient } from '../support/stack';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver';

const headersOf = (r: ReceivedWebhook) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

describe('webhook delivery', () => {
  let receiver: WebhookReceiver;
  let schedule: number[];
  /** How each path answers; 200 by default. */
  const answers = new Map<string, (r: ReceivedWebhook) => ReturnType<WebhookReceiver['answer']>>();

  before(async function () {
    this.timeout(120_000);
    schedule = (await getStack()).config.webhooks.retryScheduleMs;
    receiver = new WebhookReceiver();
    receiver.answer = (r) => answers.get(r.path)?.(r) ?? { status: 200, body: 'ok' };
    await receiver.start();
  });
  after(() => receiver?.stop());

  /** A user of its own, so that only this test's events reach its hooks. */
  async function hookOf(path: string, events: string[] = ['*'], user?: Client) {
    const api = user ?? (await newUser()).api;
    const reply = await api.post('/api/webhooks', { name: path, url: `${receiver.url}${path}`, events });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return { api, id: reply.body.id as string, secret: reply.body.secret as string };
  }
  const fireTest = async (api: Client, id: string) => {
    const reply = await api.post(`/api/webhooks/${id}/test`);
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    return reply.body.delivery_id as string;
  };
  const logEntry = async (api: Client, deliveryId: string) => {
    const reply = await api.get('/api/webhooks/log?limit=500');
    assert.equal(reply.status, 200);
    return reply.body.deliveries.find((d: { id: string }) => d.id === deliveryId);
  };
  const settled = (api: Client, deliveryId: string, status: string, timeoutMs = 30_000) =>
    eventually(async () => {
      const entry = await logEntry(api, deliveryId);
      return entry?.status === status ? entry : undefined;
    }, timeoutMs, `delivery ${deliveryId} to be ${status}`);
  const hookState = async (api: Client, id: string) => {
    const reply = await api.get(`/api/webhooks/${id}`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body;
  };

  it('brings every event to a receiver failing half the requests, each delivery id at least once, every signature verifying', async function () {
    this.timeout(90_000);
    let n = 0;
    answers.set('/flaky', () => (++n % 2 === 0 ? { status: 500, body: 'flaky' } : { status: 200 }));
    const { api, id, secret } = await hookOf('/flaky');
    const contactIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const reply = await api.post('/api/contacts', { name: `Flaky ${i}` });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      contactIds.push(reply.body.contact?.id ?? reply.body.id);
    }
    const tests = [await fireTest(api, id), await fireTest(api, id)];
    const log = await eventually(async () => {
      const reply = await api.get(`/api/webhooks/log?limit=500&webhook_id=${id}`);
      assert.equal(reply.status, 200);
      const all = reply.body.deliveries as Array<{ id: string; status: string; event_type: string; attempts: number }>;
      return all.length === 22 && all.every((d) => d.status === 'delivered') ? all : undefined;
    }, 60_000, 'all 22 deliveries to be delivered');
    assert.equal(log.filter((d) => d.event_type === 'contact.created').length, 20);
    assert.ok(tests.every((t) => log.some((d) => d.id === t)));
    assert.ok(log.some((d) => d.attempts > 1), 'some delivery needed a retry');
    const flaky = receiver.received.filter((r) => r.path === '/flaky');
    assert.ok(flaky.length >= 22);
    for (const delivery of log) assert.ok(receiver.of(delivery.id).length >= 1, `delivery ${delivery.id} reached the receiver`);
    const verifier = new Webhook(secret);
    const payloadIds = new Set<string>();
    for (const r of flaky) payloadIds.add((verifier.verify(r.body, headersOf(r)) as { id: string }).id);
    assert.equal(payloadIds.size, 22, 'each event reached the receiver with its own id');
    const state = await hookState(api, id);
    assert.deepEqual(state.deliveries, { delivered: 22, failed: 0, pending: 0 });
    assert.ok(state.last_failure, 'the last failed attempt shows');
    assert.equal(state.last_failure.status_code, 500);
  });

  it('retries on the schedule with its jitter, then fails the delivery, every attempt logged', async function () {
    this.timeout(60_000);
    answers.set('/down', () => ({ status: 503, body: 'down for maintenance' }));
    const { api, id } = await hookOf('/down');
    const deliveryId = await fireTest(api, id);
    const entry = await settled(api, deliveryId, 'failed', 45_000);
    assert.equal(entry.attempts, schedule.length + 1);
    assert.equal(entry.attempt_log.length, schedule.length + 1);
    assert.ok(entry.attempt_log.every((a: { status_code: number; response_body: string }) => a.status_code === 503 && a.response_body === 'down for maintenance'));
    const times = receiver.of(deliveryId).map((r) => r.at);
    assert.equal(times.length, schedule.length + 1);
    for (let i = 1; i < times.length; i++) {
      const gap = times[i]! - times[i - 1]!;
      assert.ok(gap >= schedule[i - 1]! * 0.9 - 50, `retry ${i} came after ${gap} ms; the schedule says ${schedule[i - 1]} ms ±10 %`);
    }
    const temporal = await getTemporalClient();
    // The ledger row settles inside the workflow's last activity, a moment before the workflow itself completes.
    const handle = temporal.workflow.getHandle(`webhook-${deliveryId}`);
    await handle.result();
    const run = await handle.describe();
    assert.equal(run.status.name, 'COMPLETED');
    assert.equal(run.typedSearchAttributes.get({ name: 'AutoHubKind', type: 'KEYWORD' } as never), 'webhook');
  });

  it('honours a Retry-After longer than the scheduled wait', async function () {
    this.timeout(40_000);
    answers.set('/busy', (r) => (receiver.received.filter((x) => x.path === '/busy' && x.headers['webhook-id'] === r.headers['webhook-id']).length === 1 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 200 }));
    const { api, id } = await hookOf('/busy');
    const deliveryId = await fireTest(api, id);
    await settled(api, deliveryId, 'delivered');
    const [first, second] = receiver.of(deliveryId);
    assert.ok(second!.at - first!.at >= 2_900, `the retry came ${second!.at - first!.at} ms after a Retry-After of 3 s (the schedule says ${schedule[0]} ms)`);
  });

  it('disables the hook on 410 Gone, recording webhook.disabled', async function () {
    this.timeout(40_000);
    answers.set('/gone', () => ({ status: 410 }));
    const { api, id } = await hookOf('/gone', ['contact.*']);
    const watcher = await hookOf('/watcher', ['webhook.disabled'], api);
    const contact = await api.post('/api/contacts', { name: 'Gone' });
    assert.equal(contact.status, 201);
    const state = await eventually(async () => {
      const s = await hookState(api, id);
      return s.webhook.enabled ? undefined : s;
    }, 30_000, 'the hook to be disabled');
    assert.match(state.webhook.disabled_reason, /410/);
    assert.deepEqual(state.deliveries, { delivered: 0, failed: 1, pending: 0 });
    const notice = await eventually(async () => receiver.received.find((r) => r.path === '/watcher'), 30_000, 'the webhook.disabled event');
    const event = new Webhook(watcher.secret).verify(notice.body, headersOf(notice)) as any;
    assert.equal(event.type, 'webhook.disabled');
    assert.equal(event.data.webhook_id, id);
    assert.equal(receiver.received.filter((r) => r.path === '/gone').length, 1, 'a 410 is not retried');
  });

  it('fails a redirect and a 400 at once, never following the redirect', async function () {
    this.timeout(40_000);
    answers.set('/moved', () => ({ status: 302, headers: { location: `${receiver.url}/moved-here` } }));
    answers.set('/refuses', () => ({ status: 400, body: 'bad request' }));
    const moved = await hookOf('/moved');
    const refuses = await hookOf('/refuses');
    const movedDelivery = await fireTest(moved.api, moved.id);
    const refusedDelivery = await fireTest(refuses.api, refuses.id);
    const m = await settled(moved.api, movedDelivery, 'failed');
    const r = await settled(refuses.api, refusedDelivery, 'failed');
    assert.equal(m.attempts, 1);
    assert.match(m.last_error, /redirect/);
    assert.equal(m.last_status_code, 302);
    assert.equal(r.attempts, 1);
    assert.equal(r.last_status_code, 400);
    assert.equal(r.attempt_log[0].response_body, 'bad request');
    assert.equal(receiver.received.filter((x) => x.path === '/moved-here').length, 0);
    const state = await hookState(refuses.api, refuses.id);
    assert.equal(state.last_failure.delivery_id, refusedDelivery);
    assert.equal(state.last_failure.status_code, 400);
  });

  it('replays a delivery with the same webhook-id, and recovers every failed one since a time', async function () {
    this.timeout(60_000);
    let up = false;
    answers.set('/recovering', () => (up ? { status: 200 } : { status: 400 }));
    const { api, id } = await hookOf('/recovering');
    const since = new Date(Date.now() - 1000).toISOString();
    const failed = [await fireTest(api, id), await fireTest(api, id), await fireTest(api, id)];
    for (const d of failed) await settled(api, d, 'failed');
    up = true;
    const replayed = await api.post(`/api/webhooks/log/${failed[0]}/replay`);
    assert.equal(replayed.status, 202, JSON.stringify(replayed.body));
    const again = await settled(api, failed[0]!, 'delivered');
    assert.equal(again.attempts, 2);
    assert.equal(receiver.of(failed[0]!).length, 2, 'the replay carried the same webhook-id');
    const recovered = await api.post(`/api/webhooks/${id}/recover`, { since });
    assert.equal(recovered.status, 202, JSON.stringify(recovered.body));
    assert.equal(recovered.body.recovered, 2);
    for (const d of failed.slice(1)) {
      await settled(api, d, 'delivered');
      assert.equal(receiver.of(d).length, 2);
    }
    const none = await api.post(`/api/webhooks/${id}/recover`, { since });
    assert.equal(none.body.recovered, 0);
  });

  it('disables a hook after N consecutive failed deliveries', async function () {
    this.timeout(60_000);
    const limit = (await getStack()).config.webhooks.disableAfterFailures;
    answers.set('/broken', () => ({ status: 422 }));
    const { api, id } = await hookOf('/broken', ['contact.created']);
    for (let i = 0; i < limit; i++) assert.equal((await api.post('/api/contacts', { name: `Broken ${i}` })).status, 201);
    const state = await eventually(async () => {
      const s = await hookState(api, id);
      return s.webhook.enabled ? undefined : s;
    }, 30_000, 'the hook to be disabled');
    assert.equal(state.webhook.disabled_reason, `${limit} consecutive deliveries failed`);
    assert.equal(state.deliveries.failed, limit);
  });

  it('stops retrying once the hook is disabled mid-retry', async function () {
    this.timeout(40_000);
    answers.set('/stopping', () => ({ status: 500 }));
    const { api, id } = await hookOf('/stopping');
    const deliveryId = await fireTest(api, id);
    await eventually(async () => (receiver.of(deliveryId).length >= 2 ? true : undefined), 30_000, 'a retry');
    assert.equal((await api.put(`/api/webhooks/${id}`, { enabled: false })).status, 200);
    const entry = await settled(api, deliveryId, 'failed');
    assert.match(entry.last_error, /disabled/);
    assert.ok(entry.attempts < schedule.length + 1, 'the schedule was not run to its end');
  });
});
