/**
 * `npm run bench`: every `bench:*` script of package.json, one after another in name order, each
 * in its own process group with a time limit, its output streamed; then a summary table of the
 * figures they printed, each beside the target its name states (ok / MISSED), and of the benches
 * (status, time, the sizes they ran at). Exits 1 when a bench failed — exited non-zero, timed out,
 * printed no figure or a figure without a value; a missed target is reported, not a failure.
 *
 * `npm run bench -- crm webhooks` runs only those; `npm run bench -- --full` runs every bench at
 * its own default sizes instead of the ones below that fit the sequence in 15 minutes. A size
 * already set in the environment is used as it is.
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { meets, parseFigure, parseTarget, type Figure } from './support/figures';

/** How one bench runs inside `npm run bench`. */
interface Plan {
  /** Environment sizes, each with the bench's own default it replaces (shown in the summary). */
  sizes?: Record<string, { use: string; full: string }>;
  /** Killed, and failed, after this long. */
  limitSeconds: number;
}

/** What the whole sequence should take on a 2-core machine, the budget of issue 14. */
const BUDGET_SECONDS = 15 * 60;
const DEFAULT_LIMIT_SECONDS = 180;
/** Between SIGTERM and SIGKILL of a bench over its limit. */
const KILL_GRACE_MS = 10_000;
/** How long a bench's output may stay open after its main process exited. */
const CLOSE_GRACE_MS = 3_000;

/**
 * Sizes and limits that fit the sequence, with room for the benches other branches add
 * (sessions about 90 s, sandbox-send 45 s, broadcast-accept 90 s). The first full run, on a
 * machine others were loading too, took: analytics 100 s (250,000 deliveries), api-throughput
 * 47 s, broadcast-crash 101 s (3 runs), broadcast-fanout 176 s (200 broadcasts, 30 s of
 * schedules), crm 64 s, inbound-latency 208 s (4 s per rate; the pipeline fell behind from
 * 50 msg/s and every rate drained), pacing 79 s, webhooks over 180 s (10,000 events, delivered at
 * a few hundred per second) — 966 s; hence the smaller fan-out, inbound and webhook sizes.
 */
const PLANS: Record<string, Plan> = {
  analytics: { sizes: { BENCH_DELIVERIES: { use: '250000', full: '1000000' }, BENCH_REQUESTS: { use: '100', full: '200' } }, limitSeconds: 240 },
  'api-throughput': { limitSeconds: 120 },
  'broadcast-accept': { limitSeconds: 180 },
  'broadcast-crash': { sizes: { BENCH_CRASH_RUNS: { use: '3', full: '10' } }, limitSeconds: 180 },
  'broadcast-fanout': { sizes: { BENCH_BROADCASTS: { use: '100', full: '200' }, BENCH_SCHEDULE_SECONDS: { use: '30', full: '150' } }, limitSeconds: 240 },
  crm: { limitSeconds: 120 },
  'inbound-latency': { sizes: { BENCH_SECONDS: { use: '2', full: '4' } }, limitSeconds: 180 },
  pacing: { limitSeconds: 180 },
  'sandbox-send': { limitSeconds: 120 },
  sessions: { limitSeconds: 180 },
  webhooks: { sizes: { BENCH_EVENTS: { use: '5000', full: '10000' } }, limitSeconds: 180 },
};

/** What one bench did. */
interface Outcome {
  name: string;
  status: string;
  failed: boolean;
  seconds: number;
  figures: Figure[];
  sizes: string;
}

const root = path.resolve(__dirname, '..');

/** The `bench:*` scripts of package.json, by bench name (the part after `bench:`). */
function benchScripts(): Map<string, string> {
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  return new Map(
    Object.entries(scripts)
      .filter(([key]) => key.startsWith('bench:'))
      .map(([key, command]) => [key.slice('bench:'.length), command]),
  );
}

/** The `BENCH_*` variables the bench file a script runs reads, so sizes set in the environment are shown. */
function sizeVariables(command: string): string[] {
  const file = /\bbench\/[\w./-]+\.ts\b/.exec(command)?.[0];
  if (!file) return [];
  try {
    return [...new Set([...readFileSync(path.join(root, file), 'utf8').matchAll(/process\.env\.(BENCH_[A-Z0-9_]+)/g)].map((m) => m[1]!))];
  } catch {
    return [];
  }
}

/** The environment sizes of `name` for this run, and how the summary shows them. */
function sizesOf(name: string, command: string, full: boolean): { env: Record<string, string>; shown: string } {
  const env: Record<string, string> = {};
  const shown: string[] = [];
  const planned = PLANS[name]?.sizes ?? {};
  for (const [key, size] of Object.entries(planned)) {
    const value = process.env[key] ?? (full ? size.full : size.use);
    env[key] = value;
    shown.push(value === size.full ? `${key}=${value}` : `${key}=${value} (full ${size.full})`);
  }
  for (const key of sizeVariables(command)) {
    if (!(key in planned) && process.env[key] !== undefined) shown.push(`${key}=${process.env[key]} (from the environment)`);
  }
  return { env, shown: shown.join(', ') || 'its defaults' };
}

/** A process a bench started, directly or not. */
interface Proc {
  pid: number;
  pgid: number;
  command: string;
}

/**
 * The processes of the group `pgid` and all their descendants, whatever their group: a service
 * such as the Temporal dev server leads a group of its own (src/service-process.ts), so killing
 * the bench's group alone would orphan it. Read before anything is killed, while the tree holds.
 */
function processTree(pgid: number): Proc[] {
  let rows: Array<Proc & { ppid: number }>;
  try {
    rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,pgid=,comm='], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cells) => cells.length >= 4)
      .map(([pid, ppid, group, command]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(group), command: command! }));
  } catch {
    return [{ pid: pgid, pgid, command: '?' }];
  }
  const tree = new Map(rows.filter((r) => r.pgid === pgid).map((r) => [r.pid, r]));
  for (let grown = true; grown; ) {
    grown = false;
    for (const r of rows) {
      if (!tree.has(r.pid) && tree.has(r.ppid)) {
        tree.set(r.pid, r);
        grown = true;
      }
    }
  }
  return [...tree.values()].map(({ pid, pgid: group, command }) => ({ pid, pgid: group, command }));
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL to every process of `procs` still alive, and to the groups they lead. */
function killAll(procs: Proc[]): void {
  for (const p of procs) {
    if (p.pid === p.pgid) signalGroup(p.pgid, 'SIGKILL');
    else if (alive(p.pid)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone in between
      }
    }
  }
}

/** Resolves once none of `procs` is alive, or after `ms`. */
async function gone(procs: Proc[], ms: number): Promise<void> {
  for (let waited = 0; waited < ms && procs.some((p) => alive(p.pid)); waited += 100) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Drops the scratch databases (test/support/stack.ts names them `autohub_test_<pid>_<time>`) of a
 * failed bench's processes: one killed at its limit, or stopping within a bound after an error,
 * may not have dropped its own, and the machine's PostgreSQL is shared.
 */
async function dropScratchDatabases(pids: number[], since: number): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || pids.length === 0) return;
  const client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname ~ $1`, [`^autohub_test_(${pids.join('|')})_[0-9]+$`]);
    // Only those created since the bench started: a pid may have served someone else's test before.
    for (const { datname } of rows.filter((r) => Number(r.datname.split('_').at(-1)) >= since)) {
      await client.query(`drop database if exists "${datname}" with (force)`);
      console.log(`[bench] dropped ${datname}, left by the bench`);
    }
  } catch (err) {
    console.error(`[bench] could not drop the failed bench's scratch databases`, err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Stops the bench running now, as its time limit would; undefined between benches. */
let stopCurrent: ((reason: string) => void) | undefined;
/** SIGKILLs the bench running now and all it started. */
let killCurrent: (() => void) | undefined;
let interrupted = false;

/**
 * How a bench's script is run. `tsx <file> [args]` becomes `node --import tsx <file> [args]`: one
 * process that gets the SIGTERM of the time limit itself and stops its stack (through the tsx
 * CLI, a child busy on its event loop cannot acknowledge the relayed signal in time and is
 * SIGKILLed, orphaning its Temporal dev server). Any other script goes through `npm run -s`.
 */
function commandOf(name: string, command: string): string[] {
  const words = command.trim().split(/\s+/);
  if (words[0] === 'tsx' && words.length >= 2 && !words[1]!.startsWith('-') && !words.some((w) => /["'$`|&;<>*?\\]/.test(w))) {
    return [process.execPath, '--import', 'tsx', ...words.slice(1)];
  }
  // The npm that runs `npm run bench`, when it does; the one on the PATH otherwise.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  return [...npm, 'run', '-s', `bench:${name}`];
}

async function runOne(name: string, command: string, full: boolean): Promise<Outcome> {
  const limitSeconds = Number(process.env.BENCH_TIME_LIMIT_SECONDS ?? PLANS[name]?.limitSeconds ?? DEFAULT_LIMIT_SECONDS);
  const sizes = sizesOf(name, command, full);
  console.log(`\n[bench] ── bench:${name} (${sizes.shown}; limit ${limitSeconds} s) ──`);
  const started = performance.now();
  const startedAt = Date.now();
  const [file, ...args] = commandOf(name, command);
  const child = spawn(file!, args, {
    cwd: root,
    env: { ...process.env, ...sizes.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the bench and everything it started can be killed together.
    detached: true,
  });
  const pgid = child.pid!;
  const figures: Figure[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    process.stdout.write(`${line}\n`);
    const f = parseFigure(line);
    if (f) figures.push(f);
  });
  child.stderr!.pipe(process.stderr, { end: false });

  /** Why the bench was stopped ('' while it runs its course). */
  let stopped = '';
  let killed: Proc[] = [];
  let forceKill: NodeJS.Timeout | undefined;
  const stop = (reason: string) => {
    if (stopped) return;
    stopped = reason;
    killed = processTree(pgid);
    console.log(`[bench] bench:${name} ${reason}; stopping its processes (${killed.map((p) => `${p.command} ${p.pid}`).join(', ')})`);
    // SIGTERM first: a bench run through bench/support/run-bench.ts then stops its stack itself.
    signalGroup(pgid, 'SIGTERM');
    forceKill = setTimeout(() => killAll(killed), KILL_GRACE_MS);
  };
  const limit = setTimeout(() => stop(`killed after its ${limitSeconds} s limit`), limitSeconds * 1000);
  stopCurrent = stop;
  killCurrent = () => killAll(killed.length > 0 ? killed : processTree(pgid));

  const code = await new Promise<number | null>((resolve) => {
    let exitCode: number | null = null;
    let closeTimer: NodeJS.Timeout | undefined;
    child.on('error', (err) => {
      console.error(`[bench] could not start bench:${name}`, err);
      resolve(-1);
    });
    // A process the bench left behind may hold its output open: do not wait for it for ever.
    child.on('exit', (c) => {
      exitCode = c;
      closeTimer = setTimeout(() => resolve(exitCode), CLOSE_GRACE_MS);
    });
    child.on('close', (c) => {
      clearTimeout(closeTimer);
      resolve(c ?? exitCode);
    });
  });
  clearTimeout(limit);
  const seconds = (performance.now() - started) / 1000;

  let leftBehind = '';
  if (stopped) {
    // Nothing of a killed bench may share the machine with the next one.
    await gone(killed, KILL_GRACE_MS);
    clearTimeout(forceKill);
    killAll(killed);
  } else {
    // A process the bench stopped may still be exiting: give it a moment before calling it left behind.
    for (let waited = 0; waited < CLOSE_GRACE_MS && signalGroup(pgid, 0); waited += 100) await new Promise((r) => setTimeout(r, 100));
    if (signalGroup(pgid, 0)) {
      killed = processTree(pgid);
      leftBehind = killed.map((p) => p.command).join(', ') || 'a process';
      killAll(killed);
    }
  }
  stopCurrent = undefined;
  killCurrent = undefined;

  const empty = figures.filter((f) => Number.isNaN(f.value)).map((f) => f.name);
  let status = 'ok';
  if (stopped) status = `FAILED: ${stopped}`;
  else if (code !== 0) status = `FAILED: exit code ${code}`;
  else if (figures.length === 0) status = 'FAILED: printed no figure';
  else if (empty.length > 0) status = `FAILED: no value for ${empty.join('; ')}`;
  if (leftBehind) status += ` (left ${leftBehind} running; killed)`;
  // A bench that failed may not have got to drop its scratch database (run-bench.ts bounds its stop).
  if (status !== 'ok') await dropScratchDatabases([...new Set([pgid, ...killed.map((p) => p.pid)])], startedAt);
  return { name, status, failed: !status.startsWith('ok'), seconds, figures, sizes: sizes.shown };
}

/** Rows as columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function summary(outcomes: Outcome[], totalSeconds: number): void {
  const figureRows: string[][] = [];
  let missed = 0;
  for (const o of outcomes) {
    for (const f of o.figures) {
      const target = parseTarget(f);
      const ok = target && meets(f.value, target);
      if (target && !ok) missed++;
      figureRows.push([o.name, f.name, Number.isNaN(f.value) ? 'n/a' : String(f.value), f.unit, target?.text ?? '', target ? (ok ? 'ok' : 'MISSED') : '']);
    }
  }
  console.log('\n[bench] summary of figures\n');
  console.log(table(['bench', 'figure', 'value', 'unit', 'target', 'result'], figureRows));
  console.log('\n[bench] summary of benches\n');
  console.log(
    table(
      ['bench', 'status', 'time', 'sizes'],
      outcomes.map((o) => [o.name, o.status, `${o.seconds.toFixed(0)} s`, o.sizes]),
    ),
  );
  const failed = outcomes.filter((o) => o.failed).length;
  console.log(
    `\n[bench] ${outcomes.length} benches, ${failed} failed, ${missed} figures missed their target; total ${totalSeconds.toFixed(0)} s (budget ${BUDGET_SECONDS} s)`,
  );
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const full = args.includes('--full');
  const wanted = args.filter((a) => a !== '--full').map((a) => a.replace(/^bench:/, ''));
  const scripts = benchScripts();
  // Name order: stable however package.json is edited, and a new bench joins by itself.
  const all = [...scripts.keys()].sort();
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length > 0) {
    console.error(`[bench] no bench:${unknown.join(', bench:')} in package.json; there are ${all.join(', ')}`);
    return 2;
  }
  const names = wanted.length > 0 ? all.filter((n) => wanted.includes(n)) : all;
  const started = performance.now();
  const outcomes: Outcome[] = [];
  for (const name of names) {
    if (interrupted) break;
    outcomes.push(await runOne(name, scripts.get(name)!, full));
  }
  summary(outcomes, (performance.now() - started) / 1000);
  if (interrupted) return 130;
  return outcomes.some((o) => o.failed) ? 1 : 0;
}

// Ctrl-C stops the running bench as its time limit would (its stack stopped, its scratch
// database dropped) and prints the summary so far; a second one kills it and leaves at once.
// Under `npm run`, one Ctrl-C arrives twice (to the terminal's group, and relayed by tsx): a
// repeat within a second is the same one.
let interruptedAt = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted && Date.now() - interruptedAt < 1_000) return;
    if (interrupted || !stopCurrent) {
      killCurrent?.();
      process.exit(130);
    }
    interrupted = true;
    interruptedAt = Date.now();
    stopCurrent('interrupted');
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
