/**
 * The real worker role (`autohub worker`, src/cli.ts) in a process of its own, with the loop probe
 * installed (see probed-cli.ts and loop-probe.ts), so a benchmark measures that process alone: its resident memory
 * from /proc/<pid>/status, its event-loop delay and heap through the probe, and the sessions it
 * opened from its own log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ProbeReading, ProbeRequest } from './loop-probe';

const ROOT = path.resolve(__dirname, '../..');
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const TAIL_LINES = 40;

export class WorkerChild {
  /** Accounts whose session the worker reported connected (its "session connected" log line). */
  readonly connected = new Set<string>();
  /** Sessions the worker reported failing to connect (or account notifications it failed on). */
  failedConnects = 0;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly pending = new Map<number, (reply: unknown) => void>();
  private nextId = 0;
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;
  private started = false;

  /** Spawns `autohub worker` with `env` as its whole environment (plus PATH and HOME). */
  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(
      process.execPath,
      // --expose-gc only lets the probe collect before a memory reading; it changes nothing else.
      ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'probed-cli.ts'), 'worker'],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => ((this.exitCode = code), resolve())));
    this.child.on('message', (message: { id: number }) => {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.keep(line));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves once the worker logs that it started (its shard leases served); rejects if it exits first. */
  async ready(timeoutMs = 120_000): Promise<void> {
    await this.until(() => this.started, timeoutMs, 'the worker to start');
  }

  /** Resolves once `check` holds, polling; rejects if the worker exits or `timeoutMs` passes. */
  async until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (this.exitCode !== undefined) throw this.failure(`exited (code ${this.exitCode}) while waiting for ${what}`);
      if (Date.now() > deadline) throw this.failure(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Its resident set size now, in bytes, as the kernel counts it (VmRSS). */
  rss(): number {
    const line = readFileSync(`/proc/${this.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
    if (!line) throw new Error(`no VmRSS for process ${this.pid}`);
    return Number(line[1]) * 1024;
  }

  /**
   * Its CPU accounts so far, in ms: `process`, CPU time over all its threads (Temporal's core, the
   * workflow threads, libuv's pool); `main`, CPU time of the thread that runs the event loop; and
   * `mainWaiting`, the time that thread was ready to run but waited for a CPU (the kernel's run
   * queue: other processes had the cores).
   */
  cpuTime(): { process: number; main: number; mainWaiting: number } {
    const [onCpu, waiting] = readFileSync(`/proc/${this.pid}/task/${this.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { process: ticksToMs(`/proc/${this.pid}/stat`), main: onCpu! / 1e6, mainWaiting: waiting! / 1e6 };
  }

  /** Starts a new event-loop delay window. */
  async resetDelay(): Promise<void> {
    await this.ask({ type: 'reset', id: ++this.nextId });
  }

  /** The probe's reading of the window so far (after a full collection when `gc`). */
  read(gc = false): Promise<ProbeReading> {
    return this.ask({ type: 'read', id: ++this.nextId, gc }) as Promise<ProbeReading>;
  }

  /** Starts a CPU profile of its main thread, or stops the one under way and writes it to `file`. */
  async profile(file: string): Promise<void> {
    await this.ask({ type: 'profile', id: ++this.nextId, file });
  }

  /** An error naming `problem`, with the worker's last output. */
  failure(problem: string): Error {
    return new Error(`worker ${problem}\n--- worker output ---\n${this.tail.join('\n')}`);
  }

  /** Stops it as an operator would (SIGTERM: drain, hand the leases back); kills it after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private ask(request: ProbeRequest): Promise<unknown> {
    if (this.exitCode !== undefined) return Promise.reject(this.failure('is not running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(request.id);
        reject(this.failure('probe did not answer within 30 s'));
      }, 30_000);
      this.pending.set(request.id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.child.send(request);
    });
  }

  private onLine(line: string): void {
    this.keep(line);
    let entry: { msg?: string; accountId?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (entry.msg === 'worker started') this.started = true;
    else if (entry.msg === 'session connected' && entry.accountId) this.connected.add(entry.accountId);
    else if (entry.msg === 'session did not connect' || entry.msg === 'notification not handled') this.failedConnects++;
  }

  private keep(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }
}

/** utime + stime of a /proc stat file, in ms. */
function ticksToMs(file: string): number {
  const stat = readFileSync(file, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
