import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { dispatchWorkflowStarts, type WorkflowStart } from '../db/repos/workflow-starts.repo';

/** Starts taken from the outbox per transaction. */
const BATCH = 50;
/** How often the outbox is swept even without a notification (a missed one, a failed start). */
const SWEEP_MS = 1_000;

/**
 * Starts the workflows the API enqueued in `workflow_starts`, as soon as it is told (`kick`, or a
 * notification from another process) and on a regular sweep. Every workflow id is deterministic,
 * so a start repeated after a crash finds the workflow already started and counts as done.
 */
export class WorkflowStarter {
  private running = false;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Knex,
    private readonly temporal: Client,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), SWEEP_MS);
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }

  /** Starts whatever is pending, now; calls while a drain runs make it go round once more. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((err) => this.logger.warn({ err }, 'workflow starts failed; retrying on the next sweep'))
      .finally(() => (this.running = false));
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        const { taken, started } = await dispatchWorkflowStarts(this.db, BATCH, (starts) => Promise.all(starts.map((s) => this.startOne(s))));
        if (taken < BATCH || started === 0) break;
      }
    } while (this.again);
  }

  private async startOne(start: WorkflowStart): Promise<boolean> {
    try {
      await this.temporal.workflow.start(start.workflowType, {
        workflowId: start.workflowId,
        taskQueue: start.taskQueue,
        args: start.args,
        memo: start.memo,
      });
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return true;
      this.logger.warn({ err, workflowId: start.workflowId }, 'workflow did not start');
      return false;
    }
  }
}
