import type { Knex } from 'knex';
import type { SendRunStatus } from '../db/repos/send-runs.repo';
import { enqueueDripStep, finishDripStep, nextDripStep, type NextDripStep } from '../services/drip-campaigns';

/** Database-only activities of drip enrollments (task queue `autohub`). */
export function createDripActivities({ db }: { db: Knex }) {
  return {
    /** Where the enrollment stands: done, paused, waiting until its next step, or due to send one. */
    async nextDripStep(input: { enrollmentId: number }): Promise<NextDripStep> {
      return nextDripStep(db, input.enrollmentId);
    },
    /** Enqueues the due step and moves the enrollment on; answers the step's send run still to deliver. */
    async enqueueDripStep(input: { enrollmentId: number; step: number }): Promise<Array<{ runId: string; targetKeys: string[] }>> {
      return enqueueDripStep(db, input.enrollmentId, input.step);
    },
    /** Closes a step's send run, recording its events. */
    async finishDripStep(input: { enrollmentId: number; step: number; runId: string; status: SendRunStatus; error?: string }): Promise<void> {
      await finishDripStep(db, input.enrollmentId, input.step, input.runId, input.status, input.error);
    },
  };
}

export type DripActivities = ReturnType<typeof createDripActivities>;
