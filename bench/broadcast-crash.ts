/**
 * The crash scenario ten times (BENCH_CRASH_RUNS): a 50-target run with a 100 ms gap, the AutoHub
 * process SIGKILLed mid-run and restarted. Prints lost and duplicated messages and runs that did
 * not complete over all runs (target: 0, 0 and 0). A run that cannot be set up or observed fails
 * the bench.
 */
import { runCrashScenario } from '../test/support/crash-scenario';
import { runBench } from './support/run-bench';
import { figure } from './support/stats';

const RUNS = Number(process.env.BENCH_CRASH_RUNS ?? 10);

async function main(): Promise<void> {
  if (!(RUNS > 0)) throw new Error('BENCH_CRASH_RUNS must be above 0');
  let lost = 0;
  let duplicated = 0;
  let incomplete = 0;
  for (let i = 1; i <= RUNS; i++) {
    const outcome = await runCrashScenario({ targets: 50, gapSeconds: 0.1, killAfterSends: 5 + ((i * 7) % 35) });
    lost += outcome.lost;
    duplicated += outcome.duplicated;
    if (outcome.runStatus !== 'completed') incomplete++;
    console.log(
      `run ${i} killed after ${outcome.sentBeforeKill} sends, status ${outcome.runStatus}, delivered ${outcome.delivered} of ${outcome.targets}, lost ${outcome.lost}, duplicated ${outcome.duplicated}`,
    );
  }
  figure('crash runs', RUNS);
  figure(`lost messages over ${RUNS} crash runs (target 0)`, lost);
  figure(`duplicated messages over ${RUNS} crash runs (target 0)`, duplicated);
  figure(`crash runs not completed of ${RUNS} (target 0)`, incomplete);
}

runBench(main);
