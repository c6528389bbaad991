import assert from 'node:assert/strict';
import { eventually, finishedBroadcast, groupKeys, userWithAccount, type Client } from '../support/http';
import { injectAndSettle } from '../support/inbound';
import { getStack } from '../support/stack';
import { WebhookReceiver } from '../support/webhook-receiver';
import { runStops, startRoles, type RunningRoles } from '../../src/runtime/roles';
import { startHealthServer } from '../../src/worker/health-server';
import { createLogger } from '../../src/logger';

const logger = createLogger('error');

/** One sample of a Prometheus text page: its metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the sample `name` whose labels include `labels`, summed when several match; 0 when none does. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const reply = await fetch(url, { headers });
  assert.equal(reply.status, 200, await reply.clone().text());
  assert.match(reply.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseSamples(await reply.text());
}

describe('GET /metrics', () => {
  let api: Client;
  let accountId: string;
  let baseUrl: string;

  before(async function () {
    this.timeout(120_000);
    ({ baseUrl } = await getStack());
    ({ api, accountId } = await userWithAccount());
  });

  it("answers without a key, in Prometheus's text format, with AutoHub's, Node's and the Temporal SDK's metrics", async () => {
    const samples = await scrape(`${baseUrl}/metrics`);
    const names = new Set(samples.map((s) => s.name));
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_p99_seconds', 'autohub_session_pool_sessions', 'autohub_shard_leases_held', 'autohub_temporal_outbox_due']) {
      assert.ok(names.has(name), `${name} is exposed`);
    }
    assert.ok(valueOf(samples, 'autohub_accounts', { platform: 'telegram', status: 'connected' }) >= 1, 'the connected sandbox account is counted');
    assert.ok(valueOf(samples, 'autohub_shard_leases_held') >= 1, "the test stack's worker serves its shard");
    const temporal = samples.filter((s) => s.name.startsWith('temporal_'));
    assert.ok(temporal.length > 0, "the Temporal SDK's metrics are appended");
    assert.ok(temporal.some((s) => s.name === 'temporal_num_pollers'), `the SDK reports its pollers (saw ${[...new Set(temporal.map((s) => s.name))].slice(0, 20).join(', ')})`);
  });

  it('counts requests by route template, method and status, never by raw path', async () => {
    const before = await scrape(`${baseUrl}/metrics`);
    const route = { method: 'GET', route: '/api/v1/accounts/:id', status: '200' };
    const missing = { method: 'GET', route: '/api/v1/accounts/:id', status: '404' };
    assert.equal((await api.get(`/api/v1/accounts/${accountId}`)).status, 200);
    assert.equal((await api.get(`/api/v1/accounts/${accountId}`)).status, 200);
    assert.equal((await api.get('/api/v1/accounts/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await fetch(`${baseUrl}/no/such/path/4711`)).status, 404);
    const after = await scrape(`${baseUrl}/metrics`);
    assert.equal(valueOf(after, 'autohub_http_requests_total', route) - valueOf(before, 'autohub_http_requests_total', route), 2);
    assert.equal(valueOf(after, 'autohub_http_requests_total', missing) - valueOf(before, 'autohub_http_requests_total', missing), 1);
    assert.equal(valueOf(after, 'autohub_http_request_duration_seconds_count', route) - valueOf(before, 'autohub_http_request_duration_seconds_count', route), 2);
    assert.ok(valueOf(after, 'autohub_http_requests_total', { route: 'unmatched', status: '404' }) >= 1);
    assert.ok(!after.some((s) => s.labels.route?.includes('4711')), 'no series is labelled with a raw path');
  });

  it("counts a broadcast's sends by platform, origin and result", async function () {
    this.timeout(60_000);
    const targets = await groupKeys(api, accountId, 3);
    assert.equal(targets.length, 3);
    const sent = { platform: 'telegram', origin: 'broadcast', result: 'sent' };
    const before = valueOf(await scrape(`${baseUrl}/metrics`), 'autohub_sends_total', sent);
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'Counted' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await finishedBroadcast(api, created.body.schedule_id)).last_run.sent, 3);
    const after = await scrape(`${baseUrl}/metrics`);
    assert.equal(valueOf(after, 'autohub_sends_total', sent) - before, 3);
    assert.ok(valueOf(after, 'autohub_session_pool_sessions') >= 1, "the session that sent them is in the pool");
  });

  it('counts inbound events by type and what the pipeline decided for them', async function () {
    this.timeout(60_000);
    const [group] = await groupKeys(api, accountId, 1);
    const rule = await api.post('/api/auto-replies', { keyword: 'metrics-probe', response: 'Counted reply', match_mode: 'contains', cooldown_seconds: 0 });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const reply = { feature: 'auto_reply', action: 'send', mode: 'live' };
    const before = await scrape(`${baseUrl}/metrics`);
    const settled = await injectAndSettle(api, accountId, { type: 'message', chat_key: group!, from: { id: 'u-metrics', name: 'Metrics' }, text: 'a metrics-probe here' });
    assert.equal(settled.result.sent, 1);
    const after = await scrape(`${baseUrl}/metrics`);
    assert.equal(valueOf(after, 'autohub_inbound_events_total', { type: 'message' }) - valueOf(before, 'autohub_inbound_events_total', { type: 'message' }), 1);
    assert.equal(valueOf(after, 'autohub_inbound_actions_total', reply) - valueOf(before, 'autohub_inbound_actions_total', reply), 1);
    const autoReplySent = { origin: 'auto_reply', result: 'sent' };
    assert.equal(valueOf(after, 'autohub_sends_total', autoReplySent) - valueOf(before, 'autohub_sends_total', autoReplySent), 1);
  });

  it("counts webhook attempts by result and times an event's delivery", async function () {
    this.timeout(60_000);
    const receiver = new WebhookReceiver();
    await receiver.start();
    try {
      const hook = await api.post('/api/webhooks', { name: 'Metrics', url: `${receiver.url}/metrics`, events: ['webhook.test'] });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      const before = await scrape(`${baseUrl}/metrics`);
      const fired = await api.post(`/api/webhooks/${hook.body.id}/test`);
      assert.equal(fired.status, 202, JSON.stringify(fired.body));
      const delivered = async () => valueOf(await scrape(`${baseUrl}/metrics`), 'autohub_webhook_attempts_total', { result: 'delivered' });
      const start = valueOf(before, 'autohub_webhook_attempts_total', { result: 'delivered' });
      await eventually(async () => ((await delivered()) > start ? true : undefined), 30_000, 'the test delivery to be counted');
      const after = await scrape(`${baseUrl}/metrics`);
      assert.equal(valueOf(after, 'autohub_webhook_attempts_total', { result: 'delivered' }) - start, 1);
      assert.equal(valueOf(after, 'autohub_webhook_delivery_lag_seconds_count') - valueOf(before, 'autohub_webhook_delivery_lag_seconds_count'), 1);
      assert.equal(receiver.of(fired.body.delivery_id).length, 1);
    } finally {
      await receiver.stop();
    }
  });

  it('asks for the bearer token METRICS_TOKEN sets, on the API and on the worker port', async function () {
    this.timeout(60_000);
    const stack = await getStack();
    const token = 'metrics-token-0123456789';
    let roles: RunningRoles | undefined;
    const worker = await startHealthServer(0, '127.0.0.1', {}, token);
    try {
      roles = await startRoles({
        config: { ...stack.config, port: 0, metricsToken: token },
        databaseUrl: stack.databaseUrl,
        temporalAddress: stack.temporalAddress,
        logger,
        api: true,
        worker: false,
      });
      for (const url of [`${roles.apiUrl}/metrics`, `${worker.url}/metrics`]) {
        for (const authorization of [undefined, 'Bearer wrong-token-0123456789', token, `Basic ${token}`]) {
          const refused = await fetch(url, { headers: authorization ? { authorization } : {} });
          assert.equal(refused.status, 401, `${url} with ${authorization}`);
          assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="metrics"');
          assert.deepEqual(await refused.json(), { error: 'metrics need the bearer token METRICS_TOKEN sets: Authorization: Bearer <token>' });
        }
        const samples = await scrape(url, { authorization: `Bearer ${token}` });
        assert.ok(samples.some((s) => s.name === 'process_cpu_user_seconds_total'));
      }
      // The test stack's own API has no token.
      assert.equal((await fetch(`${stack.baseUrl}/metrics`)).status, 200);
    } finally {
      await worker.close();
      if (roles) await runStops(roles.stops, logger);
    }
  });
});
