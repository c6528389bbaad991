import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { loadConfig } from '../../src/config';
import { insertAccount } from '../../src/db/repos/accounts.repo';
import { PgAuthStateStore } from '../../src/db/repos/whatsapp-auth.repo';
import { SecretBox } from '../../src/db/secret-box';
import { shardOf } from '../../src/domain/sharding';
import { createLogger } from '../../src/logger';
import { loadBaileys } from '../../src/platforms/whatsapp/baileys';
import { bootstrapAdmin } from '../../src/runtime/bootstrap';
import { runStops, startRoles, type RunningRoles } from '../../src/runtime/roles';
import { AutoHubStart } from '../support/autohub-start';
import { client, eventually, type Client } from '../support/http';
import { getStack } from '../support/stack';
import { storedSession } from '../unit/platforms/telegram/session-harness';
import { pairedCredsJson } from '../unit/platforms/whatsapp/stub-socket';
import { scratchDatabase, type ScratchDatabase } from './login-stack';

const ADMIN_KEY = 'ahk_failover_admin_key_for_tests';
const SESSION_SHARDS = 2;

/**
 * Two `autohub worker` processes (their Telegram and WhatsApp drivers on stub platforms) against
 * one database and namespace, with the API in this process: the first serves every shard, the
 * second stands by until the first dies.
 */
describe('two workers against one database', () => {
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'error');
  const secretKey = randomBytes(32).toString('hex');
  let scratch: ScratchDatabase;
  let api: RunningRoles;
  let admin: Client;
  let home: string;
  const workers: AutoHubStart[] = [];
  let env: NodeJS.ProcessEnv;

  before(async function () {
    this.timeout(120_000);
    const main = await getStack();
    scratch = await scratchDatabase('autohub_failover');
    const namespace = `failover-${randomBytes(4).toString('hex')}`;
    const connection = await Connection.connect({ address: main.temporalAddress });
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await connection.close();
    home = mkdtempSync(path.join(tmpdir(), 'autohub-failover-'));
    chmodSync(home, 0o755);
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: scratch.url,
      TEMPORAL_ADDRESS: main.temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      AUTOHUB_HOME: home,
      AUTOHUB_SECRET_KEY: secretKey,
      AUTOHUB_SANDBOX: 'true',
      SESSION_SHARDS: String(SESSION_SHARDS),
      TELEGRAM_API_ID: '12345',
      TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
      LOG_LEVEL: 'info',
    };
    const config = loadConfig({ ...env, DATABASE_URL: undefined, AUTOHUB_ADMIN_KEY: ADMIN_KEY, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' });
    await bootstrapAdmin(scratch.db, config);
    api = await startRoles({ config, databaseUrl: scratch.url, temporalAddress: main.temporalAddress, logger, api: true, worker: false });
    admin = client(ADMIN_KEY, api.apiUrl!);
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(workers.map((w) => w.kill()));
    if (api) await runStops(api.stops, logger);
    await scratch?.drop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const startWorker = async (id: string) => {
    const worker = new AutoHubStart({ ...env, WORKER_ID: id }, '', ADMIN_KEY, ['test/support/worker-process.ts']);
    workers.push(worker);
    await worker.start(60_000, async () => worker.logs.some((l) => l.msg === 'worker started'));
    return worker;
  };
  /** The accounts whose session each log line says was opened, in order. */
  const sessionsOpened = (worker: AutoHubStart) => worker.logs.filter((l) => l.msg === 'session connected').map((l) => l.accountId as string);
  const servedShards = (worker: AutoHubStart) => worker.logs.filter((l) => l.msg === 'serving session shard').map((l) => l.shard as number);

  it('opens each session in one worker only, and the other takes over when it dies mid-broadcast', async function () {
    this.timeout(180_000);
    const user = await admin.post('/api/admin/users', { name: 'failover', role: 'user' });
    assert.equal(user.status, 201);
    const own = client(user.body.api_key, api.apiUrl!);
    const userId: string = user.body.user.id;

    // Sandbox accounts, and real accounts whose platforms are stubs: a Telegram session, a paired WhatsApp login.
    const sandboxes: string[] = [];
    for (const platform of ['telegram', 'whatsapp']) {
      const reply = await own.post('/api/v1/accounts', { platform, name: `failover ${platform}`, sandbox: true });
      assert.equal(reply.status, 201);
      sandboxes.push(reply.body.account.id);
    }
    const secrets = new SecretBox(secretKey);
    const telegram = await insertAccount(scratch.db, { userId, platform: 'telegram', name: 'stub telegram', phone: '+15550001111', sandbox: false, status: 'connected' });
    await scratch.db('accounts').where({ id: telegram.id }).update({ session_secret: secrets.seal(await storedSession()) });
    const whatsapp = await insertAccount(scratch.db, { userId, platform: 'whatsapp', name: 'stub whatsapp', phone: '+4915100000001', sandbox: false, status: 'connected' });
    await new PgAuthStateStore(scratch.db, secrets, whatsapp.id).saveCreds(pairedCredsJson(await loadBaileys()));
    const accounts = [...sandboxes, telegram.id, whatsapp.id];

    const first = await startWorker('worker-a');
    const second = await startWorker('worker-b');
    assert.deepEqual([...servedShards(first)].sort(), [0, 1]);
    assert.deepEqual(servedShards(second), [], 'the second worker serves a shard the first holds');
    await eventually(async () => (accounts.every((id) => sessionsOpened(first).includes(id)) ? true : undefined), 30_000, 'every session to open in the first worker');
    assert.deepEqual(sessionsOpened(second), [], 'a session opened in the standing-by worker too');

    // A paced broadcast from the Telegram sandbox account, the first worker killed mid-run.
    const accountId = sandboxes[0]!;
    await own.put(`/api/v1/accounts/${accountId}/limits`, { min_gap_seconds: 0.3, jitter_seconds: 0 });
    const chats = (await own.get(`/api/v1/groups?account_id=${accountId}`)).body.groups as Array<{ key: string }>;
    const targets = chats.slice(0, 20).map((c) => c.key);
    assert.equal(targets.length, 20);
    const created = await own.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'failover' });
    assert.equal(created.status, 201);
    const outbox = async () =>
      (await own.get(`/api/v1/accounts/${accountId}/sandbox/outbox?limit=1000`)).body.items.filter((i: any) => i.text === 'failover');
    const beforeKill = await eventually(async () => {
      const n = (await outbox()).length;
      return n >= 4 ? n : undefined;
    }, 30_000, 'the first sends');
    await first.kill();
    const openedBeforeKill = sessionsOpened(second).length;
    assert.equal(openedBeforeKill, 0);

    const run = await eventually(async () => {
      const last = (await own.get(`/api/v1/broadcast/${created.body.schedule_id}`)).body.broadcast?.last_run;
      return last && last.status !== 'running' ? last : undefined;
    }, 90_000, 'the run to finish on the second worker');
    assert.ok(beforeKill < targets.length, 'the run had finished before the first worker was killed');
    assert.equal(run.status, 'completed');
    const counts = new Map<string, number>();
    for (const item of await outbox()) counts.set(item.chat_key, (counts.get(item.chat_key) ?? 0) + 1);
    assert.deepEqual(targets.filter((t) => counts.get(t) !== 1), [], 'a target got no message or more than one');

    assert.deepEqual([...servedShards(second)].sort(), [0, 1]);
    await eventually(async () => (accounts.every((id) => sessionsOpened(second).includes(id)) ? true : undefined), 30_000, 'every session to open in the second worker');
    for (const id of accounts) {
      assert.equal(sessionsOpened(second).filter((a) => a === id).length, 1, `account ${id} (shard ${shardOf(id, SESSION_SHARDS)}) opened twice`);
    }
    const statuses = (await own.get('/api/v1/accounts')).body.accounts.map((a: any) => [a.id, a.status]);
    assert.deepEqual(statuses.filter(([, status]: [string, string]) => status !== 'connected'), [], 'an account lost its connected status');
  });
});
