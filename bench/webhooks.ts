/**
 * Webhooks, in two phases for one hook of one user, delivered by the worker to a local receiver
 * on 127.0.0.1, the events emitted into the event log in small transactions (BENCH_BATCH) from up
 * to 8 connections at once, as features emit them:
 * - capacity: 10,000 events (BENCH_EVENTS) at 2,000/s (BENCH_RATE), above the 1,000/s target so
 *   the emitter is not what holds the figure: deliveries/s from the first emit to the last receipt;
 * - latency: a fifth as many at 500/s (BENCH_LATENCY_RATE), a rate the dispatcher keeps up with:
 *   p50/p99 from emit to receipt. Under the capacity phase's overload latency only measures the queue.
 * Targets: >= 1,000 deliveries/s (issue 14), p99 <= 2 s. An event not received within two minutes
 * of the last emit fails the bench. AUTOHUB_WEBHOOK_INLINE_FIRST_ATTEMPT=false measures a workflow
 * per delivery from its first attempt.
 */
import { emitEvents } from '../src/db/repos/events.repo';
import { newUser } from '../test/support/http';
import { getStack } from '../test/support/stack';
import { WebhookReceiver } from '../test/support/webhook-receiver';
import { runBench } from './support/run-bench';
import { figure, percentile } from './support/stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 2_000);
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 500);
/** Events per emitting transaction. */
const BATCH = Number(process.env.BENCH_BATCH ?? 50);
/** Emitting transactions in flight at most. */
const EMITTERS = 8;
const DRAIN_MS = 120_000;

/** What one phase measured: when each event was emitted and received, by its sequence number. */
interface Phase {
  started: number;
  emitSeconds: number;
  emittedAt: number[];
  receivedAt: Map<number, number>;
}

async function main(): Promise<void> {
  if (!(EVENTS > 0 && RATE > 0 && LATENCY_RATE > 0 && BATCH > 0)) {
    throw new Error('BENCH_EVENTS, BENCH_RATE, BENCH_LATENCY_RATE and BENCH_BATCH must be above 0');
  }
  const stack = await getStack();
  const receiver = new WebhookReceiver();
  let receiving = new Map<number, number>();
  receiver.answer = (r) => {
    const seq = (JSON.parse(r.body) as { data: { seq: number } }).data.seq;
    if (!receiving.has(seq)) receiving.set(seq, r.at);
    return { status: 200 };
  };
  await receiver.start();
  const { api, id: userId } = await newUser('webhook-bench');
  const hook = await api.post('/api/webhooks', { name: 'bench', url: `${receiver.url}/bench`, events: ['custom'] });
  if (hook.status !== 201) throw new Error(`hook refused: ${JSON.stringify(hook.body)}`);
  const firstAttempt = stack.config.webhooks.inlineFirstAttempt ? 'by the dispatcher' : 'in a workflow per delivery';

  /** Emits `count` events at `rate` per second and waits until each was received (or the drain time ends). */
  const phase = async (count: number, rate: number): Promise<Phase> => {
    const receivedAt = (receiving = new Map());
    const emittedAt = new Array<number>(count);
    const started = Date.now();
    // Each batch goes out at its time whether or not the ones before it have committed.
    const inFlight = new Set<Promise<void>>();
    for (let seq = 0; seq < count; seq += BATCH) {
      const due = started + (seq / rate) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      if (inFlight.size >= EMITTERS) await Promise.race(inFlight);
      const events = Array.from({ length: Math.min(BATCH, count - seq) }, (_, i) => ({ type: 'custom', userId, data: { seq: seq + i } }));
      const at = Date.now();
      const emit = stack.db
        .transaction((trx) => emitEvents(trx, events))
        .then(() => {
          for (let i = 0; i < events.length; i++) emittedAt[seq + i] = at;
        })
        .finally(() => inFlight.delete(emit));
      inFlight.add(emit);
    }
    await Promise.all(inFlight);
    const emitSeconds = (Date.now() - started) / 1000;
    const deadline = Date.now() + DRAIN_MS;
    while (receivedAt.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    console.log(`${count} events at ${rate}/s, first attempt ${firstAttempt}: emitted in ${emitSeconds.toFixed(1)} s; ${receivedAt.size} received`);
    if (receivedAt.size < count) throw new Error(`${count - receivedAt.size} of ${count} events not delivered ${DRAIN_MS / 1000} s after the last emit`);
    return { started, emitSeconds, emittedAt, receivedAt };
  };

  const capacity = await phase(EVENTS, RATE);
  const latency = await phase(Math.max(BATCH, Math.round(EVENTS / 5)), LATENCY_RATE);
  await receiver.stop();

  const last = Math.max(...capacity.receivedAt.values());
  figure(`deliveries per second of ${EVENTS} events emitted at ${RATE}/s (target >= 1000)`, EVENTS / ((last - capacity.started) / 1000), 'deliveries/s');
  figure(`events emitted per second (the emitter keeping up with ${RATE}/s)`, EVENTS / capacity.emitSeconds, 'events/s');
  const latencies = [...latency.receivedAt].map(([seq, at]) => at - latency.emittedAt[seq]!);
  figure(`p50 emit to receipt at ${LATENCY_RATE}/s`, percentile(latencies, 50), 'ms');
  figure(`p99 emit to receipt at ${LATENCY_RATE}/s (target <= 2000 ms)`, percentile(latencies, 99), 'ms');
}

runBench(main);
