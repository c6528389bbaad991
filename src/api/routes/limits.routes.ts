import { z } from 'zod';

import { getPacing, updatePacingLimits, type Pacing } from '../../db/repos/pacing.repo';

import { visibleAccount } from '../account-access';
import type { ApiDeps } from '../context';
import { ok, route } from '../route';
import { AccountResponses } from './accounts.responses';
import { NotFoundError } from '../../errors';

const LimitsBody = z
  .object({
    min_gap_seconds: z.number().min(0).max(86_400).optional(),
    jitter_seconds: z.number().min(0).max(86_400).optional(),
    per_minute: z.number().int().min(0).max(10_000).optional(),
    per_day: z.number().int().min(0).max(1_000_000).optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of min_gap_seconds, jitter_seconds, per_minute, per_day');

/** An account's send budget and where it stands, as the API shows it. */
export function presentBudget({ limits, state }: Pacing) {
  const today = new Date().toISOString().slice(0, 10);
  return {
    limits: {
      min_gap_seconds: limits.minGapMs / 1000,
      jitter_seconds: limits.jitterMs / 1000,
      per_minute: limits.perMinute,
      per_day: limits.perDay,
    },
    next_send_at: state.nextSendAt?.toISOString() ?? null,
    paused_until: state.pausedUntil && state.pausedUntil > new Date() ? state.pausedUntil.toISOString() : null,
    sent_today: state.day === today ? state.sentToday : 0,
  };
}

/** Per-account send budgets: every send of every run waits for its account's budget. */
export function limitsRoutes({ db }: ApiDeps) {
  return [
    route({
      method: 'put',
      path: '/api/v1/accounts/:id/limits',
      summary: 'Change the account’s send budget (0 = no limit / no gap)',
      tag: 'Accounts',
      operationId: 'setAccountLimits',
      responses: { 200: AccountResponses.limits },
      body: LimitsBody,
      handler: async ({ params, caller, body }) => {
        const account = await visibleAccount(db, params, caller);
        const current = (await getPacing(db, account.id))!;
        const updated = await updatePacingLimits(db, caller.scope, account.id, {
          minGapMs: body.min_gap_seconds !== undefined ? Math.round(body.min_gap_seconds * 1000) : current.limits.minGapMs,
          jitterMs: body.jitter_seconds !== undefined ? Math.round(body.jitter_seconds * 1000) : current.limits.jitterMs,
          perMinute: body.per_minute ?? current.limits.perMinute,
          perDay: body.per_day ?? current.limits.perDay,
        });
        if (!updated) throw new NotFoundError();
        return ok({ account_id: account.id, budget: presentBudget(updated) });
      },
    }),
  ];
}
