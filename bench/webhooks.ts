/**
 * Webhook throughput: 10,000 events emitted into the event log (BENCH_RATE per second, in small
 * transactions as the features emit them) for one hook of one user, delivered by the worker to a
 * local receiver on 127.0.0.1. Prints deliveries/s (received over the time from the first emit to
 * the last receipt) and p50/p99 from emit to receipt. Targets: >= 500 deliveries/s, p99 <= 2 s.
 * AUTOHUB_WEBHOOK_INLINE_FIRST_ATTEMPT=false measures a workflow per delivery from its first attempt.
 */
import { emitEvents } from '../src/db/repos/events.repo';
import { newUser } from '../test/support/http';
import { getStack, stopStack } from '../test/support/stack';
import { WebhookReceiver } from '../test/support/webhook-receiver';
import { figure, percentile } from './support/stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
/** Events per emitting transaction. */
const BATCH = Number(process.env.BENCH_BATCH ?? 50);
const DRAIN_MS = 120_000;

async function main(): Promise<void> {
  const stack = await getStack();
  const receiver = new WebhookReceiver();
  const receivedAt = new Map<number, number>();
  receiver.answer = (r) => {
    const seq = (JSON.parse(r.body) as { data: { seq: number } }).data.seq;
    if (!receivedAt.has(seq)) receivedAt.set(seq, r.at);
    return { status: 200 };
  };
  await receiver.start();
  const { api, id: userId } = await newUser('webhook-bench');
  const hook = await api.post('/api/webhooks', { name: 'bench', url: `${receiver.url}/bench`, events: ['custom'] });
  if (hook.status !== 201) throw new Error(`hook refused: ${JSON.stringify(hook.body)}`);
  console.log(
    `webhooks: ${EVENTS} events at ${RATE}/s to one hook on 127.0.0.1, first attempt ${stack.config.webhooks.inlineFirstAttempt ? 'by the dispatcher' : 'in a workflow per delivery'}`,
  );

  const emittedAt = new Array<number>(EVENTS);
  const started = Date.now();
  for (let seq = 0; seq < EVENTS; seq += BATCH) {
    const due = started + (seq / RATE) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const events = Array.from({ length: Math.min(BATCH, EVENTS - seq) }, (_, i) => ({ type: 'custom', userId, data: { seq: seq + i } }));
    const at = Date.now();
    await stack.db.transaction((trx) => emitEvents(trx, events));
    for (let i = 0; i < events.length; i++) emittedAt[seq + i] = at;
  }
  const emitSeconds = (Date.now() - started) / 1000;
  const deadline = Date.now() + DRAIN_MS;
  while (receivedAt.size < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

  const latencies = [...receivedAt].map(([seq, at]) => at - emittedAt[seq]!);
  const last = Math.max(...receivedAt.values());
  console.log(`emitted in ${emitSeconds.toFixed(1)} s; ${receivedAt.size} of ${EVENTS} received`);
  figure('deliveries/s', receivedAt.size / ((last - started) / 1000), 'per s');
  figure('p50 emit to receipt', percentile(latencies, 50), 'ms');
  figure('p99 emit to receipt', percentile(latencies, 99), 'ms');
  console.log('targets: >= 500 deliveries/s; p99 <= 2000 ms');
  await receiver.stop();
  await stopStack();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
