import { stopStack } from '../../test/support/stack';

/** How long a failed or terminated bench may spend stopping its stack before it exits anyway. */
const STOP_BOUND_MS = 8_000;

/** Stops the test stack, or gives up after `STOP_BOUND_MS`. */
function stopWithinBound(): Promise<unknown> {
  return Promise.race([stopStack().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, STOP_BOUND_MS).unref())]);
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
    void stopWithinBound().then(() => process.exit(143));
  });
  main().then(
    async () => {
      await stopStack();
      process.exit(0);
    },
    async (err: unknown) => {
      console.error(err);
      await stopWithinBound();
      process.exit(1);
    },
  );
}
