import { Connection } from '@temporalio/client';
import Long from 'long';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { client, eventually, type Client } from './http';
import { freePort, getStack } from './stack';

/** What a crash run left behind in the outbox. */
export interface CrashOutcome {
  runStatus: string;
  targets: number;
  delivered: number;
  lost: number;
  duplicated: number;
  sentBeforeKill: number;
}

/**
 * A separate AutoHub process (API + worker) on the test stack's PostgreSQL and Temporal, in its
 * own Temporal namespace so the in-process worker of the suite never picks up its tasks.
 */
export class AutoHubProcess {
  private child?: ChildProcess;
  private log = '';
  readonly api: Client;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly baseUrl: string,
    adminKey: string,
  ) {
    this.api = client(adminKey);
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      cwd: path.resolve(__dirname, '../..'),
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.log = (this.log + chunk.toString()).slice(-20_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    await eventually(
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`AutoHub process exited:\n${this.log}`);
        const ok = await fetch(`${this.baseUrl}/api/openapi.json`).then((r) => r.ok, () => false);
        return ok ? true : undefined;
      },
      60_000,
      'the AutoHub process to listen',
    );
  }

  /** Kills the process the hard way: no shutdown, no drain. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    await this.kill();
  }

  get output(): string {
    return this.log;
  }

  /** Calls the process's API as the suite's admin. */
  request(path: string, init: { method?: string; body?: unknown } = {}) {
    return fetch(this.baseUrl + path, {
      method: init.method ?? 'GET',
      headers: { 'X-API-Key': this.api.key, 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  }
}

/**
 * Runs a `targets`-target broadcast with a `gapSeconds` send gap on a sandbox account through a
 * separate AutoHub process, SIGKILLs that process once `killAfterSends` messages are out, starts
 * it again, waits for the run to finish, and counts what the outbox holds per target.
 */
export async function runCrashScenario(options: { targets: number; gapSeconds: number; killAfterSends: number }): Promise<CrashOutcome> {
  const stack = await getStack();
  const { hub, namespace, remove } = await isolatedAutoHub();
  try {
    await hub.start();
    const account = await hub.request('/api/v1/accounts', { method: 'POST', body: { platform: 'telegram', name: 'Crash test', sandbox: true } });
    const accountId: string = account.body.account.id;
    await hub.request(`/api/v1/accounts/${accountId}/limits`, { method: 'PUT', body: { min_gap_seconds: options.gapSeconds, jitter_seconds: 0 } });
    const chats = (await hub.request(`/api/v1/groups?account_id=${accountId}`)).body.groups as Array<{ key: string }>;
    const targets = chats.slice(0, options.targets).map((c) => c.key);
    if (targets.length < options.targets) throw new Error(`the sandbox world has only ${targets.length} chats`);
    const text = `crash test ${namespace}`;
    const created = await hub.request('/api/v1/broadcast', { method: 'POST', body: { account_id: accountId, target_keys: targets, message: text } });
    if (created.status !== 201) throw new Error(`broadcast refused: ${JSON.stringify(created.body)}`);

    const outbox = () => stack.db('sandbox_outbox').where({ account_id: accountId, text }).select<Array<{ chat_key: string }>>('chat_key');
    const sentBeforeKill = await eventually(
      async () => {
        const n = (await outbox()).length;
        return n >= options.killAfterSends ? n : undefined;
      },
      60_000,
      `${options.killAfterSends} sends before the kill`,
    );
    await hub.kill();
    await hub.start();

    const run = await eventually(
      async () => {
        const reply = await hub.request(`/api/v1/broadcast/${created.body.schedule_id}`);
        const last = reply.body.broadcast?.last_run;
        return last && last.status !== 'running' ? last : undefined;
      },
      120_000,
      'the run to finish after the restart',
    );
    const counts = new Map<string, number>();
    for (const item of await outbox()) counts.set(item.chat_key, (counts.get(item.chat_key) ?? 0) + 1);
    return {
      runStatus: run.status,
      targets: targets.length,
      delivered: counts.size,
      lost: targets.filter((t) => !counts.has(t)).length,
      duplicated: [...counts.values()].reduce((sum, n) => sum + (n - 1), 0),
      sentBeforeKill,
    };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- AutoHub process output ---\n${hub.output}`);
  } finally {
    await hub.stop();
    remove();
  }
}

/**
 * An AutoHub process (not started yet) on the test stack's Temporal, in a Temporal namespace of its
 * own, on the stack's database or on `databaseUrl`, with `extraEnv` on top of its settings;
 * `remove` deletes its home once it has stopped.
 */
export async function isolatedAutoHub(databaseUrl?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ hub: AutoHubProcess; namespace: string; remove: () => void }> {
  const stack = await getStack();
  const namespace = `crash-${randomBytes(4).toString('hex')}`;
  const connection = await Connection.connect({ address: stack.temporalAddress });
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
  await connection.close();

  const home = mkdtempSync(path.join(tmpdir(), 'autohub-crash-'));
  chmodSync(home, 0o755);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: databaseUrl ?? stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    PORT: String(port),
    HOST: '127.0.0.1',
    AUTOHUB_HOME: home,
    AUTOHUB_ADMIN_KEY: stack.adminKey,
    AUTOHUB_SECRET_KEY: randomBytes(32).toString('hex'),
    // The restarted process is the same worker (a restarted pod): it takes its shard leases back at once.
    WORKER_ID: `crash-worker-${namespace}`,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const hub = new AutoHubProcess(env, `http://127.0.0.1:${port}`, stack.adminKey);
  return { hub, namespace, remove: () => rmSync(home, { recursive: true, force: true }) };
}
