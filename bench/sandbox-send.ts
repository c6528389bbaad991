/**
 * The sandbox driver's own cost per send, against its floor in one run: a SandboxDriver session
 * (no worker, no workflow, no ledger) sends 2,000 messages one after another over the account's
 * chats, then the floor inserts 2,000 comparable outbox rows, one prepared autocommit statement
 * each, through the same pool: once waiting for the disk at commit, as a plain insert does, and once
 * committing asynchronously, as the sandbox's send does. Prints sends/s and ms per send of each
 * and the ratios. Target: ≥ 1,000 sandbox sends/s (≤ 1 ms per send).
 */
import { randomUUID } from 'node:crypto';
import { queryPrepared } from '../src/db/prepared';
import { PgSandboxStore } from '../src/db/repos/sandbox.repo';
import { SandboxDriver } from '../src/platforms/sandbox/sandbox-driver';
import { newSandboxAccount, newUser } from '../test/support/http';
import { getStack } from '../test/support/stack';
import { runBench } from './support/run-bench';
import { figure } from './support/stats';

const SENDS = Number(process.env.BENCH_SENDS ?? 2_000);
/** Sends before the measured loop, so neither loop pays for the pool's first connection or cold code. */
const WARM_UP = 200;

async function main(): Promise<void> {
  const stack = await getStack({ worker: false });
  const { api } = await newUser('sandbox-send');
  const accountId = await newSandboxAccount(api);
  const store = new PgSandboxStore(stack.db);
  const session = await new SandboxDriver(store).connect({ id: accountId, platform: 'telegram', phone: null });
  const targets = (await session.listChats()).map((c) => c.key);
  if (targets.length === 0) throw new Error('the sandbox account has no chats');
  const run = randomUUID();

  const send = (i: number) => session.sendMessage({ targetKey: targets[i % targets.length]!, text: `bench ${i}`, clientMessageId: `${run}-${i}` });
  for (let i = 0; i < WARM_UP; i++) await send(SENDS + i);
  const sandboxMs = await timed(async () => {
    for (let i = 0; i < SENDS; i++) {
      const sent = await send(i);
      if (sent.deduplicated) throw new Error(`send ${i} was taken for a repeat`);
    }
  });

  // The floors: the one row a send must leave, written by a plain autocommit insert, prepared
  // as the sandbox's statements are, so the floor pays for no planning either.
  const insert = (commit: 'sync' | 'async', i: number) =>
    queryPrepared(
      stack.db,
      `insert into sandbox_outbox (account_id, type, chat_key, text, client_message_id)
       select $1, 'message', $2::text, $3::text, $4::text ${commit === 'async' ? `from (select set_config('synchronous_commit', 'off', true)) as async_commit` : ''}
       returning id, at`,
      [accountId, targets[i % targets.length]!, `floor ${i}`, `floor-${commit}-${run}-${i}`],
    );
  const floorMs = { sync: 0, async: 0 };
  for (const commit of ['sync', 'async'] as const) {
    for (let i = 0; i < WARM_UP; i++) await insert(commit, SENDS + i);
    floorMs[commit] = await timed(async () => {
      for (let i = 0; i < SENDS; i++) await insert(commit, i);
    });
  }

  console.log(`sends: ${SENDS} in a sequential loop on one session over ${targets.length} chats (after ${WARM_UP} to warm up)`);
  figure('sandbox sends per second (target >= 1000)', SENDS / (sandboxMs / 1000), 'sends/s');
  figure('floor: autocommit outbox inserts per second', SENDS / (floorMs.sync / 1000), 'inserts/s');
  figure('floor: autocommit outbox inserts per second, asynchronous commit', SENDS / (floorMs.async / 1000), 'inserts/s');
  figure('ms per sandbox send (target <= 1 ms)', sandboxMs / SENDS, 'ms');
  figure('ms per floor insert', floorMs.sync / SENDS, 'ms');
  figure('ms per floor insert, asynchronous commit', floorMs.async / SENDS, 'ms');
  figure('ratio sandbox / floor', Math.round((floorMs.sync / sandboxMs) * 100) / 100);
  figure('ratio sandbox / floor with asynchronous commit', Math.round((floorMs.async / sandboxMs) * 100) / 100);
  await session.disconnect();
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

runBench(main);
