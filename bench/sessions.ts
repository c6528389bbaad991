/**
 * Sessions held: what one worker pays for keeping 1,000 sandbox sessions live.
 *
 * Why a child process: the worker role runs as `autohub worker` (src/cli.ts, unchanged) in a
 * process of its own (bench/support/worker-child.ts), so the memory and the event loop measured
 * are the worker's alone. In the bench's own process the API role and the bench's bookkeeping
 * would share both, and a baseline subtracted from a process that also serves HTTP would mostly
 * measure the API's garbage. Here the API role runs in this process (the test stack without its
 * worker) and
 * the load generator in a third (bench/support/paced-inject.ts), on the same PostgreSQL and
 * Temporal. RSS is the kernel's VmRSS of the worker's pid; heap and event-loop delay come from a
 * probe installed in its main thread (bench/support/loop-probe.ts), which adds one 10 ms timer.
 *
 * The sessions are opened as in production: 1,000 sandbox accounts are created through
 * `POST /api/v1/accounts` (one user, a few requests at a time); each commit notifies the workers,
 * and the worker serving the account's shard opens its session in the pool and subscribes its
 * inbound stream (`onAccountChanged` → `SessionPool.get` → `session.onInbound`), the path a newly
 * connected account takes. The bench counts the worker's own "session connected" log lines.
 *
 * The baseline is taken once the worker is up and warm: one warm-up account whose session is open
 * has answered an injected message through an auto-reply rule, so the code of the session and
 * inbound paths is loaded before the baseline. Both readings follow full collections in the
 * worker, once its RSS has settled (see settledMemory); RSS and heap per session are
 * (after − before) / 1,000.
 *
 * Then two event-loop delay windows, printed apart: one with the sessions held open and idle, one
 * under a light load — messages injected through the sandbox inbound endpoint into a sample of
 * the sessions at a steady rate (each answered by the auto-reply rule through the one send path),
 * and a few broadcasts from accounts of that sample. A delay is how late the probe's 10 ms timer
 * ran (monitorEventLoopDelay's interval less the 10 ms). Beside each window the worker's CPU use
 * and the share of the window its main thread spent ready to run but without a CPU (its
 * schedstat run-queue time): on a small shared machine that, not the worker's own work, is often
 * what delays its loop, and the figure says how much. The run fails unless every injected message
 * is answered and every broadcast completes. Last, the worker is stopped and a new one started on
 * the same shards: it reopens every session at its start, and the bench prints how long that takes.
 *
 * Targets: RSS ≤ 1 MB per session; event-loop delay p99 ≤ 20 ms.
 * Knobs: BENCH_SESSIONS, BENCH_WINDOW_SECONDS, BENCH_LOAD_RATE, BENCH_LOAD_ACCOUNTS,
 * BENCH_BROADCASTS, BENCH_CREATE_CONCURRENCY; BENCH_PROFILE_DIR writes CPU profiles of the windows.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { ensureSecretKey } from '../src/runtime/bootstrap';
import { client, type Client } from '../test/support/http';
import { getStack } from '../test/support/stack';
import { runBench } from './support/run-bench';
import { figure } from './support/stats';
import { WorkerChild } from './support/worker-child';
import type { ProbeReading } from './support/loop-probe';

const run = promisify(execFile);

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000);
const CREATE_CONCURRENCY = Number(process.env.BENCH_CREATE_CONCURRENCY ?? 8);
const WINDOW_SECONDS = Number(process.env.BENCH_WINDOW_SECONDS ?? 20);
/** Injected messages per second during the load window, spread over `LOAD_ACCOUNTS` sessions. */
const LOAD_RATE = Number(process.env.BENCH_LOAD_RATE ?? 20);
const LOAD_ACCOUNTS = Math.min(SESSIONS, Number(process.env.BENCH_LOAD_ACCOUNTS ?? 100));
const BROADCASTS = Math.min(LOAD_ACCOUNTS, Number(process.env.BENCH_BROADCASTS ?? 5));
const BROADCAST_TARGETS = 10;
/** How long answers and broadcasts may take after the load window before the run fails. */
const DRAIN_MS = 120_000;
/** A directory to write CPU profiles of the worker's two windows to (idle.cpuprofile, load.cpuprofile); none when unset. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const MB = 1024 * 1024;

async function main(): Promise<void> {
  // The test stack's PostgreSQL and Temporal, and its API role in this process; the worker is the bench's own.
  const stack = await getStack({ worker: false });
  const stops: Array<() => Promise<void>> = [];
  try {
    const workerEnv = {
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      AUTOHUB_HOME: stack.config.home,
      // The API's key: the two roles seal and open the same session secrets.
      AUTOHUB_SECRET_KEY: ensureSecretKey(stack.config),
      AUTOHUB_SANDBOX: 'true',
      WORKER_ID: 'bench-sessions-worker',
      // The production default; the bench reads its "session connected" lines.
      LOG_LEVEL: 'info',
    };
    const worker = new WorkerChild(workerEnv);
    stops.unshift(() => worker.stop());
    await worker.ready();

    const baseUrl = stack.baseUrl;
    const admin = client(stack.adminKey, baseUrl);
    const user = await admin.post('/api/admin/users', { name: 'sessions-bench', role: 'user' });
    expectStatus(user, 201, 'creating the user');
    const api = client(user.body.api_key as string, baseUrl);
    const rule = await api.post('/api/auto-replies', { keyword: 'ping', response: 'pong {{name}}', match_mode: 'contains', cooldown_seconds: 0 });
    expectStatus(rule, 201, 'creating the auto-reply rule');

    // Warm-up: one session opened and one inbound message answered, before the baseline.
    const warm = await sandboxAccount(api);
    await readGroups(api, warm);
    await worker.until(() => worker.connected.has(warm.id), 30_000, 'the warm-up session');
    await injectAndAwaitAnswers(stack.db, baseUrl, api.key, [warm], 1, 5, 'warm');
    const before = await settledMemory(worker);

    console.log(`sessions: creating ${SESSIONS} sandbox accounts through the API, ${CREATE_CONCURRENCY} at a time; the worker (pid ${worker.pid}) opens their sessions`);
    const createdAt = performance.now();
    const accounts = await createAccounts(api, SESSIONS);
    const createSeconds = (performance.now() - createdAt) / 1000;
    await worker.until(() => accounts.every((a) => worker.connected.has(a.id)), 120_000, `the ${SESSIONS} sessions to connect`);
    const openSeconds = (performance.now() - createdAt) / 1000;
    if (worker.failedConnects > 0) throw worker.failure(`reported ${worker.failedConnects} sessions that did not connect`);
    const after = await settledMemory(worker);

    const opened = accounts.filter((a) => worker.connected.has(a.id)).length;
    figure('sessions open in the worker (besides the warm-up one)', opened);
    figure('accounts created through the API', createSeconds, 's');
    figure('all their sessions open after', openSeconds, 's');
    figure('worker RSS before opening them', before.rss / MB, 'MB');
    figure('worker RSS after opening them', after.rss / MB, 'MB');
    figure('worker heap used before', before.heapUsed / MB, 'MB');
    figure('worker heap used after', after.heapUsed / MB, 'MB');
    figure('worker heap reserved (heapTotal) before', before.heapTotal / MB, 'MB');
    figure('worker heap reserved (heapTotal) after', after.heapTotal / MB, 'MB');
    figure('RSS per session (target ≤ 1 MB = 1024 KB)', (after.rss - before.rss) / opened / 1024, 'KB');
    figure('heap used per session', (after.heapUsed - before.heapUsed) / opened / 1024, 'KB');

    const sample = accounts.slice(0, LOAD_ACCOUNTS);
    for (const account of sample) await readGroups(api, account);
    console.log(`idle window: ${WINDOW_SECONDS} s with ${opened + 1} sessions held open, inbound streams subscribed; load average ${loadavg()[0]!.toFixed(2)}`);
    await worker.resetDelay();
    const idleStart = windowStart(worker);
    await profileWindow(worker, 'idle', () => new Promise((resolve) => setTimeout(resolve, WINDOW_SECONDS * 1000)));
    printWindow('idle', await worker.read(), idleStart, worker);

    const messages = Math.round(LOAD_RATE * WINDOW_SECONDS);
    console.log(
      `load window: ${messages} messages injected at ${LOAD_RATE}/s into ${sample.length} sessions (each answered by an auto-reply), ` +
        `${BROADCASTS} broadcasts × ${BROADCAST_TARGETS} targets; load average ${loadavg()[0]!.toFixed(2)}`,
    );
    await worker.resetDelay();
    const loadStart = windowStart(worker);
    if (PROFILE_DIR) await worker.profile(path.join(PROFILE_DIR, 'load.cpuprofile'));
    const broadcasts = await startBroadcasts(api, sample.slice(0, BROADCASTS));
    await injectAndAwaitAnswers(stack.db, baseUrl, api.key, sample, LOAD_RATE, messages, 'load', async () => {
      printWindow('under load', await worker.read(), loadStart, worker);
      if (PROFILE_DIR) await worker.profile(path.join(PROFILE_DIR, 'load.cpuprofile'));
      figure('worker RSS at the end of the load window', worker.rss() / MB, 'MB');
    });
    await awaitBroadcasts(api, broadcasts);
    console.log(`every injected message was answered and every broadcast completed; ${worker.connected.size} sessions connected in all`);

    // A restarted (or replacement) worker opens every connected account's session of its shards itself.
    await worker.stop();
    const restartedAt = performance.now();
    const successor = new WorkerChild(workerEnv);
    stops.unshift(() => successor.stop());
    await successor.ready();
    const readySeconds = (performance.now() - restartedAt) / 1000;
    const all = [warm, ...accounts];
    await successor.until(() => all.every((a) => successor.connected.has(a.id)), 300_000, `the ${all.length} sessions to reopen`);
    if (successor.failedConnects > 0) throw successor.failure(`reported ${successor.failedConnects} sessions that did not connect`);
    console.log(`restart: the worker stopped (SIGTERM) and a new one started on the same shards`);
    figure('sessions reopened by the new worker', successor.connected.size);
    figure('new worker started (shards served) after', readySeconds, 's');
    figure('all sessions open again after', (performance.now() - restartedAt) / 1000, 's');
  } finally {
    for (const stop of stops) await stop().catch((err: unknown) => console.error('stopping a worker failed:', err));
  }
}

/** A sandbox account of the bench user, with the keys of its groups once read. */
interface BenchAccount {
  id: string;
  groups: string[];
}

async function sandboxAccount(api: Client): Promise<BenchAccount> {
  const created = await api.post('/api/v1/accounts', { platform: 'telegram', name: 'Sessions bench', sandbox: true });
  expectStatus(created, 201, 'creating a sandbox account');
  return { id: created.body.account.id as string, groups: [] };
}

/** Creates `count` sandbox accounts, `CREATE_CONCURRENCY` requests at a time. */
async function createAccounts(api: Client, count: number): Promise<BenchAccount[]> {
  const accounts: BenchAccount[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (started < count) {
        started++;
        accounts.push(await sandboxAccount(api));
      }
    }),
  );
  return accounts;
}

/** Reads the keys of the account's groups (the targets of its injected messages and broadcast). */
async function readGroups(api: Client, account: BenchAccount): Promise<void> {
  const reply = await api.get(`/api/v1/groups?account_id=${account.id}&type=group`);
  expectStatus(reply, 200, 'listing groups');
  account.groups = (reply.body.groups as Array<{ key: string }>).map((g) => g.key);
  if (account.groups.length === 0) throw new Error(`sandbox account ${account.id} has no groups`);
}

/**
 * Injects `count` messages at `rate` per second round the `accounts` (through the sandbox inbound
 * endpoint, from a separate process), each from its own sender so its auto-reply can be found;
 * runs `whenSent` as soon as the last one is out; then waits until every one is answered.
 */
async function injectAndAwaitAnswers(
  db: Knex,
  baseUrl: string,
  key: string,
  accounts: BenchAccount[],
  rate: number,
  count: number,
  tag: string,
  whenSent?: () => Promise<void>,
): Promise<void> {
  const runTag = `${tag}-${randomBytes(4).toString('hex')}`;
  const requests = Array.from({ length: count }, (_, i) => {
    const account = accounts[i % accounts.length]!;
    const name = `${runTag}-${i}`;
    return {
      path: `/api/v1/accounts/${account.id}/sandbox/inbound`,
      body: { type: 'message', chat_key: account.groups[0], from: { id: `s-${name}`, name }, text: `ping from ${name}` },
    };
  });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sessions-bench-')), 'requests.json');
  writeFileSync(file, JSON.stringify(requests));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support/paced-inject.ts'), baseUrl, key, file, String(rate)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  await whenSent?.();
  const refused = (JSON.parse(stdout) as Array<{ status: number }>).filter((s) => s.status !== 201).length;
  if (refused > 0) throw new Error(`${refused} of ${count} injected messages were refused`);
  const deadline = Date.now() + DRAIN_MS;
  for (;;) {
    const row = await db('sandbox_outbox').whereLike('text', `pong ${runTag}-%`).count<Array<{ n: string }>>('* as n').first();
    const answered = Number(row?.n ?? 0);
    if (answered >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${answered} of ${count} injected messages (${tag}) were answered within ${DRAIN_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Starts a now-broadcast from each account to its first groups; answers their ids. */
async function startBroadcasts(api: Client, accounts: BenchAccount[]): Promise<string[]> {
  const ids: string[] = [];
  for (const account of accounts) {
    const reply = await api.post('/api/v1/broadcast', {
      account_id: account.id,
      target_keys: account.groups.slice(0, BROADCAST_TARGETS),
      message: `sessions bench broadcast ${randomBytes(4).toString('hex')}`,
    });
    expectStatus(reply, 201, 'starting a broadcast');
    ids.push(String(reply.body.schedule_id));
  }
  return ids;
}

async function awaitBroadcasts(api: Client, ids: string[]): Promise<void> {
  const deadline = Date.now() + DRAIN_MS;
  for (const id of ids) {
    for (;;) {
      const reply = await api.get(`/api/v1/broadcast/${id}`);
      expectStatus(reply, 200, 'reading a broadcast');
      const status = reply.body.broadcast?.last_run?.status as string | undefined;
      if (status && status !== 'running') {
        if (status !== 'completed') throw new Error(`broadcast ${id} ended ${status}: ${JSON.stringify(reply.body.broadcast.last_run)}`);
        break;
      }
      if (Date.now() > deadline) throw new Error(`broadcast ${id} did not finish within ${DRAIN_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Readings within this span, none further than `SETTLED_BYTES` apart, make memory settled. */
const SETTLE_SPAN_MS = 15_000;
const SETTLED_BYTES = 2 * MB;
/** Longest wait for memory to settle before the last reading is taken as it is. */
const SETTLE_LIMIT_MS = 180_000;

/**
 * The worker's RSS (kernel) and heap once RSS has settled: read after a full collection every
 * 2.5 s until the readings of the last 15 s lie within 2 MB. A worker gives memory back slowly
 * after its start (the workflow bundle is built in-process, and V8 shrinks the heap it reserved
 * by steps of tens of MB over the next minute or two), so a single reading would mostly measure
 * how far that has gone.
 */
async function settledMemory(worker: WorkerChild): Promise<{ rss: number; heapUsed: number; heapTotal: number }> {
  const readings: Array<{ at: number; rss: number; heapUsed: number; heapTotal: number }> = [];
  const started = performance.now();
  for (;;) {
    const { heapUsed, heapTotal } = await worker.read(true);
    const at = performance.now();
    readings.push({ at, rss: worker.rss(), heapUsed, heapTotal });
    const span = readings.filter((r) => r.at >= at - SETTLE_SPAN_MS);
    const rss = span.map((r) => r.rss);
    const spanned = at - readings[0]!.at >= SETTLE_SPAN_MS;
    if (spanned && Math.max(...rss) - Math.min(...rss) <= SETTLED_BYTES) return readings.at(-1)!;
    if (at - started > SETTLE_LIMIT_MS) {
      console.log(`(the worker's RSS did not settle within ${SETTLE_LIMIT_MS / 1000} s; taking the last reading)`);
      return readings.at(-1)!;
    }
    await new Promise((resolve) => setTimeout(resolve, 2_500));
  }
}

/** Runs `window`, under a CPU profile of the worker when BENCH_PROFILE_DIR is set. */
async function profileWindow(worker: WorkerChild, name: string, window: () => Promise<unknown>): Promise<void> {
  const file = PROFILE_DIR && path.join(PROFILE_DIR, `${name}.cpuprofile`);
  if (file) await worker.profile(file);
  await window();
  if (file) await worker.profile(file);
}

/** When a window began, and the worker's CPU time then. */
interface WindowStart {
  at: number;
  cpu: ReturnType<WorkerChild['cpuTime']>;
}

function windowStart(worker: WorkerChild): WindowStart {
  return { at: performance.now(), cpu: worker.cpuTime() };
}

/** The window's event-loop delay, and the worker's CPU use over it (of one core: 100 % is a core kept busy). */
function printWindow(window: string, reading: ProbeReading, start: WindowStart, worker: WorkerChild): void {
  const elapsed = performance.now() - start.at;
  const cpu = worker.cpuTime();
  figure(`event-loop delay p50 (${window})`, reading.delay.p50, 'ms');
  figure(`event-loop delay p99 (${window}; target ≤ 20 ms)`, reading.delay.p99, 'ms');
  figure(`event-loop delay max (${window})`, reading.delay.max, 'ms');
  figure(`event-loop delay samples (${window})`, reading.delay.samples);
  figure(`worker CPU, main thread (${window})`, (100 * (cpu.main - start.cpu.main)) / elapsed, '% of a core');
  figure(`worker CPU, all threads (${window})`, (100 * (cpu.process - start.cpu.process)) / elapsed, '% of a core');
  figure(`worker main thread waiting for a CPU held by others (${window})`, (100 * (cpu.mainWaiting - start.cpu.mainWaiting)) / elapsed, '% of the window');
}

function expectStatus(reply: { status: number; body: unknown }, status: number, what: string): void {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
}

runBench(main);
