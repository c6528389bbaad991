/**
 * 200 concurrent now-broadcasts × 50 sandbox targets with pacing off: accept latency, time from
 * accept to first send, sends per second, and the same sandbox sends in a plain loop for the
 * ratio. Then schedule-firing lateness over a few minutes of fractional-interval schedules.
 * Targets: >= 300 sends/s, ratio >= 0.3, accept p99 <= 50 ms, lateness p99 <= 2 s.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PgSandboxStore } from '../src/db/repos/sandbox.repo';
import { SandboxDriver } from '../src/platforms/sandbox/sandbox-driver';
import { newSandboxAccount, newUser, type Client } from '../test/support/http';
import { getStack, stopStack } from '../test/support/stack';
import { figure, percentile } from './support/stats';

const run = promisify(execFile);

const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 200);
const TARGETS = 50;
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20);
const LOOP_SENDS = 2_000;
const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 5);
const SCHEDULE_SECONDS = Number(process.env.BENCH_SCHEDULE_SECONDS ?? 150);

async function main(): Promise<void> {
  const stack = await getStack();
  const { api } = await newUser('fanout');
  const accounts: Array<{ id: string; targets: string[] }> = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const id = await newSandboxAccount(api);
    const chats = (await api.get(`/api/v1/groups?account_id=${id}`)).body.groups.slice(0, TARGETS);
    accounts.push({ id, targets: chats.map((c: { key: string }) => c.key) });
  }

  // Broadcast fan-out, fired from a separate process so the client does not share the server's event loop.
  const bodies = Array.from({ length: BROADCASTS }, (_, i) => {
    const account = accounts[i % ACCOUNTS]!;
    return { account_id: account.id, target_keys: account.targets, message: `fanout ${i} ${randomUUID()}` };
  });
  const bodiesFile = path.join(mkdtempSync(path.join(tmpdir(), 'fanout-')), 'bodies.json');
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  const started = Date.now();
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support/post-burst.ts'), `${stack.baseUrl}/api/v1/broadcast`, api.key, bodiesFile], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const replies = JSON.parse(stdout) as Array<{ status: number; answer: unknown; latencyMs: number; acceptedAt: number }>;
  const refused = replies.find((r) => r.status !== 201);
  if (refused) throw new Error(`a broadcast was refused: ${JSON.stringify(refused.answer)}`);
  const accepted = replies.map((r, i) => ({ text: bodies[i]!.message, latency: r.latencyMs, acceptedAt: r.acceptedAt }));
  const total = BROADCASTS * TARGETS;
  const texts = accepted.map((a) => a.text);
  await waitFor(async () => {
    const row = await stack.db('sandbox_outbox').whereIn('text', texts).count<{ n: number }[]>('* as n').first();
    return Number(row!.n) >= total;
  }, 600_000);
  const rows: Array<{ text: string; first: Date; last: Date; n: number }> = await stack
    .db('sandbox_outbox')
    .whereIn('text', texts)
    .groupBy('text')
    .select('text', stack.db.raw('min(at) as first'), stack.db.raw('max(at) as last'), stack.db.raw('count(*)::int as n'));
  const byText = new Map(rows.map((r) => [r.text, r]));
  const lastSend = Math.max(...rows.map((r) => r.last.getTime()));
  const firstSendDelays = accepted.map((a) => byText.get(a.text)!.first.getTime() - a.acceptedAt);
  const systemRate = total / ((lastSend - started) / 1000);

  // The same sends in a plain loop straight through the sandbox driver.
  const loopAccount = await newSandboxAccount(api);
  const loopTargets = (await api.get(`/api/v1/groups?account_id=${loopAccount}`)).body.groups.map((c: { key: string }) => c.key);
  const session = await new SandboxDriver(new PgSandboxStore(stack.db)).connect({ id: loopAccount, platform: 'telegram', phone: null });
  const loopStart = Date.now();
  for (let i = 0; i < LOOP_SENDS; i++) {
    await session.sendMessage({ targetKey: loopTargets[i % loopTargets.length], text: 'loop', clientMessageId: randomUUID() });
  }
  const loopRate = LOOP_SENDS / ((Date.now() - loopStart) / 1000);
  await session.disconnect();

  console.log(`broadcasts: ${BROADCASTS} × ${TARGETS} targets over ${ACCOUNTS} sandbox accounts, pacing off`);
  figure('accept latency p50', percentile(accepted.map((a) => a.latency), 50), 'ms');
  figure('accept latency p99', percentile(accepted.map((a) => a.latency), 99), 'ms');
  figure('accept to first send p50', percentile(firstSendDelays, 50), 'ms');
  figure('accept to first send p99', percentile(firstSendDelays, 99), 'ms');
  figure('sends per second (AutoHub)', systemRate, 'sends/s');
  figure('sends per second (plain driver loop)', loopRate, 'sends/s');
  figure('ratio (AutoHub / loop)', Math.round((systemRate / loopRate) * 100) / 100);

  await scheduleLateness(api, accounts[0]!.id, stack.db);
  await stopStack();
}

/** Lateness of fractional-interval schedules: actual run start minus the due time in its workflow id. */
async function scheduleLateness(api: Client, accountId: string, db: Awaited<ReturnType<typeof getStack>>['db']): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < SCHEDULES; i++) {
    const reply = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      message: `lateness ${i}`,
      schedule_type: 'interval',
      interval_minutes: 0.1,
    });
    ids.push(reply.body.schedule_id);
  }
  await new Promise((r) => setTimeout(r, SCHEDULE_SECONDS * 1000));
  // Read the runs before deleting the broadcasts: their runs go with them.
  const runs: Array<{ workflow_id: string; started_at: Date }> = await db('broadcast_runs').whereIn('broadcast_id', ids).select('workflow_id', 'started_at');
  for (const id of ids) await api.delete(`/api/v1/broadcast/${id}`);
  const lateness = runs
    .map((r) => {
      const due = /-run-(\d{4}-\d\d-\d\dT[\d:.]+Z)$/.exec(r.workflow_id)?.[1];
      return due ? r.started_at.getTime() - Date.parse(due) : NaN;
    })
    .filter((ms) => Number.isFinite(ms));
  console.log(`schedules: ${SCHEDULES} every 6 s for ${SCHEDULE_SECONDS} s, ${lateness.length} firings`);
  figure('schedule lateness p50', percentile(lateness, 50), 'ms');
  figure('schedule lateness p99', percentile(lateness, 99), 'ms');
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
