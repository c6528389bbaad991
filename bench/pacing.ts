/**
 * Pacing as real accounts see it, on the production inline-wait limit (10 s, so some waits are
 * spent in the activity and some are durable timers): for limits of 9 s + up to 3 s jitter over 6
 * targets, and for WhatsApp's defaults (8 s + up to 7 s, 6/min) over 4 targets, every gap between
 * consecutive sends beside the configured range, and the run's real duration (accepted → last
 * send) over its dry run's estimate. Targets: every gap within the range (plus the send itself);
 * measured ÷ estimated within 0.8–1.2. A refused request, or a run that does not send to every
 * target within ten minutes, fails the bench.
 */
process.env.PACING_INLINE_WAIT_SECONDS ??= '10';

import { defaultPacingLimits } from '../src/domain/pacing';
import { finishedBroadcast, groupKeys, newSandboxAccount, newUser, outboxItems, type Client } from '../test/support/http';
import { getStack } from '../test/support/stack';
import { runBench } from './support/run-bench';
import { figure } from './support/stats';

interface Case {
  name: string;
  platform: 'telegram' | 'whatsapp';
  targets: number;
  limits: { min_gap_seconds: number; jitter_seconds: number; per_minute: number; per_day: number };
}

const whatsapp = defaultPacingLimits('whatsapp', false);
const CASES: Case[] = [
  { name: '9 s + 3 s jitter', platform: 'telegram', targets: 6, limits: { min_gap_seconds: 9, jitter_seconds: 3, per_minute: 0, per_day: 0 } },
  {
    name: "WhatsApp's defaults",
    platform: 'whatsapp',
    targets: 4,
    limits: { min_gap_seconds: whatsapp.minGapMs / 1000, jitter_seconds: whatsapp.jitterMs / 1000, per_minute: whatsapp.perMinute, per_day: whatsapp.perDay },
  },
];

/** Slack for "plus the send itself": the sandbox's own work between a slot and its outbox row. */
const SEND_ALLOWANCE_MS = 250;

/** What one case measured, printed once every case is done so the cases' lines do not interleave. */
interface CaseResult {
  c: Case;
  gapsMs: number[];
  measuredMs: number;
  estimatedMs: number;
}

async function runCase(api: Client, c: Case): Promise<CaseResult> {
  const accountId = await newSandboxAccount(api, c.platform);
  const limits = await api.put(`/api/v1/accounts/${accountId}/limits`, c.limits);
  if (limits.status !== 200) throw new Error(`limits refused: ${JSON.stringify(limits.body)}`);
  const targets = await groupKeys(api, accountId, c.targets);
  const text = `pacing bench ${c.name} ${Date.now()}`;
  const dry = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: text, dry_run: true });
  if (dry.status !== 200 || !(dry.body.estimated_duration_seconds > 0)) throw new Error(`dry run refused: ${dry.status} ${JSON.stringify(dry.body)}`);
  const estimatedMs = dry.body.estimated_duration_seconds * 1000;
  const accepted = Date.now();
  const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: text });
  if (created.status !== 201) throw new Error(`broadcast refused: ${JSON.stringify(created.body)}`);
  await finishedBroadcast(api, created.body.schedule_id, 10 * 60_000);
  const times = (await outboxItems(api, accountId)).filter((i) => i.text === text).map((i) => Date.parse(i.at));
  if (times.length !== targets.length) throw new Error(`${times.length} of ${targets.length} sends went out`);
  return { c, gapsMs: times.slice(1).map((t, i) => t - times[i]!), measuredMs: times.at(-1)! - accepted, estimatedMs };
}

function print({ c, gapsMs, measuredMs, estimatedMs }: CaseResult): void {
  const low = c.limits.min_gap_seconds * 1000;
  const high = low + c.limits.jitter_seconds * 1000;
  console.log(`${c.name} over ${c.targets} targets (${c.platform} sandbox, per minute ${c.limits.per_minute || 'unlimited'}), configured gap ${low / 1000}–${high / 1000} s`);
  gapsMs.forEach((gap, i) => figure(`${c.name} gap ${i + 1} (target ${low}–${high + SEND_ALLOWANCE_MS} ms)`, gap, 'ms'));
  figure(`${c.name} duration measured (accepted to last send)`, measuredMs / 1000, 's');
  figure(`${c.name} duration estimated by the dry run`, estimatedMs / 1000, 's');
  figure(`${c.name} measured / estimated (target 0.8–1.2)`, measuredMs / estimatedMs);
}

async function main(): Promise<void> {
  await getStack();
  const { api } = await newUser('pacing-bench');
  const results = await Promise.all(CASES.map((c) => runCase(api, c)));
  results.forEach(print);
}

runBench(main);
