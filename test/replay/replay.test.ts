/**
 * Replay safety: the workflow code of this checkout must replay the histories the integration
 * tests just produced, and the committed histories of earlier versions (workflows that may still
 * be running when a new worker takes over). Runs last in `npm test`, on the suite's Temporal server.
 * With AUTOHUB_RECORD_HISTORIES=1 it also commits the paths no committed history covers yet.
 */
import assert from 'node:assert/strict';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import * as workflows from '../../src/workflows';
import { getStack, getTemporalClient } from '../support/stack';
import { collectHistories, type CollectedHistory } from './collect';
import { loadCommittedHistories, MAX_FIXTURE_BYTES, recordNewPaths, type CommittedHistory } from './fixtures';
import { formatFailures, replayCases, type ReplayCase } from './replay';

/**
 * Mocha loads every spec file before it runs any test, so this is before the suite's first
 * workflow: histories older than it (on a server given by TEMPORAL_ADDRESS) belong to other runs.
 */
const suiteStart = new Date();
/** Histories of this run replayed per workflow type: enough to vary, few enough to stay quick. */
const FRESH_PER_TYPE = 10;
const recording = process.env.AUTOHUB_RECORD_HISTORIES === '1';

/** Every workflow type the worker registers: the functions src/workflows/index.ts exports. */
const workflowTypes = Object.entries(workflows)
  .filter(([, value]) => typeof value === 'function')
  .map(([name]) => name)
  .sort();

describe('workflow replay (histories against the current workflow code)', () => {
  let workflowBundle: WorkflowBundleWithSourceMap;
  let fresh: CollectedHistory[];
  let committed: CommittedHistory[];

  before(async function () {
    this.timeout(120_000);
    const stack = await getStack();
    workflowBundle = stack.roles.worker!.workflowBundle;
    const { connection } = await getTemporalClient();
    // A recording looks at every history of the run, to find each path's shortest one.
    fresh = await collectHistories(connection, { workflowTypes, since: suiteStart, perType: recording ? undefined : FRESH_PER_TYPE });
    committed = loadCommittedHistories();
    if (recording) {
      const recorded = recordNewPaths(fresh, committed);
      for (const r of recorded) console.log(`      recorded ${r.file} from ${r.source} (${r.events} events, ${r.bytes} bytes): ${r.path.key}`);
      if (recorded.length === 0) console.log('      recorded nothing: every path of this run has a committed history');
      committed = loadCommittedHistories();
    }
  });

  it('knows the workflow types the worker registers', () => {
    // Guards the coverage checks below against passing on an empty list.
    assert.ok(workflowTypes.includes('broadcastRunWorkflow'), `workflow types found: ${workflowTypes.join(', ') || 'none'}`);
  });

  it('replays the histories this run produced without a non-determinism', async function () {
    this.timeout(120_000);
    assert.ok(fresh.length > 0, 'no closed workflow execution found: run the replay test after the integration tests (npm test)');
    const cases = fresh.map<ReplayCase>((h) => ({
      source: `${h.namespace}/${h.workflowId}/${h.runId} ${h.status}`,
      workflowType: h.workflowType,
      workflowId: h.workflowId,
      history: h.history,
    }));
    const { replayed, failures } = await replayCases(workflowBundle, cases);
    assert.equal(failures.length, 0, `${failures.length} of ${replayed} histories of this run failed to replay:\n${formatFailures(failures)}`);
    assert.equal(replayed, cases.length);
  });

  it('has replayed a history of this run of every workflow type the worker registers', () => {
    const replayedTypes = new Set(fresh.map((h) => h.workflowType));
    const missing = workflowTypes.filter((t) => !replayedTypes.has(t));
    assert.deepEqual(missing, [], `no integration test left a closed execution of: ${missing.join(', ')}`);
  });

  it('replays the committed histories of earlier versions without a non-determinism', async function () {
    this.timeout(120_000);
    assert.ok(committed.length > 0, 'no committed history found under test/replay/histories');
    const cases = committed.map<ReplayCase>((c) => ({
      source: `${c.file}, path: ${c.path.key}`,
      workflowType: c.workflowType,
      workflowId: `replay-${c.workflowType}-${c.name}`,
      history: c.history,
    }));
    const { replayed, failures } = await replayCases(workflowBundle, cases);
    assert.equal(
      failures.length,
      0,
      `${failures.length} of ${replayed} committed histories failed to replay; a change that breaks running workflows needs patched() ` +
        `(never re-record to silence this):\n${formatFailures(failures)}`,
    );
    assert.equal(replayed, cases.length);
  });

  it('has a small committed history of every workflow type the worker registers, and of no other', () => {
    const committedTypes = new Set(committed.map((c) => c.workflowType));
    const missing = workflowTypes.filter((t) => !committedTypes.has(t));
    assert.deepEqual(missing, [], `no committed history of: ${missing.join(', ')} (npm run histories:record adds them)`);
    const unknown = [...committedTypes].filter((t) => !workflowTypes.includes(t));
    assert.deepEqual(unknown, [], `committed histories of workflow types the worker no longer registers: ${unknown.join(', ')}`);
    const large = committed.filter((c) => c.bytes > MAX_FIXTURE_BYTES).map((c) => `${c.file} (${c.bytes} bytes)`);
    assert.deepEqual(large, [], 'committed histories over the size limit');
  });
});
