/**
 * Authenticated `GET /api/v1/accounts` against a bare Koa hello-world, same connections and
 * duration, in one run. Targets: ratio >= 0.5 and p99 <= 15 ms at 50 connections.
 */
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { client, newSandboxAccount, newUser } from '../test/support/http';
import { getStack, stopStack } from '../test/support/stack';
import { load } from './support/load';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);

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

  const options = { connections: CONNECTIONS, durationSeconds: DURATION_SECONDS };
  // A short warm-up of each, so JIT and connection pools are hot before measuring.
  await load(bareUrl, { ...options, durationSeconds: 2 });
  await load(`${stack.baseUrl}/api/v1/accounts`, { ...options, durationSeconds: 2, headers: { 'X-API-Key': user.key } });

  const koa = await load(bareUrl, options);
  const api = await load(`${stack.baseUrl}/api/v1/accounts`, { ...options, headers: { 'X-API-Key': user.key } });
  bareServer.close();

  console.log(`connections: ${CONNECTIONS}, duration: ${DURATION_SECONDS}s each`);
  console.log(`bare Koa hello-world req/s: ${koa.requestsPerSecond.toFixed(0)}`);
  console.log(`bare Koa hello-world p99 ms: ${koa.p99Ms}`);
  console.log(`GET /api/v1/accounts req/s: ${api.requestsPerSecond.toFixed(0)}`);
  console.log(`GET /api/v1/accounts p99 ms: ${api.p99Ms}`);
  console.log(`GET /api/v1/accounts errors / non-2xx: ${api.errors} / ${api.non2xx}`);
  console.log(`ratio (api / bare): ${(api.requestsPerSecond / koa.requestsPerSecond).toFixed(2)}`);
  await stopStack();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
