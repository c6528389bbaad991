import { stopStack } from '../../test/support/stack';

// Benchmarks measure AutoHub as production runs it: without the suite's check of every answer against its schema.
process.env.AUTOHUB_VALIDATE_RESPONSES ??= 'false';

/** How long a failed bench may spend stopping its stack (its worker drains) before it exits anyway. */
const STOP_AFTER_FAILURE_MS = 30_000;
/** The same for a terminated one: within the 10 s `npm run bench` leaves before SIGKILL. */
const STOP_AFTER_SIGTERM_MS = 8_000;

/** Stops the test stack, or gives up after `ms`. */
function stopWithin(ms: number): Promise<unknown> {
  return Promise.race([stopStack().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

/**
 * Runs a benchmark's `main` as the whole life of its process: stops the test stack either way,
 * then exits 0 when `main` resolved and 1 when it threw, so `npm run bench` (and anyone's shell)
 * sees a run that errored. A failed run — or one terminated by SIGTERM, as `npm run bench` does at
 * a bench's time limit — stops its stack too, within a bound, and exits through `process.exit`, so
 * it leaves neither its scratch database nor its Temporal dev server behind.
 */
export function runBench(main: () => Promise<void>): void {
  // `on`, not `once`: the signal comes twice (to the group, and relayed by tsx), and a second one
  // finding no listener would end the process before the stack is stopped.
  let terminated = false;
  process.on('SIGTERM', () => {
    if (terminated) return;
    terminated = true;
    console.error('terminated: stopping the stack');
    void stopWithin(STOP_AFTER_SIGTERM_MS).then(() => process.exit(143));
  });
  main().then(
    async () => {
      await stopStack();
      process.exit(0);
    },
    async (err: unknown) => {
      console.error(err);
      await stopWithin(STOP_AFTER_FAILURE_MS);
      process.exit(1);
    },
  );
}
