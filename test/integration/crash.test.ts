import assert from 'node:assert/strict';
import { runCrashScenario } from '../support/crash-scenario';
import { getStack } from '../support/stack';

describe('a worker killed mid-broadcast', () => {
  before(async function () {
    this.timeout(120_000);
    await getStack();
  });

  it('completes the run after a restart with exactly one message per target', async function () {
    this.timeout(180_000);
    const outcome = await runCrashScenario({ targets: 50, gapSeconds: 0.1, killAfterSends: 15 });
    assert.ok(outcome.sentBeforeKill < 50, 'the process was killed after the run had finished');
    assert.equal(outcome.runStatus, 'completed');
    assert.equal(outcome.lost, 0);
    assert.equal(outcome.duplicated, 0);
    assert.equal(outcome.delivered, 50);
  });
});
