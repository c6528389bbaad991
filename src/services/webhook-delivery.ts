/**
 * One attempt at a webhook delivery, and what it settles: the body and the Standard Webhooks
 * headers (`webhook-id` is the delivery id, stable across retries and replays), the POST under
 * the URL policy (public addresses only unless allowed, checked when connecting; redirects never
 * followed; a time limit), the verdict, and its bookkeeping — the attempt logged, the delivery
 * settled, the hook's failure counters moved and, past the disable rules, the hook disabled with
 * a `webhook.disabled` event. The worker's first attempt and the delivery workflow's activity
 * share it.
 */
import { webhookAttempts, webhookDeliveryLag } from '../metrics';
import type { Knex } from 'knex';
import { emitEvent } from '../db/repos/events.repo';
import {
  disableWebhook,
  failDeliveries,
  recordAttempts,
  updateHookHealth,
  type DeliveryStatus,
  type DeliveryWork,
  type HookHealthChange,
  type RecordedAttempt,
} from '../db/repos/webhooks.repo';
import type { SecretBox } from '../db/secret-box';
import { standardWebhookOf } from '../domain/webhook-secrets';
import { eventEnvelope } from './event-envelope';
import { parseRetryAfter, verdictOf, type AttemptVerdict } from '../domain/webhook-retry';
import { postToUserUrl, RefusedUrlError, type UrlPolicy } from './url-fetch';

/** How much of an answer's body the log keeps. */
export const RESPONSE_BODY_LOG_BYTES = 4096;

/** What attempts and their bookkeeping need. */
export interface WebhookDeliveryDeps {
  db: Knex;
  secrets: SecretBox;
  policy: UrlPolicy;
  timeoutMs: number;
  /** Consecutive deliveries failed for good after which a hook is disabled. */
  disableAfterFailures: number;
  /** How long a hook may fail every attempt before it is disabled. */
  disableAfterMs: number;
}

/** The body every delivery of an event carries. */
export function webhookBody(event: DeliveryWork['event']): string {
  return JSON.stringify(eventEnvelope(event));
}


/** The Standard Webhooks headers of a message: one `v1,` signature per secret, space-separated. */
export function signatureHeaders(messageId: string, body: string, secrets: readonly string[], at: Date): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => standardWebhookOf(s).sign(messageId, at, body)).join(' '),
  };
}

/** The secrets a hook signs with now: its own, and the one it replaced while that is still valid. */
export function signingSecrets(secrets: SecretBox, hook: DeliveryWork['webhook'], now: Date): string[] {
  const current = secrets.open(hook.sealedSecret);
  const previousValid = hook.sealedPreviousSecret && hook.previousSecretExpiresAt && hook.previousSecretExpiresAt > now;
  return previousValid ? [current, secrets.open(hook.sealedPreviousSecret!)] : [current];
}

/** What one attempt found. */
export interface AttemptOutcome {
  work: DeliveryWork;
  verdict: AttemptVerdict;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  /** The receiver's `Retry-After`, in ms. */
  retryAfterMs?: number;
}

/** POSTs the delivery once; never throws (a failure is an outcome). */
export async function attemptDelivery(deps: WebhookDeliveryDeps, work: DeliveryWork): Promise<AttemptOutcome> {
  const started = Date.now();
  const base = { work, statusCode: null, responseBody: null };
  try {
    const body = webhookBody(work.event);
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'AutoHub-Webhooks/1',
      ...signatureHeaders(work.id, body, signingSecrets(deps.secrets, work.webhook, now), now),
    };
    const signal = AbortSignal.timeout(deps.timeoutMs);
    const response = await postToUserUrl(new URL(work.webhook.url), { signal, headers, body, policy: deps.policy });
    const responseBody = await readLogged(response.body);
    const statusCode = response.status;
    const verdict = verdictOf(statusCode);
    const durationMs = Date.now() - started;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    const error =
      verdict === 'delivered'
        ? null
        : statusCode >= 300 && statusCode < 400
          ? `HTTP ${statusCode}: redirects are not followed${response.headers.get('location') ? ` (to ${response.headers.get('location')})` : ''}`
          : `HTTP ${statusCode}`;
    return { work, verdict, statusCode, durationMs, error, responseBody, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  } catch (err) {
    const durationMs = Date.now() - started;
    const refused = refusal(err);
    if (refused) return { ...base, verdict: 'final', durationMs, error: `refused: ${refused.message}` };
    if (isTimeout(err)) return { ...base, verdict: 'retry', durationMs, error: `no answer within ${deps.timeoutMs / 1000} s` };
    return { ...base, verdict: 'retry', durationMs, error: describeNetworkError(err) };
  }
}

/** What settling a batch of outcomes decided, per delivery. */
export interface SettledOutcome extends AttemptOutcome {
  settle: DeliveryStatus;
}

/**
 * Records `outcomes` in one transaction: each attempt logged and its delivery settled (`pending`
 * to be retried, unless `isLastAttempt` says the schedule is over), each hook's counters moved,
 * hooks past a disable rule (410; N consecutive failed deliveries; failing for days) disabled
 * with a `webhook.disabled` event.
 */
export async function settleOutcomes(
  deps: WebhookDeliveryDeps,
  outcomes: readonly AttemptOutcome[],
  isLastAttempt: (outcome: AttemptOutcome) => boolean,
): Promise<SettledOutcome[]> {
  const settled = outcomes.map<SettledOutcome>((o) => ({
    ...o,
    settle: o.verdict === 'delivered' ? 'delivered' : o.verdict === 'retry' && !isLastAttempt(o) ? 'pending' : 'failed',
  }));
  if (settled.length === 0) return settled;
  await deps.db.transaction(async (trx) => {
    await recordAttempts(trx, settled.map(toRecorded));
    for (const change of healthChanges(settled)) {
      const health = await updateHookHealth(trx, change);
      if (!health?.enabled) continue;
      const gone = settled.find((o) => o.work.webhook.id === change.webhookId && o.verdict === 'gone');
      const reason = gone
        ? 'the receiver answered 410 Gone'
        : health.consecutiveFailures >= deps.disableAfterFailures
          ? `${health.consecutiveFailures} consecutive deliveries failed`
          : health.failingSince && Date.now() - health.failingSince.getTime() >= deps.disableAfterMs
            ? `every attempt failed since ${health.failingSince.toISOString()}`
            : undefined;
      if (reason) await disableHook(trx, change.webhookId, reason);
    }
  });
  countAttempts(settled);
  return settled;
}

function countAttempts(settled: readonly SettledOutcome[]): void {
  const now = Date.now();
  for (const o of settled) {
    webhookAttempts.inc({ result: o.verdict === 'gone' ? 'gone' : o.settle === 'pending' ? 'retry' : o.settle });
    if (o.settle === 'delivered') webhookDeliveryLag.observe((now - o.work.event.createdAt.getTime()) / 1000);
  }
}

/** Disables hook `id` (unless it is already) and records `webhook.disabled`. */
export async function disableHook(trx: Knex, id: string, reason: string): Promise<void> {
  const hook = await disableWebhook(trx, id, reason);
  if (hook) await emitEvent(trx, { type: 'webhook.disabled', userId: hook.userId, data: { webhook_id: hook.id, name: hook.name, url: hook.url, reason } });
}

/** Fails deliveries whose hook is disabled, without an attempt. */
export async function failForDisabledHook(db: Knex, works: readonly DeliveryWork[]): Promise<void> {
  await failDeliveries(db, works.map((w) => ({ id: w.id, series: w.series })), 'not sent: the webhook is disabled');
}

function toRecorded(o: SettledOutcome): RecordedAttempt {
  return {
    deliveryId: o.work.id,
    series: o.work.series,
    attempt: o.work.attempts + 1,
    statusCode: o.statusCode,
    durationMs: o.durationMs,
    error: o.error,
    responseBody: o.responseBody,
    settle: o.settle,
  };
}

/** Each hook's change of health over `settled`, in the order the attempts were made. */
function healthChanges(settled: readonly SettledOutcome[]): HookHealthChange[] {
  const changes = new Map<string, HookHealthChange>();
  for (const o of settled) {
    const id = o.work.webhook.id;
    const change = changes.get(id) ?? { webhookId: id, anySuccess: false, lastAttemptSucceeded: false, finalFailures: 0, anyFailedAttempt: false };
    if (o.settle === 'delivered') {
      Object.assign(change, { anySuccess: true, lastAttemptSucceeded: true, finalFailures: 0 });
    } else {
      change.lastAttemptSucceeded = false;
      change.anyFailedAttempt = true;
      change.lastFailure = { deliveryId: o.work.id, statusCode: o.statusCode, error: o.error ?? 'failed' };
      if (o.settle === 'failed') change.finalFailures++;
    }
    changes.set(id, change);
  }
  return [...changes.values()];
}

/** The first {@link RESPONSE_BODY_LOG_BYTES} of a body as text (the rest is not read), NULs dropped (PostgreSQL text cannot hold them). */
async function readLogged(body: ReadableStream<Uint8Array> | null): Promise<string | null> {
  if (!body) return null;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_BODY_LOG_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LOG_BYTES).toString('utf8');
  return text.replaceAll('\u0000', '') || null;
}

/** The RefusedUrlError behind `err` (thrown before connecting, or by the connection's lookup), if any. */
function refusal(err: unknown): RefusedUrlError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof RefusedUrlError) return e;
  }
  return undefined;
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || (err.cause instanceof Error && err.cause.name === 'TimeoutError'));
}

/** A network failure as the log says it: fetch's "fetch failed" and its cause's code and message. */
function describeNetworkError(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as (Error & { code?: string }) | undefined) : undefined;
  if (cause instanceof Error) return `${cause.code ? `${cause.code}: ` : ''}${cause.message}`;
  return err instanceof Error ? err.message : String(err);
}
