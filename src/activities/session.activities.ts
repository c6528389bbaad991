import type { Knex } from 'knex';
import { getPacing } from '../db/repos/pacing.repo';
import { estimateDurationMs } from '../domain/pacing';
import type { SessionPool } from '../platforms/session-pool';
import { PlatformError } from '../domain/platform-port';
import { createModerationActivities } from './moderation.activities';
import { createSendActivities, messageFor } from './send.activities';
import type { PacedSendDeps } from './send-pacing';
import type { DryRunInput, DryRunResult, DryRunTarget } from '../workflows/shared';

export interface SessionActivityDeps extends PacedSendDeps {
  db: Knex;
  pool: SessionPool;
}

/** Activities that use a live platform session (task queues `sessions-<shard>`): the one send path, moderation and broadcast dry runs. */
export function createSessionActivities(deps: SessionActivityDeps) {
  const { db, pool } = deps;
  return {
    ...createSendActivities(deps),
    ...createModerationActivities(deps),

    /** What a broadcast would do, sending nothing: each target's reach and text, and how long it takes. */
    async inspectBroadcast(input: DryRunInput): Promise<DryRunResult> {
      return pool.use(input.accountId, async (session) => {
        const targets: DryRunTarget[] = [];
        for (const key of input.targetKeys) {
          try {
            const target = await session.resolveTarget(key);
            targets.push({
              target_key: key,
              resolves: true,
              writable: target.writable,
              type: target.type,
              title: target.title,
              members: target.members,
              message: messageFor(input.message, input.fromTemplate, input.accountName, target),
            });
          } catch (err) {
            if (!(err instanceof PlatformError) || err.kind === 'transient' || err.kind === 'rate_limited') throw err;
            targets.push({ target_key: key, resolves: false, writable: false, type: null, title: null, members: null, message: null, error: err.message });
          }
        }
        const pacing = await getPacing(db, input.accountId);
        const sends = targets.filter((t) => t.writable).length;
        const durationMs = pacing ? estimateDurationMs(pacing.limits, pacing.state, new Date(), sends) : 0;
        return { targets, estimated_duration_seconds: Math.round(durationMs / 100) / 10 };
      });
    },
  };
}

export type SessionActivities = ReturnType<typeof createSessionActivities>;
