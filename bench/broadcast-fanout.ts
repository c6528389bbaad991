/**
 * Broadcast fan-out, measured against its floors in one run: 200 concurrent now-broadcasts × 50
 * targets (pacing off) over sandbox accounts, then the same burst over accounts on the
 * zero-cost driver (bench/support/zero-cost-driver.ts: AutoHub's own ceiling, no platform
 * behind it), then the floor — only the database work one send needs (its pacing reservation and
 * its ledger update) in a loop on one connection. Prints sends/s of each and their ratios, accept
 * latency and accept → first send of the sandbox burst, then schedule-firing lateness.
 * Targets: zero-cost ≥ 1,500 sends/s and ≥ 0.5 of the floor; sandbox ≥ 600 sends/s; accept →
 * first send p99 ≤ 1 s; lateness p99 ≤ 2 s.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { insertSendRun } from '../src/db/repos/send-runs.repo';
import { newSandboxAccount, newUser, type Client } from '../test/support/http';
import { getStack, type Stack } from '../test/support/stack';
import { measureCpu } from './support/cpu';
import { runBench } from './support/run-bench';
import { figure, percentile } from './support/stats';
import { ZeroCostDriver } from './support/zero-cost-driver';

const run = promisify(execFile);

const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 200);
const TARGETS = 50;
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20);
const FLOOR_SENDS = 5_000;
const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 5);
const SCHEDULE_SECONDS = Number(process.env.BENCH_SCHEDULE_SECONDS ?? 150);

/** The accounts whose sessions send at zero cost: filled before their broadcasts start. */
const zeroCostAccounts = new Set<string>();

interface Burst {
  sendsPerSecond: number;
  acceptLatencies: number[];
  firstSendDelays: number[];
}

async function main(): Promise<void> {
  let zeroCostDriver: ZeroCostDriver | undefined;
  const stack = await getStack({ driverFactories: { sandboxSessions: (sandbox) => (zeroCostDriver = new ZeroCostDriver(sandbox, zeroCostAccounts)) } });
  const { api, id: userId } = await newUser('fanout');

  const sandbox = await burst(stack, api, await accountsWithTargets(api));
  const zeroCostAccountList = await accountsWithTargets(api);
  for (const account of zeroCostAccountList) zeroCostAccounts.add(account.id);
  const { result: zeroCost, cpu } = await measureCpu(() => burst(stack, api, zeroCostAccountList));
  // The ledger counts what was settled; the driver's counter proves the zero-cost sessions made those sends.
  if (zeroCostDriver?.sends !== BROADCASTS * TARGETS) {
    throw new Error(`the zero-cost driver made ${zeroCostDriver?.sends ?? 0} of the burst's ${BROADCASTS * TARGETS} sends`);
  }
  const floor = await floorLoop(stack, userId, zeroCostAccountList[0]!.id);

  console.log(`broadcasts: ${BROADCASTS} × ${TARGETS} targets over ${ACCOUNTS} accounts, pacing off`);
  figure('accept latency p50 (sandbox burst)', percentile(sandbox.acceptLatencies, 50), 'ms');
  figure('accept latency p99 (sandbox burst)', percentile(sandbox.acceptLatencies, 99), 'ms');
  figure('accept to first send p50 (sandbox burst)', percentile(sandbox.firstSendDelays, 50), 'ms');
  figure('accept to first send p99 (sandbox burst, target <= 1000)', percentile(sandbox.firstSendDelays, 99), 'ms');
  figure('sends per second, AutoHub on the sandbox (target >= 600)', sandbox.sendsPerSecond, 'sends/s');
  figure('sends per second, AutoHub on the zero-cost driver (target >= 1500)', zeroCost.sendsPerSecond, 'sends/s');
  figure('AutoHub process CPU per send, zero-cost burst (API and worker, accepting included)', cpu.processMs / (BROADCASTS * TARGETS), 'ms');
  figure('machine CPU busy during the zero-cost burst (AutoHub, PostgreSQL, Temporal)', Math.round(cpu.machineBusy * 100), '%');
  figure('sends per second, floor (reservation + ledger update, one connection)', floor, 'sends/s');
  figure('ratio zero-cost / floor (target >= 0.5)', Math.round((zeroCost.sendsPerSecond / floor) * 100) / 100);
  figure('ratio sandbox / zero-cost', Math.round((sandbox.sendsPerSecond / zeroCost.sendsPerSecond) * 100) / 100);

  await scheduleLateness(api, sandbox.accountId, stack.db);
}

/** `ACCOUNTS` new sandbox accounts of `api`'s user, each with `TARGETS` of its groups. */
async function accountsWithTargets(api: Client): Promise<Array<{ id: string; targets: string[] }>> {
  const accounts: Array<{ id: string; targets: string[] }> = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const id = await newSandboxAccount(api);
    const chats = (await api.get(`/api/v1/groups?account_id=${id}`)).body.groups.slice(0, TARGETS);
    if (chats.length < TARGETS) throw new Error(`a sandbox account has ${chats.length} groups; the bench needs ${TARGETS}`);
    accounts.push({ id, targets: chats.map((c: { key: string }) => c.key) });
  }
  return accounts;
}

/**
 * Fires `BROADCASTS` now-broadcasts over `accounts` at once, from a separate process so the client
 * does not share the server's event loop, and waits until the ledger has every send.
 */
async function burst(stack: Stack, api: Client, accounts: Array<{ id: string; targets: string[] }>): Promise<Burst & { accountId: string }> {
  const bodies = Array.from({ length: BROADCASTS }, (_, i) => {
    const account = accounts[i % accounts.length]!;
    return { account_id: account.id, target_keys: account.targets, message: `fanout ${i} ${randomUUID()}` };
  });
  const bodiesFile = path.join(mkdtempSync(path.join(tmpdir(), 'fanout-')), 'bodies.json');
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  const started = Date.now();
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support/post-burst.ts'), `${stack.baseUrl}/api/v1/broadcast`, api.key, bodiesFile], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const replies = JSON.parse(stdout) as Array<{ status: number; answer: { workflow_id?: string }; latencyMs: number; acceptedAt: number }>;
  const refused = replies.find((r) => r.status !== 201 || !r.answer.workflow_id);
  if (refused) throw new Error(`a broadcast was refused: ${JSON.stringify(refused.answer)}`);
  const runIds = replies.map((r) => r.answer.workflow_id!);
  const total = BROADCASTS * TARGETS;
  // The ledger, not the platform, says what was sent: both drivers are measured the same way.
  const sentOf = () =>
    stack
      .db('deliveries as d')
      .join('send_runs as r', 'r.id', 'd.run_id')
      .whereIn('r.business_key', runIds)
      .where('d.status', 'sent');
  await waitFor(async () => {
    const failed = await stack.db('deliveries as d').join('send_runs as r', 'r.id', 'd.run_id').whereIn('r.business_key', runIds).where('d.status', 'failed').first('d.error');
    if (failed) throw new Error(`a send failed: ${failed.error}`);
    const row = await sentOf().count<{ n: string }[]>('* as n').first();
    return Number(row!.n) >= total;
  }, 600_000);
  const rows: Array<{ business_key: string; first: Date; last: Date }> = await sentOf()
    .groupBy('r.business_key')
    .select('r.business_key', stack.db.raw('min(d.updated_at) as first'), stack.db.raw('max(d.updated_at) as last'));
  const byRun = new Map(rows.map((r) => [r.business_key, r]));
  const lastSend = Math.max(...rows.map((r) => r.last.getTime()));
  return {
    accountId: accounts[0]!.id,
    sendsPerSecond: total / ((lastSend - started) / 1000),
    acceptLatencies: replies.map((r) => r.latencyMs),
    firstSendDelays: replies.map((r, i) => byRun.get(runIds[i]!)!.first.getTime() - r.acceptedAt),
  };
}

/**
 * The floor: the database work a send cannot do without, one send after another on one
 * connection — reserving the account's slot (its pacing row) and settling its ledger row.
 */
async function floorLoop(stack: Stack, userId: string, accountId: string): Promise<number> {
  const messages = Array.from({ length: FLOOR_SENDS }, (_, i) => ({ targetKey: `@floor${i}`, text: 'floor' }));
  const sendRun = await stack.db.transaction((trx) => insertSendRun(trx, { userId, accountId, origin: 'broadcast', businessKey: `floor-${randomUUID()}`, messages }));
  const connection = new pg.Client({ connectionString: stack.databaseUrl });
  await connection.connect();
  try {
    const started = Date.now();
    for (const delivery of sendRun.deliveries) {
      await connection.query('update account_pacing set sent_today = sent_today + 1 where account_id = $1 returning now()', [accountId]);
      await connection.query(`update deliveries set status = 'sent', platform_message_id = $2, sent_at = now(), updated_at = now() where id = $1`, [delivery.id, String(delivery.id)]);
    }
    return FLOOR_SENDS / ((Date.now() - started) / 1000);
  } finally {
    await connection.end();
  }
}

/** Lateness of fractional-interval schedules: actual run start minus the due time in its workflow id. */
async function scheduleLateness(api: Client, accountId: string, db: Stack['db']): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < SCHEDULES; i++) {
    const reply = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      message: `lateness ${i}`,
      schedule_type: 'interval',
      interval_minutes: 0.1,
    });
    if (reply.status !== 201) throw new Error(`a schedule was refused: ${JSON.stringify(reply.body)}`);
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
  if (lateness.length === 0) throw new Error('no schedule fired');
  console.log(`schedules: ${SCHEDULES} every 6 s for ${SCHEDULE_SECONDS} s, ${lateness.length} firings`);
  figure('schedule lateness p50', percentile(lateness, 50), 'ms');
  figure('schedule lateness p99 (target <= 2000)', percentile(lateness, 99), 'ms');
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
}

runBench(main);
