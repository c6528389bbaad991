/**
 * Analytics at 1,000,000 deliveries: their message.sent / message.failed events (90 % sent) and
 * one broadcast.run.started/finished pair per 100 of them, recorded through emitEvents in large
 * batches (so the rollups are exactly what production maintains) over 30 days, 20 accounts and
 * 25 chats each, and the delivery ledger's rows for them (send runs and deliveries, which
 * analytics must not read); then p50/p99 over HTTP of summary, groups, peak-hours and dashboard
 * (target p99 <= 100 ms each), as the owning user and as an admin (everyone's numbers). A load
 * that does not add up, or an answer other than 200, fails the bench.
 */
import { emitEvents, type NewEvent } from '../src/db/repos/events.repo';
import { client, newSandboxAccount, newUser, type Client } from '../test/support/http';
import { getStack } from '../test/support/stack';
import { runBench } from './support/run-bench';
import { figure, percentile } from './support/stats';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 1_000_000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20);
const CHATS_PER_ACCOUNT = 25;
const DAYS = 30;
const BATCH = 10_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const TARGET_P99_MS = 100;

/** A cheap deterministic pseudo-random sequence, so every run loads the same world. */
function* lcg(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    yield x / 2_147_483_648;
  }
}

async function chatKeys(api: Client, accountId: string): Promise<string[]> {
  const reply = await api.get(`/api/v1/groups?account_id=${accountId}`);
  const keys: string[] = reply.body.groups.map((g: { key: string }) => g.key).slice(0, CHATS_PER_ACCOUNT);
  for (let i = keys.length; i < CHATS_PER_ACCOUNT; i++) keys.push(`@bench_chat_${accountId.slice(0, 8)}_${i}`);
  return keys;
}

/**
 * The ledger rows of the message events after id `?`: a completed send run per run id and
 * account, one sent or failed delivery per event (its target made unique within the run).
 */
const LEDGER_OF_NEW_EVENTS = `
with runs as (
  insert into send_runs (user_id, account_id, origin, business_key, status, finished_at)
  select user_id, account_id, 'broadcast', 'bench:' || (data->>'send_run_id'), 'completed', max(created_at)
  from events where id > ? and type in ('message.sent', 'message.failed') group by 1, 2, 3, 4
  returning id, account_id, business_key
)
insert into deliveries (run_id, position, target_key, status, text, platform_message_id, error, sent_at)
select r.id, row_number() over (partition by r.id order by e.id), e.chat_key || '#' || (e.data->>'delivery_id'),
       case when e.type = 'message.sent' then 'sent' else 'failed' end, 'bench', e.data->>'platform_message_id', e.data->>'error',
       case when e.type = 'message.sent' then e.created_at end
from events e join runs r on r.account_id = e.account_id and r.business_key = 'bench:' || (e.data->>'send_run_id')
where e.id > ? and e.type in ('message.sent', 'message.failed')`;

async function load(accounts: Array<{ id: string; chats: string[] }>): Promise<void> {
  const { db } = await getStack();
  const random = lcg(42);
  const now = Date.now();
  // Within the last DAYS - 1 days, so every event is in the 30-day windows however long the load takes.
  const span = (DAYS - 1) * 86_400_000;
  const started = performance.now();
  for (let done = 0; done < DELIVERIES; done += BATCH) {
    const events: NewEvent[] = [];
    for (let i = done; i < Math.min(done + BATCH, DELIVERIES); i++) {
      const account = accounts[Math.floor(random.next().value! * accounts.length)]!;
      const chatKey = account.chats[Math.floor(random.next().value! * account.chats.length)]!;
      const at = new Date(now - Math.floor(random.next().value! * span));
      const sent = random.next().value! < 0.9;
      const runId = `run-${Math.floor(i / 100)}`;
      events.push({
        accountId: account.id,
        type: sent ? 'message.sent' : 'message.failed',
        chatKey,
        at,
        data: { send_run_id: runId, delivery_id: i, origin: 'broadcast', target_key: chatKey, ...(sent ? { platform_message_id: i } : { error: 'FORBIDDEN' }) },
      });
      if (i % 100 === 0) {
        events.push({ accountId: account.id, type: 'broadcast.run.started', at, data: { send_run_id: runId } });
        events.push({ accountId: account.id, type: 'broadcast.run.finished', at, data: { send_run_id: runId } });
      }
    }
    await db.transaction(async (trx) => {
      const [{ last }] = (await trx.raw('select coalesce(max(id), 0) as last from events')).rows;
      await emitEvents(trx, events);
      await trx.raw(LEDGER_OF_NEW_EVENTS, [last, last]);
    });
    if ((done / BATCH) % 10 === 9) console.log(`  ${done + BATCH} deliveries loaded after ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  figure(`load of ${DELIVERIES} deliveries (ledger rows and events through emitEvents)`, (performance.now() - started) / 1000, 's');
  const { rows } = await db.raw<{ rows: Array<{ count: number }> }>('select count(*)::int as count from deliveries');
  const count = rows[0]!.count;
  if (count < DELIVERIES) throw new Error(`the ledger holds ${count} deliveries, not ${DELIVERIES}`);
  await db.raw('analyze');
}

async function measure(api: Client, who: string, path: string): Promise<void> {
  const warm = await api.get(path);
  if (warm.status !== 200) throw new Error(`${path} answered ${warm.status}: ${JSON.stringify(warm.body).slice(0, 300)}`);
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    const reply = await api.get(path);
    latencies.push(performance.now() - start);
    if (reply.status !== 200) throw new Error(`${path} answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`);
  }
  figure(`${who} ${path} p50`, percentile(latencies, 50), 'ms');
  figure(`${who} ${path} p99 (target <= ${TARGET_P99_MS} ms)`, percentile(latencies, 99), 'ms');
}

async function main(): Promise<void> {
  if (!(DELIVERIES > 0 && REQUESTS > 0)) throw new Error('BENCH_DELIVERIES and BENCH_REQUESTS must be above 0');
  const stack = await getStack();
  const { api } = await newUser('analytics-bench');
  const accounts: Array<{ id: string; chats: string[] }> = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const id = await newSandboxAccount(api);
    accounts.push({ id, chats: await chatKeys(api, id) });
  }
  console.log(`analytics over ${DELIVERIES} deliveries in ${DAYS} days, ${ACCOUNTS} accounts × ${CHATS_PER_ACCOUNT} chats, ${REQUESTS} requests each`);
  await load(accounts);

  const summary = await api.get(`/api/analytics/summary?hours=${DAYS * 24}`);
  if (summary.status !== 200) throw new Error(`the summary answered ${summary.status}: ${JSON.stringify(summary.body).slice(0, 300)}`);
  const sent = summary.body.sent as number;
  const failed = summary.body.failed as number;
  console.log(`the summary counts ${sent} sent + ${failed} failed = ${sent + failed} of ${DELIVERIES}`);
  if (sent + failed !== DELIVERIES) throw new Error('the rollups do not add up to the deliveries loaded');

  const admin = client(stack.adminKey);
  for (const [who, as] of [
    ['user', api],
    ['admin', admin],
  ] as const) {
    for (const path of ['/api/analytics/summary', '/api/analytics/groups', '/api/analytics/peak-hours', '/api/analytics/dashboard']) {
      await measure(as, who, path);
    }
  }
}

runBench(main);
