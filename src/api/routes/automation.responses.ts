import { z } from 'zod';
import { AUTOMATION_FEATURES, AUTOMATION_RESULTS } from '../../db/repos/inbound-events.repo';
import { success } from '../responses';

const Timestamp = z.iso.datetime();

/** A line of the automation log as the API shows it. */
export const AutomationLogEntryView = z
  .object({
    id: z.number().int(),
    account_id: z.uuid(),
    inbound_event_id: z.number().int().nullable().meta({ description: 'The inbound event that caused it; null for an unban from the API' }),
    feature: z.enum(AUTOMATION_FEATURES),
    action: z.string().meta({ description: 'send, welcome, goodbye, warn, delete, mute, ban or unban' }),
    rule_id: z.string().nullable().meta({ description: "The auto-reply rule's id, or the welcome config's group_id" }),
    chat_key: z.string(),
    user_id: z.string().nullable().meta({ description: 'The platform id of the person it concerns' }),
    reason: z.string().nullable(),
    result: z.enum(AUTOMATION_RESULTS),
    error: z.string().nullable().meta({ description: "The platform's refusal, for a failed or unsupported action" }),
    send_run_id: z.uuid().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp.nullable(),
  })
  .strict()
  .meta({ id: 'AutomationLogEntry' });

/** Response bodies of the automation routes. */
export const AutomationResponses = {
  log: success({ entries: z.array(AutomationLogEntryView), count: z.number().int() }),
};
