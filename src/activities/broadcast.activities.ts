import type { Knex } from 'knex';
import * as broadcasts from '../db/repos/broadcasts.repo';
import { accountTaskQueue } from '../domain/sharding';

export interface BroadcastActivityDeps {
  db: Knex;
  sessionShards: number;
}

/** What a run delivers and through which session task queue. */
export interface BroadcastRunPlan {
  runId: string;
  accountId: string;
  targetKeys: string[];
  sessionTaskQueue: string;
}

/** Database-only activities of broadcast runs (task queue `autohub`). */
export function createBroadcastActivities({ db, sessionShards }: BroadcastActivityDeps) {
  return {
    /** Opens the run and its ledger; null when the broadcast was deleted meanwhile. */
    async beginBroadcastRun(input: {
      broadcastId: string;
      workflowId: string;
      runNumber?: number;
    }): Promise<BroadcastRunPlan | null> {
      const plan = await broadcasts.beginRun(db, input.broadcastId, input.workflowId, input.runNumber);
      if (!plan) return null;
      return { ...plan, sessionTaskQueue: accountTaskQueue(plan.accountId, sessionShards) };
    },

    async finishBroadcastRun(input: { runId: string; status: broadcasts.RunStatus; error?: string }): Promise<void> {
      await broadcasts.finishRun(db, input.runId, input.status, input.error);
    },

    /** Fails the run of a workflow whose bookkeeping could not go on, with the reason. */
    async failBroadcastRun(input: { broadcastId: string; workflowId: string; error: string }): Promise<void> {
      await broadcasts.failRun(db, input);
    },
  };
}

export type BroadcastActivities = ReturnType<typeof createBroadcastActivities>;
