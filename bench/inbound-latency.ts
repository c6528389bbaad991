/**
 * Inbound latency: messages injected into sandbox accounts at 10, 50, 100, 200 and 400 messages/s
 * (each rate for a few seconds), each answered by an auto-reply rule through the whole pipeline —
 * stored once, its workflow started from the outbox, the rule evaluated, the reply sent through
 * the one send path. Prints, per rate, p50/p99 from injection to the reply in the sandbox outbox,
 * and the worker's CPU per message (it runs in a process of its own, bench/support/worker-child.ts;
 * the API that takes the injections stays in this one), and the highest rate held with p99 under 1 s. Pacing is turned off on the accounts (the bench
 * measures the pipeline, not the send budget). Targets (issue 14): p50 <= 50 ms at 50 msg/s;
 * >= 300 msg/s per worker with p99 < 1 s. A refused injection, or a message still unanswered when
 * the drain time ends, fails the bench (after every rate's figures are printed).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { newSandboxAccount, newUser } from '../test/support/http';
import { ensureSecretKey } from '../src/runtime/bootstrap';
import { getStack } from '../test/support/stack';
import { runBench } from './support/run-bench';
import { figure, percentile } from './support/stats';
import { WorkerChild } from './support/worker-child';

const run = promisify(execFile);

const RATES = (process.env.BENCH_RATES ?? '10,50,100,200,400').split(',').map(Number);
const SECONDS_PER_RATE = Number(process.env.BENCH_SECONDS ?? 4);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20);
/** A directory to write CPU profiles of the worker to, one per rate (inbound-<rate>.cpuprofile); none when unset. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/** How long replies may take to show before a message counts as unanswered. */
const DRAIN_MS = 30_000;

async function main(): Promise<void> {
  const stack = await getStack({ worker: false });
  const worker = new WorkerChild({
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    AUTOHUB_HOME: stack.config.home,
    // The API's key: the two roles seal and open the same session secrets.
    AUTOHUB_SECRET_KEY: ensureSecretKey(stack.config),
    AUTOHUB_SANDBOX: 'true',
    WORKER_ID: 'bench-inbound-worker',
    LOG_LEVEL: 'info',
  });
  try {
    await worker.ready();
    await measure(stack, worker);
  } finally {
    await worker.stop();
  }
}

async function measure(stack: Awaited<ReturnType<typeof getStack>>, worker: WorkerChild): Promise<void> {
  const { api, key } = await newUser('inbound-bench');
  const accounts: Array<{ id: string; chat: string }> = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const id = await newSandboxAccount(api);
    const limits = await api.put(`/api/v1/accounts/${id}/limits`, { min_gap_seconds: 0, jitter_seconds: 0, per_minute: 10_000, per_day: 1_000_000 });
    if (limits.status !== 200) throw new Error(`limits refused: ${JSON.stringify(limits.body)}`);
    const group = (await api.get(`/api/v1/groups?account_id=${id}&type=group`)).body.groups[0].key as string;
    accounts.push({ id, chat: group });
  }
  await worker.until(() => accounts.every((a) => worker.connected.has(a.id)), 60_000, 'the accounts\' sessions');
  const rule = await api.post('/api/auto-replies', { keyword: 'ping', response: 'pong {{name}}', match_mode: 'contains', cooldown_seconds: 0 });
  if (rule.status !== 201) throw new Error(`rule refused: ${JSON.stringify(rule.body)}`);

  console.log(`inbound latency over ${ACCOUNTS} sandbox accounts, one auto-reply rule, ${SECONDS_PER_RATE} s per rate, pacing off`);
  let held = 0;
  const problems: string[] = [];
  for (const rate of RATES) {
    const count = Math.max(1, Math.round(rate * SECONDS_PER_RATE));
    const tag = `r${rate}-${Date.now()}`;
    const requests = Array.from({ length: count }, (_, i) => {
      const account = accounts[i % ACCOUNTS]!;
      // Each message from its own sender, named so its reply can be found ("pong <name>").
      const name = `${tag}-${i}`;
      return {
        path: `/api/v1/accounts/${account.id}/sandbox/inbound`,
        body: { type: 'message', chat_key: account.chat, from: { id: `s-${name}`, name }, text: `ping from ${name}` },
      };
    });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'inbound-')), 'requests.json');
    writeFileSync(file, JSON.stringify(requests));
    if (PROFILE_DIR) await worker.profile(path.join(PROFILE_DIR, `inbound-${rate}.cpuprofile`));
    const cpuBefore = worker.cpuTime();
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support/paced-inject.ts'), stack.baseUrl, key, file, String(rate)], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const sent = JSON.parse(stdout) as Array<{ sentAt: number; status: number; error?: string }>;
    const refused = sent.filter((s) => s.status !== 201).length;
    const firstRefusal = sent.find((s) => s.status !== 201);
    // A refused message is never answered: wait for the replies of the accepted ones only.
    const replies = await collectReplies(stack.db, tag, count - refused);
    const cpuAfter = worker.cpuTime();
    if (PROFILE_DIR) await worker.profile(path.join(PROFILE_DIR, `inbound-${rate}.cpuprofile`));
    const latencies = requests.flatMap((r, i) => {
      const at = replies.get(r.body.from.name);
      return at === undefined ? [] : [at - sent[i]!.sentAt];
    });
    const p99 = percentile(latencies, 99);
    console.log(`at ${rate} msg/s ${count} injected, ${refused} refused, ${latencies.length} answered`);
    if (firstRefusal) problems.push(`${refused} of ${count} injections refused at ${rate} msg/s (the first ${firstRefusal.error ?? `with ${firstRefusal.status}`})`);
    if (latencies.length < count - refused) {
      problems.push(`${count - refused - latencies.length} of ${count - refused} accepted messages unanswered ${DRAIN_MS / 1000} s after their injection at ${rate} msg/s`);
    }
    figure(`p50 at ${rate} msg/s${rate === 50 ? ' (target <= 50 ms)' : ''}`, percentile(latencies, 50), 'ms');
    figure(`p99 at ${rate} msg/s`, p99, 'ms');
    // From the first injection until every reply was found (the poll adds up to 200 ms of idle).
    figure(`worker CPU per message at ${rate} msg/s, all threads`, (cpuAfter.process - cpuBefore.process) / count, 'ms');
    figure(`worker CPU per message at ${rate} msg/s, event-loop thread`, (cpuAfter.main - cpuBefore.main) / count, 'ms');
    if (latencies.length === count && p99 < 1000) held = Math.max(held, rate);
  }
  figure(`highest rate held with p99 < 1 s, of ${RATES.join(', ')} msg/s (target >= 300 msg/s)`, held, 'msg/s');
  if (problems.length > 0) throw new Error(problems.join('; '));
}

/** When each reply of a rate's messages reached the outbox, by the sender's name; waits until all are there or the drain time ends. */
async function collectReplies(db: Awaited<ReturnType<typeof getStack>>['db'], tag: string, count: number): Promise<Map<string, number>> {
  const deadline = Date.now() + DRAIN_MS;
  for (;;) {
    const rows: Array<{ text: string; at: Date }> = await db('sandbox_outbox').whereLike('text', `pong ${tag}-%`).select('text', 'at');
    if (rows.length >= count || Date.now() > deadline) return new Map(rows.map((r) => [r.text.slice('pong '.length), r.at.getTime()]));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

runBench(main);
