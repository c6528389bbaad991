import { z } from 'zod';
import { AUTO_REPLY_CHAT_TYPES, MATCH_MODES, REPLY_PLACES } from '../../domain/auto-replies';
import { PLATFORMS } from '../../domain/platform-port';
import { Deleted, success } from '../responses';

const Timestamp = z.iso.datetime();
const Seconds = z.number().int();
const ChatTypes = z.array(z.enum(AUTO_REPLY_CHAT_TYPES));

/** An auto-reply rule as the API shows it. */
export const AutoReplyRuleView = z
  .object({
    id: z.uuid(),
    keyword: z.string(),
    response: z.string(),
    match_mode: z.enum(MATCH_MODES),
    case_sensitive: z.boolean(),
    accent_sensitive: z.boolean(),
    priority: z.number().int().meta({ description: 'Lower answers first; rules of one priority in the order they were created' }),
    enabled: z.boolean(),
    account_id: z.uuid().nullable(),
    platform: z.enum(PLATFORMS).nullable(),
    chat_types: ChatTypes.nullable().meta({ description: 'As set; null for the default (see answers_in)' }),
    answers_in: ChatTypes.meta({ description: 'The kinds of chat the rule answers in, defaults applied' }),
    catch_all: z.boolean().meta({ description: 'The keyword matches any text; by default such a rule answers in private chats only' }),
    allow_chats: z.array(z.string()),
    deny_chats: z.array(z.string()),
    reply_in: z.enum(REPLY_PLACES),
    cooldown_seconds: Seconds,
    chat_cooldown_seconds: Seconds.nullable(),
    account_cooldown_seconds: Seconds.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .strict()
  .meta({ id: 'AutoReplyRule' });

/** A rule that matches a tried message. */
const AutoReplyMatchView = z
  .object({
    rule_id: z.uuid(),
    keyword: z.string(),
    match_mode: z.enum(MATCH_MODES),
    priority: z.number().int(),
    reply: z.string().meta({ description: 'The response with its variables rendered' }),
    reply_in: z.enum(REPLY_PLACES),
    held_back: z.boolean().meta({ description: 'A cooldown holds the reply back now' }),
    cooldown: z
      .object({ scope: z.enum(['sender', 'chat', 'account']), until: Timestamp })
      .strict()
      .nullable(),
    would_send: z.boolean(),
  })
  .strict()
  .meta({ id: 'AutoReplyMatch' });

/** Response bodies of the auto-reply routes. */
export const AutoReplyResponses = {
  list: success({ rules: z.array(AutoReplyRuleView), count: z.number().int() }),
  created: success({ id: z.uuid(), rule: AutoReplyRuleView }),
  one: success({ rule: AutoReplyRuleView }),
  deleted: Deleted,
  test: success({
    text: z.string(),
    matched: z.boolean(),
    matches: z.array(AutoReplyMatchView),
    count: z.number().int(),
    reply: z.string().nullable().meta({ description: 'What would be sent: the first match, unless a cooldown holds it back' }),
    rule_id: z.uuid().nullable(),
  }),
};
