import type { Knex } from 'knex';
import { finishSendRun, type SendRunStatus } from '../db/repos/send-runs.repo';
import { decideAbTest, pendingAbTestRuns } from '../services/ab-tests';

/** Database-only activities of A/B tests (task queue `autohub`). */
export function createAbTestActivities({ db }: { db: Knex }) {
  return {
    /** The test's send runs still to deliver: its variants', or the held-back groups'. */
    async abTestRuns(input: { testId: string; part: 'variants' | 'rest' }): Promise<Array<{ runId: string; targetKeys: string[] }>> {
      return pendingAbTestRuns(db, input.testId, input.part);
    },

    /** Decides the test once and enqueues the rest's send (see `decideAbTest`); answers whether it had anything to decide. */
    async decideAbTest(input: { testId: string }): Promise<{ decided: boolean }> {
      return { decided: (await decideAbTest(db, input.testId)) !== undefined };
    },

    /** Closes one of the test's send runs. */
    async finishAbTestRun(input: { runId: string; status: SendRunStatus; error?: string }): Promise<void> {
      await db.transaction((trx) => finishSendRun(trx, input.runId, input.status, input.error));
    },
  };
}

export type AbTestActivities = ReturnType<typeof createAbTestActivities>;
