/**
 * The one send path: how every feature of AutoHub sends a message.
 *
 * Design. Every outgoing message of every feature (broadcast runs, search-replies, and later
 * auto-replies, welcome messages, anti-spam warnings, drip steps, A/B variants, webhook-triggered
 * sends) is a row of the delivery ledger, written *before* the send, inside a *send run*:
 *
 * - a send run belongs to one account and one `origin` (the feature, see `SEND_ORIGINS` and the
 *   `send_runs.origin` CHECK constraint) and carries a *business key* that names the trigger
 *   (the broadcast run's workflow id, the search-reply job id, an inbound event id …). It is
 *   unique per account, origin and business key, so a repeated trigger (a retried activity, a
 *   redelivered event, a double click) finds the run it already made and sends nothing more;
 * - each ledger row holds its target key, its text (or a template's content, rendered per target
 *   at send time), an optional image, and the client message id the platform de-duplicates a
 *   retried send by; then its status, error, platform message id and send time.
 *
 * Rows are sent by one function, `deliverRun` (`src/activities/send.activities.ts`) — the
 * `deliverMessages` activity on the account's session task queue, and, for inbound events, the
 * receiving worker's first attempt (`src/activities/inbound-inline.ts`): through the account's
 * pacing (`reserveSlot`/`waitForSlot`), with FloodWait handling and the account status check
 * before every send, and with platform errors mapped onto activity failures in one place
 * (`src/activities/send-failures.ts`). A wait longer than the inline limit comes back as
 * `deferUntil`, which the workflow sleeps out.
 *
 * A new feature that sends:
 * 1. adds its origin to `SEND_ORIGINS` and to the CHECK constraint (a new migration);
 * 2. calls {@link enqueueSendRun} with a business key that names its trigger, in the transaction
 *    of the change that causes the send (its own facts may reference the ledger rows);
 * 3. runs `deliverMessages({ runId, targetKeys })` from its workflow until nothing is `remaining`,
 *    sleeping out `deferUntil`, and closes the run with `finishSendRun`.
 * It never writes a send loop of its own.
 */
import type { Knex } from 'knex';
import { insertSendRun, type NewSendRun, type SendRun } from '../db/repos/send-runs.repo';

export { SEND_ORIGINS, type SendOrigin } from '../db/repos/send-runs.repo';

/**
 * Enqueues a send run: one pending ledger row per message, or — when the account already has a
 * run of this origin and business key — that run as it is, adding and sending nothing. Runs in a
 * transaction of its own, or inside the caller's when given one.
 *
 * @throws Error when two messages name the same target (a run sends to each target once).
 */
export async function enqueueSendRun(db: Knex, run: NewSendRun): Promise<SendRun> {
  const targets = new Set(run.messages.map((m) => m.targetKey));
  if (targets.size !== run.messages.length) throw new Error(`send run ${run.origin}/${run.businessKey} names a target twice`);
  return db.transaction((trx) => insertSendRun(trx, run));
}
