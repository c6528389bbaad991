import Mocha from 'mocha';

/**
 * Mocha's spec reporter plus one closing line, `N passed, N failed, N skipped`, which CI reads
 * to tell a run that tested something from one that tested nothing.
 */
class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = runner.stats!;
      process.stdout.write(`\n${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped\n`);
    });
  }
}

export = SpecWithSummary;
