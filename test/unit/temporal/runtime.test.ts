import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { temporalLogLevel } from '../../../src/temporal/runtime';

const NO_WORKFLOWS = 'No workflows registered, not polling for workflow tasks';

describe('temporalLogLevel', () => {
  it('logs the SDK warning about activity-only workers at debug: the session-queue workers are so by design', () => {
    assert.equal(temporalLogLevel({ level: 'WARN', message: NO_WORKFLOWS }), 'debug');
  });

  it('keeps the level of every other SDK message', () => {
    assert.equal(temporalLogLevel({ level: 'WARN', message: 'Activity failed' }), 'warn');
    assert.equal(temporalLogLevel({ level: 'ERROR', message: 'Worker failed' }), 'error');
    assert.equal(temporalLogLevel({ level: 'INFO', message: 'Worker state changed' }), 'info');
  });

  it('matches the text the installed SDK writes, word for word', () => {
    const worker = readFileSync(require.resolve('@temporalio/worker/lib/worker.js'), 'utf8');
    assert.ok(worker.includes(`this.logger.warn('${NO_WORKFLOWS}')`), 'the SDK no longer logs this warning as written');
  });
});
