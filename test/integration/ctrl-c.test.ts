import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AutoHubStart, isRunning, processesMentioning, type ProcessInfo } from '../support/autohub-start';
import { eventually } from '../support/http';
import { freePort } from '../support/stack';

const ADMIN_KEY = 'ahk_ctrl_c_test_admin_key';
const TARGETS = 20;

describe('autohub start interrupted with Ctrl-C', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let baseUrl: string;
  const started: AutoHubStart[] = [];
  const services: ProcessInfo[] = [];

  before(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'autohub-ctrl-c-'));
    // Run as root, the embedded PostgreSQL runs as `postgres`, which must be able to enter the home.
    chmodSync(home, 0o755);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.TEMPORAL_CLI_PATH && { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH }),
      AUTOHUB_HOME: home,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      AUTOHUB_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'info',
    };
  });

  after(async function () {
    this.timeout(30_000);
    for (const hub of started) await hub.kill();
    for (const { pid } of services) {
      try {
        if (isRunning(pid)) process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(home, { recursive: true, force: true });
  });

  const startHub = async () => {
    const hub = new AutoHubStart(env, baseUrl, ADMIN_KEY);
    started.push(hub);
    await hub.start();
    return hub;
  };

  it('stops without an error mid-run, its services after it, and the next start finishes the run exactly once', async function () {
    this.timeout(300_000);
    const hub = await startHub();

    // Its PostgreSQL and Temporal run in process groups of their own, out of reach of a Ctrl-C.
    const postgres = processesMentioning(path.join(home, 'pgdata'));
    const temporal = processesMentioning(path.join(home, 'temporal.sqlite'));
    assert.equal(postgres.length, 1, `embedded PostgreSQL processes: ${JSON.stringify(postgres)}`);
    assert.equal(temporal.length, 1, `Temporal dev server processes: ${JSON.stringify(temporal)}`);
    services.push(...postgres, ...temporal);
    for (const service of services) {
      assert.notEqual(service.pgid, hub.pid, `${service.cmdline} is in the process group of autohub start`);
      assert.equal(service.pgid, service.pid, `${service.cmdline} leads no process group of its own`);
    }

    const created = await hub.request('POST', '/api/v1/accounts', { platform: 'telegram', name: 'Ctrl-C test', sandbox: true });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const accountId: string = created.body.account.id;
    const limits = await hub.request('PUT', `/api/v1/accounts/${accountId}/limits`, { min_gap_seconds: 0.3, jitter_seconds: 0 });
    assert.equal(limits.status, 200, JSON.stringify(limits.body));
    const groups = await hub.request('GET', `/api/v1/groups?account_id=${accountId}`);
    assert.equal(groups.status, 200, JSON.stringify(groups.body));
    const targets = (groups.body.groups as Array<{ key: string }>).slice(0, TARGETS).map((g) => g.key);
    assert.equal(targets.length, TARGETS, 'the sandbox world has too few chats');
    const text = `ctrl-c test ${Date.now()}`;
    const broadcast = await hub.request('POST', '/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: text });
    assert.equal(broadcast.status, 201, JSON.stringify(broadcast.body));

    const sent = async (via: AutoHubStart) => {
      const outbox = await via.request('GET', `/api/v1/accounts/${accountId}/sandbox/outbox?limit=1000`);
      assert.equal(outbox.status, 200, JSON.stringify(outbox.body));
      return (outbox.body.items as Array<{ chat_key: string; text?: string }>).filter((item) => item.text === text);
    };
    const sentBeforeSignal = await eventually(
      async () => {
        const count = (await sent(hub)).length;
        return count >= 3 ? count : undefined;
      },
      60_000,
      'the first sends',
    );
    assert.ok(sentBeforeSignal < TARGETS, 'the run had finished before the signal');

    const linesBeforeSignal = hub.lines.length;
    hub.signalGroup('SIGINT');
    const exit = await hub.exited(120_000);
    const after = hub.lines.slice(linesBeforeSignal);
    assert.deepEqual(exit, { code: 0, signal: null }, hub.output);
    // The API stops first, the worker drains, and only then go the services they both need.
    const stopped = after.map((line) => parsed(line.text)).filter((event) => event?.msg === 'stopped').map((event) => event!.step);
    const order = ['HTTP server', 'worker', 'Temporal dev server', 'embedded PostgreSQL'].map((step) => stopped.indexOf(step));
    assert.ok(order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1]!)), `stop steps in this order: ${stopped.join(', ')}`);
    const errors = after.filter((line) => line.stream === 'stderr' || (parsed(line.text)?.level ?? 0) >= 50);
    assert.deepEqual(errors, [], `errors after the signal:\n${hub.output}`);
    for (const service of services) assert.ok(!isRunning(service.pid), `${service.cmdline} outlived autohub start`);

    const again = await startHub();
    const run = await eventually(
      async () => {
        const reply = await again.request('GET', `/api/v1/broadcast/${broadcast.body.schedule_id}`);
        const last = reply.body.broadcast?.last_run;
        return last && last.status !== 'running' ? last : undefined;
      },
      120_000,
      'the run to finish after the restart',
    );
    assert.equal(run.status, 'completed', JSON.stringify(run));
    const counts = new Map<string, number>();
    for (const item of await sent(again)) counts.set(item.chat_key, (counts.get(item.chat_key) ?? 0) + 1);
    assert.deepEqual(
      targets.map((key) => [key, counts.get(key) ?? 0]),
      targets.map((key) => [key, 1]),
    );
    assert.equal(counts.size, TARGETS);

    again.signalGroup('SIGINT');
    assert.deepEqual(await again.exited(120_000), { code: 0, signal: null }, again.output);
  });

  it('stops at once on a second Ctrl-C while stopping, exiting non-zero and taking its services along', async function () {
    this.timeout(180_000);
    const hub = await startHub();
    const own = [...processesMentioning(path.join(home, 'pgdata')), ...processesMentioning(path.join(home, 'temporal.sqlite'))];
    assert.equal(own.length, 2, JSON.stringify(own));
    services.push(...own);

    hub.signalGroup('SIGINT');
    await eventually(async () => (hub.lines.some((l) => l.text.includes('"msg":"shutting down')) ? true : undefined), 30_000, 'the shutdown to begin');
    // Stopping its Temporal dev server alone takes over a second: the second signal comes well before the end.
    assert.ok(!hub.lines.some((l) => l.text.includes('"step":"embedded PostgreSQL"')), 'the orderly stop had already finished');
    hub.signalGroup('SIGINT');
    const exit = await hub.exited(30_000);

    assert.deepEqual(exit, { code: 130, signal: null }, hub.output);
    assert.ok(hub.lines.some((l) => l.text.includes('stopping now, without waiting')), hub.output);
    assert.ok(!hub.lines.some((l) => l.text.includes('"step":"embedded PostgreSQL"')), `the orderly stop ran to its end:\n${hub.output}`);
    for (const service of own) {
      await eventually(async () => (isRunning(service.pid) ? undefined : true), 10_000, `${service.cmdline} to end with autohub start`);
    }
  });
});

function parsed(line: string): { level?: number; msg?: string; step?: string } | undefined {
  try {
    return JSON.parse(line) as { level?: number; msg?: string; step?: string };
  } catch {
    return undefined;
  }
}
