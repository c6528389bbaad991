/** When a drip campaign's steps are due. */
import { nextSendTime, type SendWindow } from './send-window';

/** When a step with `delayMinutes` is due after `base` (the previous step's send, or the enrollment): its delay, then the next open send window. */
export function stepDueAt(base: Date, delayMinutes: number, window: SendWindow | null): Date {
  return nextSendTime(new Date(base.getTime() + Math.round(delayMinutes * 60_000)), window);
}
