import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { failRun, recordScheduleError } from '../db/repos/broadcasts.repo';
import {
  claimDueOperations,
  claimOperation,
  deleteOperations,
  postponeOperation,
  type ClaimedOperation,
  type WorkflowStart,
} from '../db/repos/temporal-outbox.repo';
import { fromStoredSearchAttributes } from '../temporal/search-attributes';
import { BROADCAST_RUN_WORKFLOW, type BroadcastRunInput } from '../workflows/shared';
import { syncBroadcastSchedule } from './broadcast-schedules';

/** Operations claimed per sweep. */
const BATCH = 50;
/** How often the outbox is swept even without a notification (a missed one, a postponed operation). */
const SWEEP_MS = 1_000;
/** How long one attempt may take before another dispatcher may try the operation again. */
const CLAIM_MS = 30_000;
/** Attempts after which an operation is given up (about 47 minutes of retrying, see {@link retryDelayMs}). */
export const MAX_ATTEMPTS = 15;

/** The wait before the next attempt after `attempts` failed ones: 1 s, doubling, at most 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Carries out what the API asked of Temporal in its transactions (see temporal-outbox.repo):
 * workflow starts as soon as it is told (`kick`, or a notification from another process) and on a
 * regular sweep, schedule syncs when their caller did not finish them. A failed attempt is retried
 * with backoff while others go ahead; after {@link MAX_ATTEMPTS} the operation is given up and
 * what it was for says why (the run is failed, the broadcast records its schedule error).
 *
 * A start never runs a workflow twice: its id is deterministic and started with
 * REJECT_DUPLICATE, so a start repeated after a crash finds the workflow (running or closed) and
 * counts as done.
 */
export class TemporalOutbox {
  private draining?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Knex,
    private readonly temporal: Client,
    private readonly logger: Logger,
  ) {}

  /** The namespace whose operations this dispatcher carries out: its client's. */
  get namespace(): string {
    return this.temporal.options.namespace;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), SWEEP_MS);
    this.kick();
  }

  /** Stops sweeping and waits for the sweep under way, if any. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.draining;
  }

  /** Carries out whatever is due, now; a call while a sweep runs makes it go round once more. */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((err) => this.logger.warn({ err }, 'Temporal outbox sweep failed; retrying on the next sweep'))
      .finally(() => (this.draining = undefined));
  }

  /**
   * Carries out the operation `id` now, whether due or not (the caller enqueued it and needs its
   * effect to answer). True when it is done, by this call or by another dispatcher before it.
   */
  async carryOut(id: number): Promise<boolean> {
    const operation = await claimOperation(this.db, id, CLAIM_MS);
    if (!operation) return true;
    const done = await this.attempt(operation);
    if (done) await deleteOperations(this.db, [operation.id]);
    return done;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        const due = await claimDueOperations(this.db, this.namespace, BATCH, CLAIM_MS);
        const done = await Promise.all(due.map((operation) => this.attempt(operation)));
        // One statement (one commit) for the whole batch: a start repeated after a crash in between counts as done.
        await deleteOperations(
          this.db,
          due.filter((_, i) => done[i]).map((operation) => operation.id),
        );
        if (due.length < BATCH) break;
      }
    } while (this.again && this.timer);
  }

  /** Performs `operation`, postponing or giving it up when it fails; true when it was done (its row is then the caller's to delete). */
  private async attempt(operation: ClaimedOperation): Promise<boolean> {
    try {
      await this.perform(operation);
    } catch (err) {
      const reason = reasonOf(err);
      if (operation.attempts >= MAX_ATTEMPTS) {
        await this.giveUp(operation, reason);
      } else {
        const delayMs = retryDelayMs(operation.attempts);
        this.logger.warn({ err, operation: describe(operation), attempts: operation.attempts, retryInMs: delayMs }, 'Temporal operation failed; retrying');
        await postponeOperation(this.db, operation.id, reason, delayMs);
      }
      return false;
    }
    return true;
  }

  private async perform(operation: ClaimedOperation): Promise<void> {
    if (operation.kind === 'sync_schedule') return syncBroadcastSchedule(this.db, this.temporal, operation.sync);
    const { start } = operation;
    try {
      await this.temporal.workflow.start(start.workflowType, {
        workflowId: start.workflowId,
        taskQueue: start.taskQueue,
        args: start.args,
        memo: start.memo,
        typedSearchAttributes: fromStoredSearchAttributes(start.searchAttributes),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /** Drops the operation and records, on what it was for, that it will not happen. */
  private async giveUp(operation: ClaimedOperation, reason: string): Promise<void> {
    const why = `gave up after ${operation.attempts} attempts: ${reason}`;
    this.logger.error({ operation: describe(operation), reason }, 'Temporal operation given up');
    await this.db.transaction(async (trx) => {
      await deleteOperations(trx, [operation.id]);
      if (operation.kind === 'sync_schedule') {
        await recordScheduleError(trx, operation.sync.broadcastId, `the schedule could not be updated (${why})`);
      } else {
        await onStartAbandoned(trx, operation.start, `the run could not be started (${why})`);
      }
    });
  }
}

/** What becomes of the row a workflow was started for when its start is given up. */
async function onStartAbandoned(trx: Knex, start: WorkflowStart, reason: string): Promise<void> {
  if (start.workflowType !== BROADCAST_RUN_WORKFLOW) return;
  const [input] = start.args as [BroadcastRunInput];
  await failRun(trx, { broadcastId: input.broadcastId, workflowId: start.workflowId, error: reason });
}

/** An error's message followed by its causes', e.g. "Failed to start Workflow: 3 INVALID_ARGUMENT: …". */
function reasonOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) {
    const message = e.message;
    if (!parts.some((part) => part.includes(message))) parts.push(message);
  }
  return parts.length > 0 ? parts.join(': ') : String(err);
}

function describe(operation: ClaimedOperation): string {
  return operation.kind === 'sync_schedule' ? `sync schedule of broadcast ${operation.sync.broadcastId}` : `start ${operation.start.workflowId}`;
}
