import type { Context } from '@temporalio/activity';

/** What the activities that send through an account's budget are built with. */
export interface PacedSendDeps {
  /**
   * Longest wait (pacing slot or FloodWait) spent inside the activity, heartbeating; a longer one
   * is handed back to the workflow as a durable timer. @default 10_000
   */
  maxInlineWaitMs?: number;
  /**
   * Aborted when the worker begins to shut down: a batch then stops before its next send and
   * hands the rest back to its workflow, which schedules it again on whichever worker serves
   * the account next.
   */
  draining?: AbortSignal;
}

/**
 * What a send needs of its caller while it runs: an activity's `Context`, or the worker's own
 * control when the inbound pipeline sends at once (see activities/inbound-inline).
 */
export type SendControl = Pick<Context, 'heartbeat' | 'sleep' | 'cancellationSignal'>;

/** How a paced send activity waits for a send's slot (see {@link PacedSendDeps}). */
export type SlotWaitOptions = Required<Pick<PacedSendDeps, 'maxInlineWaitMs'>> &
  Pick<PacedSendDeps, 'draining'> & {
    /** What each heartbeat reports (the activity's progress), so waiting never hides it. */
    heartbeatDetails?: unknown;
  };

/** How often an activity heartbeats while it waits: well inside any heartbeat timeout we use. */
const HEARTBEAT_EVERY_MS = 2_000;
/** How long before a slot a durable timer ends, so the next activity starts in time to send on the slot. */
const SLOT_LEAD_MS = 2_000;

/**
 * Waits, inside an activity, until `slot`, the send's reserved slot: returns undefined once it has
 * come, or the time until which the workflow should wait instead (a durable timer ending a little
 * before the slot; the slot itself stays the send's, see `reserveSlot`). The activity heartbeats
 * while it waits, so no wait can reach its heartbeat timeout; a cancelled activity stops waiting
 * (the sleep throws), and a draining worker hands the slot back to the workflow.
 */
export async function waitForSlot(ctx: SendControl, slot: Date, options: SlotWaitOptions): Promise<Date | undefined> {
  const lead = Math.min(SLOT_LEAD_MS, options.maxInlineWaitMs / 2);
  const handBack = () => new Date(slot.getTime() - lead);
  if (slot.getTime() - Date.now() > options.maxInlineWaitMs) return handBack();
  const drained = whenAborted(options.draining);
  try {
    for (;;) {
      const remaining = slot.getTime() - Date.now();
      if (remaining <= 0) return undefined;
      if (options.draining?.aborted) return handBack();
      ctx.heartbeat(options.heartbeatDetails);
      await Promise.race([ctx.sleep(Math.min(remaining, HEARTBEAT_EVERY_MS)), drained.promise]);
    }
  } finally {
    drained.dispose();
  }
}

/** A promise that resolves when `signal` aborts (never without one), and how to stop listening. */
function whenAborted(signal: AbortSignal | undefined): { promise: Promise<void>; dispose(): void } {
  let listener = () => {};
  const promise = new Promise<void>((resolve) => (listener = resolve));
  signal?.addEventListener('abort', listener, { once: true });
  return { promise, dispose: () => signal?.removeEventListener('abort', listener) };
}
