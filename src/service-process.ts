import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';

/** How to run one server process that AutoHub starts for itself. */
export interface ServiceProcessOptions {
  /** Names it in logs and errors, e.g. "embedded PostgreSQL". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Run as this user and group (a root parent runs PostgreSQL as `postgres`). */
  uid?: number;
  gid?: number;
  /** Asks the server for an orderly stop. */
  stopSignal: NodeJS.Signals;
  /** How long an orderly stop may take before the whole process group is killed. */
  stopTimeoutMs: number;
  /** Sent when this process exits without having stopped the server: it must end at once. */
  exitSignal: NodeJS.Signals;
  /** Gets each line the server writes (at debug) and its unexpected exit (at error). */
  logger?: Logger;
}

/** How a service process ended. */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES …). */
  error?: Error;
}

const TAIL_LINES = 40;

/**
 * A server process in its own process group, so that a terminal's Ctrl-C (SIGINT to the whole
 * foreground group) does not reach it: it stops when its owner says so, after the roles that
 * use it. It never outlives its owner: an exit without {@link ServiceProcess.stop} (a crash, a
 * forced exit) sends it `exitSignal` from a synchronous `exit` handler.
 */
export class ServiceProcess {
  readonly exited: Promise<ServiceExit>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private exit?: ServiceExit;
  private stopping = false;

  constructor(private readonly options: ServiceProcessOptions) {
    this.child = spawn(options.command, options.args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
    });
    const onOwnerExit = () => this.signal(options.exitSignal);
    process.on('exit', onOwnerExit);
    this.exited = new Promise<ServiceExit>((resolve) => {
      const ended = (exit: ServiceExit) => {
        if (this.exit) return;
        this.exit = exit;
        process.off('exit', onOwnerExit);
        if (!this.stopping && !exit.error) {
          options.logger?.error({ code: exit.code, signal: exit.signal, output: this.output }, `${options.name} exited unexpectedly`);
        }
        resolve(exit);
      };
      // 'close' rather than 'exit': its last lines (the reason it stopped) have been read by then.
      this.child.once('error', (error) => ended({ code: null, signal: null, error }));
      this.child.once('close', (code, signal) => ended({ code, signal }));
    });
    // Read everything it writes, always: a full pipe would block the server.
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    }
  }

  /** The process id, which is also its process group id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether it has ended (or never started). */
  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** Its last lines of output, for error messages. */
  get output(): string {
    return this.tail.join('\n');
  }

  /**
   * Resolves on the first line `matches` accepts; rejects if the process ends first or after
   * `timeoutMs`, with its last output in the message.
   */
  waitForLine(matches: (line: string) => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.lineListeners.delete(listener);
        if (err) reject(err);
        else resolve();
      };
      const listener = (line: string) => matches(line) && done();
      const timer = setTimeout(() => done(this.failure(`did not report ${what} within ${timeoutMs / 1000} s`)), timeoutMs);
      this.lineListeners.add(listener);
      void this.exited.then((exit) => done(this.failure(`exited before ${what}`, exit)));
    });
  }

  /** An error about this service that carries its last output. */
  failure(problem: string, exit = this.exit): Error {
    const how = exit?.error ? `: ${exit.error.message}` : exit ? ` (code ${exit.code}, signal ${exit.signal})` : '';
    const output = this.output ? `\n--- ${this.options.name} output ---\n${this.output}` : '';
    return new Error(`${this.options.name} ${problem}${how}${output}`, { cause: exit?.error });
  }

  /**
   * Asks for an orderly stop and waits until the process has ended; kills its process group
   * when the stop takes longer than `stopTimeoutMs`.
   */
  async stop(): Promise<void> {
    if (this.exit) return;
    this.stopping = true;
    this.signal(this.options.stopSignal);
    const kill = setTimeout(() => this.signal('SIGKILL'), this.options.stopTimeoutMs);
    await this.exited;
    clearTimeout(kill);
  }

  private onLine(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.options.logger?.debug(line);
    for (const listener of this.lineListeners) listener(line);
  }

  /** SIGKILL goes to the whole group, so no helper process is left behind; others to the server. */
  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exit) return;
    try {
      process.kill(signal === 'SIGKILL' ? -pid : pid, signal);
    } catch {
      // already gone
    }
  }
}
