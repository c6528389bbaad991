/**
 * The crash scenario ten times: a 50-target run with a 100 ms gap, the AutoHub process SIGKILLed
 * mid-run and restarted. Prints lost and duplicated messages (target: 0 and 0).
 */
import { runCrashScenario } from '../test/support/crash-scenario';
import { stopStack } from '../test/support/stack';

const RUNS = Number(process.env.BENCH_CRASH_RUNS ?? 10);

async function main(): Promise<void> {
  let lost = 0;
  let duplicated = 0;
  let incomplete = 0;
  for (let i = 1; i <= RUNS; i++) {
    const outcome = await runCrashScenario({ targets: 50, gapSeconds: 0.1, killAfterSends: 5 + ((i * 7) % 35) });
    lost += outcome.lost;
    duplicated += outcome.duplicated;
    if (outcome.runStatus !== 'completed') incomplete++;
    console.log(
      `run ${i}: killed after ${outcome.sentBeforeKill} sends; status ${outcome.runStatus}; delivered ${outcome.delivered}/${outcome.targets}; lost ${outcome.lost}; duplicated ${outcome.duplicated}`,
    );
  }
  console.log(`crash runs: ${RUNS}`);
  console.log(`lost messages: ${lost}`);
  console.log(`duplicated messages: ${duplicated}`);
  console.log(`runs not completed: ${incomplete}`);
  await stopStack();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
