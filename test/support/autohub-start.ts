import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from './http';

/** One line the process wrote, with where it went. */
export interface OutputLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** A process as /proc shows it. */
export interface ProcessInfo {
  pid: number;
  pgid: number;
  cmdline: string;
}

/**
 * An AutoHub command as a separate process in its own process group, as a terminal runs a
 * foreground job, so a test can press Ctrl-C on it or kill it: by default `autohub start`
 * (embedded PostgreSQL and Temporal included), ready once its API answers.
 */
export class AutoHubStart {
  private child?: ChildProcess;
  private exit?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly lines: OutputLine[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly baseUrl: string,
    private readonly adminKey: string,
    /** The script and arguments node runs (through tsx). */
    private readonly command: string[] = ['src/cli.ts', 'start'],
  ) {}

  /** Starts it and resolves once `ready` says so (by default: once its API answers). */
  async start(timeoutMs = 120_000, ready: () => Promise<boolean> = () => this.listening()): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', ...this.command], {
      cwd: path.resolve(__dirname, '../..'),
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]!, crlfDelay: Infinity }).on('line', (text) => this.lines.push({ stream, text }));
    }
    await eventually(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.command.join(' ')} exited:\n${this.output}`);
        return (await ready()) ? true : undefined;
      },
      timeoutMs,
      `${this.command.join(' ')} to be ready`,
    );
  }

  private listening(): Promise<boolean> {
    return fetch(`${this.baseUrl}/api/openapi.json`).then((r) => r.ok, () => false);
  }

  /** Its JSON log lines (the output is JSON when not on a terminal), parsed. */
  get logs(): Array<Record<string, any>> {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line.text) as Record<string, any>];
      } catch {
        return [];
      }
    });
  }

  /** Its process id, which is also its process group's. */
  get pid(): number {
    if (this.child?.pid === undefined) throw new Error('not started');
    return this.child.pid;
  }

  /** Sends `signal` to its whole process group, as a terminal's Ctrl-C does. */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.pid, signal);
  }

  /** Resolves when it has exited; rejects after `timeoutMs`. */
  async exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exit) throw new Error('not started');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`autohub start did not exit within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills its process group the hard way, if it still runs. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.exit;
  }

  /** The output so far, for failure messages. */
  get output(): string {
    return this.lines.map((l) => `${l.stream === 'stderr' ? '! ' : ''}${l.text}`).join('\n');
  }

  /** Calls its API as the admin. */
  async request(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(this.baseUrl + urlPath, {
      method,
      headers: { 'X-API-Key': this.adminKey, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
}

/** Running processes whose command line mentions `text` (Linux /proc). */
export function processesMentioning(text: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const stat = processStat(pid);
      if (cmdline.includes(text) && stat && stat.state !== 'Z') found.push({ pid, pgid: stat.pgid, cmdline });
    } catch {
      // ended while we looked
    }
  }
  return found;
}

/** The process group of `pid`, while it runs. */
export function processGroupOf(pid: number): number | undefined {
  const stat = processStat(pid);
  return stat && stat.state !== 'Z' ? stat.pgid : undefined;
}

/** Whether `pid` is a live process (a zombie is not). */
export function isRunning(pid: number): boolean {
  const stat = processStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

function processStat(pid: number): { state: string; pgid: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, pgid: Number(fields[2]) };
}
