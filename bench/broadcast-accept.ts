/**
 * Accepting broadcasts: `POST /api/v1/broadcast` (now, 3 targets) under 10 and then 50 connections
 * for 10 s each, against this process's API role alone — the worker runs in a process of its
 * own, sending what is accepted — beside its floor: a bare Koa route that inserts one row in a
 * transaction through the API's own database pool. Prints req/s, p50/p99 of each and their
 * ratio, with the API process's CPU per accepted broadcast and how busy the machine's cores were
 * meanwhile. Targets at 10 connections: ≥ 500 req/s, p99 ≤ 50 ms, ratio ≥ 0.3.
 */
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { AutoHubStart } from '../test/support/autohub-start';
import { newSandboxAccount, newUser } from '../test/support/http';
import { getStack, stackProcessEnv, type Stack } from '../test/support/stack';
import { measureCpu } from './support/cpu';
import { load, type LoadResult } from './support/load';
import { runBench } from './support/run-bench';
import { figure } from './support/stats';

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = [10, 50];
const FLOOR_TABLE = 'bench_accept_floor';

async function main(): Promise<void> {
  const stack = await getStack({ worker: false });
  const worker = await startWorkerProcess(stack);
  try {
    const { api, key } = await newUser('accept');
    const accountId = await newSandboxAccount(api);
    const targets = (await api.get(`/api/v1/groups?account_id=${accountId}`)).body.groups.slice(0, 3).map((c: { key: string }) => c.key);
    const body = { account_id: accountId, target_keys: targets, message: 'accepted' };
    const check = await api.post('/api/v1/broadcast', body);
    if (check.status !== 201) throw new Error(`the broadcast was refused: ${JSON.stringify(check.body)}`);
    const floorUrl = await startFloorRoute(stack);
    const broadcastUrl = `${stack.baseUrl}/api/v1/broadcast`;
    const post = { method: 'POST' as const, body };

    // A short warm-up of each, so JIT and connection pools are hot before measuring.
    await load(floorUrl, { connections: 10, durationSeconds: 2, ...post });
    await load(broadcastUrl, { connections: 10, durationSeconds: 2, ...post, headers: { 'X-API-Key': key } });
    for (const connections of CONNECTIONS) {
      const options = { connections, durationSeconds: DURATION_SECONDS, ...post };
      const floor = checked('bare insert route', await load(floorUrl, options));
      const { result: accept, cpu } = await measureCpu(async () =>
        checked('POST /api/v1/broadcast', await load(broadcastUrl, { ...options, headers: { 'X-API-Key': key } })),
      );
      const targets = connections === 10 ? { rate: ' (target >= 500)', p99: ' (target <= 50)', ratio: ' (target >= 0.3)' } : { rate: '', p99: '', ratio: '' };
      console.log(`connections: ${connections}, ${DURATION_SECONDS} s each`);
      figure(`POST /api/v1/broadcast req/s at ${connections}${targets.rate}`, accept.requestsPerSecond, 'req/s');
      figure(`POST /api/v1/broadcast p50 at ${connections}`, accept.p50Ms, 'ms');
      figure(`POST /api/v1/broadcast p99 at ${connections}${targets.p99}`, accept.p99Ms, 'ms');
      figure(`API process CPU per accepted broadcast at ${connections}`, cpu.processMs / (accept.requestsPerSecond * DURATION_SECONDS), 'ms');
      figure(`machine CPU busy while accepting at ${connections} (API, worker, PostgreSQL, Temporal, load)`, Math.round(cpu.machineBusy * 100), '%');
      figure(`bare insert route req/s at ${connections}`, floor.requestsPerSecond, 'req/s');
      figure(`bare insert route p50 at ${connections}`, floor.p50Ms, 'ms');
      figure(`bare insert route p99 at ${connections}`, floor.p99Ms, 'ms');
      figure(`ratio accept / bare insert at ${connections}${targets.ratio}`, Math.round((accept.requestsPerSecond / floor.requestsPerSecond) * 100) / 100);
    }
  } finally {
    await worker.kill();
  }
}

/** `autohub worker` on the stack's database and Temporal, in its own process; ready once it serves its shard. */
async function startWorkerProcess(stack: Stack): Promise<AutoHubStart> {
  const worker = new AutoHubStart(stackProcessEnv(stack, { AUTOHUB_SANDBOX: 'true' }), '', '', ['src/cli.ts', 'worker']);
  await worker.start(120_000, async () => (await stack.db('session_shard_leases').where('expires_at', '>', stack.db.fn.now()).first()) !== undefined);
  return worker;
}

/** The floor: a bare Koa route that parses the JSON body and inserts it as one row in a transaction through the API's pool. */
async function startFloorRoute(stack: Stack): Promise<string> {
  await stack.db.schema.createTable(FLOOR_TABLE, (t) => {
    t.bigIncrements('id');
    t.jsonb('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(stack.db.fn.now());
  });
  const app = new Koa();
  app.use(async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    const [row] = await stack.db.transaction((trx) => trx(FLOOR_TABLE).insert({ body: JSON.stringify(body) }).returning<{ id: string }[]>('id'));
    ctx.status = 201;
    ctx.body = { success: true, id: row!.id };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** The run's result, or an error when any request failed: a figure of failed requests means nothing. */
function checked(name: string, result: LoadResult): LoadResult {
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} answers other than 2xx`);
  return result;
}

runBench(main);
