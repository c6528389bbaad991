import { z } from 'zod';
import { AUTOMATION_FEATURES, AUTOMATION_RESULTS, listAutomationLog, type AutomationLogLine } from '../../db/repos/inbound-events.repo';
import type { ApiDeps } from '../context';
import { ok, route } from '../route';
import { AutomationResponses } from './automation.responses';

const LogQuery = z.object({
  account_id: z.uuid('must be an account id').transform((id) => id.toLowerCase()).optional(),
  feature: z.enum(AUTOMATION_FEATURES).optional(),
  result: z.enum(AUTOMATION_RESULTS).optional(),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Only lines older than this line id (paging back)' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** The automation log: what the inbound pipeline's automations did, the caller's own. */
export function automationRoutes({ db }: ApiDeps) {
  return [
    route({
      method: 'get',
      path: '/api/automation/log',
      summary:
        "The caller's automation log, newest first: each auto-reply, welcome, goodbye and anti-spam action (send, warn, delete, mute, ban, unban) with its rule, chat, user, reason and result",
      tag: 'Automation',
      operationId: 'listAutomationLog',
      responses: { 200: AutomationResponses.log },
      query: LogQuery,
      handler: async ({ caller, query }) => {
        const lines = await listAutomationLog(db, caller.scope, {
          accountId: query.account_id,
          feature: query.feature,
          result: query.result,
          before: query.before,
          limit: query.limit,
        });
        return ok({ entries: lines.map(presentLine), count: lines.length });
      },
    }),
  ];
}

function presentLine(l: AutomationLogLine) {
  return {
    id: l.id,
    account_id: l.accountId,
    inbound_event_id: l.inboundEventId,
    feature: l.feature,
    action: l.action,
    rule_id: l.ruleId,
    chat_key: l.chatKey,
    user_id: l.platformUserId,
    reason: l.reason,
    result: l.result,
    error: l.error,
    send_run_id: l.sendRunId,
    created_at: l.createdAt.toISOString(),
    updated_at: l.updatedAt?.toISOString() ?? null,
  };
}
