import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/** One history to replay, and how to name it when it fails. */
export interface ReplayCase {
  /** Where the history came from: `<namespace>/<workflow id>` or a committed file. */
  source: string;
  workflowType: string;
  workflowId: string;
  history: History;
}

/** A history the current workflow code could not replay. */
export interface ReplayFailure {
  replayCase: ReplayCase;
  error: Error;
}

/**
 * Replays every case against `workflowBundle` in one replay worker, and says which failed: a
 * non-determinism (the code now issues different commands than the history recorded) or a
 * workflow task that fails where it once succeeded.
 */
export async function replayCases(workflowBundle: WorkflowBundleWithSourceMap, cases: readonly ReplayCase[]): Promise<{ replayed: number; failures: ReplayFailure[] }> {
  const failures: ReplayFailure[] = [];
  let replayed = 0;
  // The worker yields one result per history, in the order it was given them.
  const results = Worker.runReplayHistories(
    { workflowBundle, replayName: 'autohub-replay-test' },
    cases.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  for await (const result of results) {
    const replayCase = cases[replayed++];
    if (!replayCase || replayCase.workflowId !== result.workflowId) {
      throw new Error(`replay result for ${result.workflowId} does not match the history given (${replayCase?.workflowId ?? 'none'})`);
    }
    if (result.error) failures.push({ replayCase, error: result.error });
  }
  return { replayed, failures };
}

/** One line per failure: what was replayed, its type, and why it failed. */
export function formatFailures(failures: readonly ReplayFailure[]): string {
  return failures
    .map(({ replayCase, error }) => `- ${replayCase.workflowType} ${replayCase.workflowId} (${replayCase.source}):\n    ${error.message}`)
    .join('\n');
}
