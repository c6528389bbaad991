/**
 * Authenticated `GET /api/v1/accounts` against a bare Koa hello-world, same connections and
 * duration, in one run. Targets (issue 14): authenticated GET ÷ bare Koa >= 0.7, with the GET's
 * p99 <= 15 ms, at 50 connections. A load run with any error or non-2xx answer fails the bench.
 * The GET runs twice: with the key under a rate limit it never reaches (each request counted in
 * PostgreSQL, as every key is in production), and with the key unlimited (no count at all).
 */
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { client, newSandboxAccount, newUser } from '../test/support/http';
import { getStack } from '../test/support/stack';
import { measureCpu } from './support/cpu';
import { load, type LoadResult } from './support/load';
import { runBench } from './support/run-bench';
import { figure } from './support/stats';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);

/** `load`, failing when any request errored, timed out or was answered other than 2xx. */
async function cleanLoad(what: string, url: string, options: Parameters<typeof load>[1]): Promise<LoadResult> {
  const result = await load(url, options);
  if (result.errors > 0 || result.non2xx > 0 || !(result.requestsPerSecond > 0)) {
    throw new Error(`${what}: ${result.errors} errors and ${result.non2xx} non-2xx answers at ${result.requestsPerSecond} req/s`);
  }
  return result;
}

async function main(): Promise<void> {
  const stack = await getStack();
  const user = await newUser('bench');
  await newSandboxAccount(user.api, 'telegram');
  await newSandboxAccount(user.api, 'whatsapp');
  const check = await client(user.key).get('/api/v1/accounts');
  if (check.status !== 200 || check.body.count !== 2) throw new Error(`unexpected answer: ${JSON.stringify(check.body)}`);

  const bare = new Koa();
  bare.use((ctx) => {
    ctx.body = { hello: 'world' };
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((r) => bareServer.once('listening', r));
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`;
  const apiUrl = `${stack.baseUrl}/api/v1/accounts`;
  const headers = { 'X-API-Key': user.key };
  const admin = client(stack.adminKey);
  const keyId = (await admin.get('/api/admin/users')).body.users.find((u: { id: string }) => u.id === user.id).keys[0].id as string;
  const limitKey = async (perMinute: number) => {
    const reply = await admin.patch(`/api/admin/keys/${keyId}`, { rate_limit_per_minute: perMinute });
    if (reply.status !== 200) throw new Error(`setting the key's limit: ${JSON.stringify(reply.body)}`);
  };

  const options = { connections: CONNECTIONS, durationSeconds: DURATION_SECONDS };
  // A short warm-up of each, so JIT and connection pools are hot before measuring.
  await cleanLoad('bare Koa warm-up', bareUrl, { ...options, durationSeconds: 2 });
  await cleanLoad('authenticated GET warm-up', apiUrl, { ...options, durationSeconds: 2, headers });

  const koa = await measureCpu(() => cleanLoad('bare Koa', bareUrl, options));
  await limitKey(10_000_000);
  const api = await measureCpu(() => cleanLoad('authenticated GET', apiUrl, { ...options, headers }));
  await limitKey(0);
  await cleanLoad('unlimited GET warm-up', apiUrl, { ...options, durationSeconds: 2, headers });
  const unlimited = await measureCpu(() => cleanLoad('authenticated GET, key unlimited', apiUrl, { ...options, headers }));
  // Server CPU per request: the load generator shares the cores, so req/s alone understates the gap.
  const cpuPerRequest = ({ result, cpu }: typeof koa) => (cpu.processMs * 1000) / (result.requestsPerSecond * DURATION_SECONDS);
  bareServer.close();

  const at = `at ${CONNECTIONS} connections`;
  console.log(`api throughput ${at}, ${DURATION_SECONDS} s each, no errors and only 2xx answers`);
  figure(`bare Koa hello-world req/s ${at}`, koa.result.requestsPerSecond, 'req/s');
  figure(`bare Koa hello-world p99 ${at}`, koa.result.p99Ms, 'ms');
  figure(`bare Koa hello-world server CPU per request ${at}`, cpuPerRequest(koa), 'µs');
  figure(`authenticated GET /api/v1/accounts req/s ${at}`, api.result.requestsPerSecond, 'req/s');
  figure(`authenticated GET /api/v1/accounts p99 ${at} (target <= 15 ms)`, api.result.p99Ms, 'ms');
  figure(`authenticated GET /api/v1/accounts server CPU per request ${at}`, cpuPerRequest(api), 'µs');
  figure(`ratio authenticated GET / bare Koa ${at} (target >= 0.7)`, api.result.requestsPerSecond / koa.result.requestsPerSecond);
  figure(`authenticated GET, key unlimited (no rate-limit count) req/s ${at}`, unlimited.result.requestsPerSecond, 'req/s');
  figure(`authenticated GET, key unlimited p99 ${at}`, unlimited.result.p99Ms, 'ms');
  figure(`authenticated GET, key unlimited server CPU per request ${at}`, cpuPerRequest(unlimited), 'µs');
  figure(`ratio authenticated GET, key unlimited / bare Koa ${at}`, unlimited.result.requestsPerSecond / koa.result.requestsPerSecond);
}

runBench(main);
