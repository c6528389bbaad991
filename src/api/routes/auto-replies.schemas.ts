import { z } from 'zod';
import {
  AUTO_REPLY_CHAT_TYPES,
  DEFAULT_COOLDOWN_SECONDS,
  DEFAULT_PRIORITY,
  MATCH_MODES,
  REPLY_PLACES,
  REPLY_VARIABLES,
} from '../../domain/auto-replies';
import { MAX_MESSAGE_LENGTH } from '../../domain/limits';
import { unknownMemberVariables } from '../../domain/member-text';
import { PLATFORMS } from '../../domain/platform-port';
import { keptText, trimmedText } from '../schemas/text';

/** Longest keyword (a regular expression is held to less, see domain/re2-patterns). */
export const MAX_KEYWORD_LENGTH = 500;
/** Longest cooldown: 30 days. */
export const MAX_COOLDOWN_SECONDS = 2_592_000;
/** Most chats an allow or deny list names. */
export const MAX_LISTED_CHATS = 100;
/** Priorities run from 0 (answers first) to this. */
export const MAX_PRIORITY = 10_000;

const knownVariables = Object.keys(REPLY_VARIABLES)
  .map((v) => `{{${v}}}`)
  .join(', ');

const Response = keptText(MAX_MESSAGE_LENGTH).superRefine((response, ctx) => {
  const unknown = unknownMemberVariables(response);
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `unknown variables ${unknown.map((v) => `{{${v}}}`).join(', ')}; known: ${knownVariables}` });
  }
});

const Seconds = z.number().int('must be a whole number of seconds').min(0).max(MAX_COOLDOWN_SECONDS, `at most ${MAX_COOLDOWN_SECONDS} seconds (30 days)`);
const OptionalSeconds = Seconds.min(1, 'must be at least 1 second; give null for none').nullable();
const ChatList = z.array(trimmedText(200)).max(MAX_LISTED_CHATS, `at most ${MAX_LISTED_CHATS} chats`);

/** The fields of a rule; which a new rule may leave out is decided by {@link CreateAutoReplyBody}. */
const RuleFields = {
  keyword: keptText(MAX_KEYWORD_LENGTH),
  response: Response,
  match_mode: z.enum(MATCH_MODES),
  case_sensitive: z.boolean(),
  accent_sensitive: z.boolean(),
  priority: z.number().int('must be a whole number').min(0).max(MAX_PRIORITY),
  enabled: z.boolean(),
  account_id: trimmedText(100).nullable(),
  platform: z.enum(PLATFORMS).nullable(),
  chat_types: z
    .array(z.enum(AUTO_REPLY_CHAT_TYPES))
    .min(1, 'name at least one kind of chat, or give null for the default')
    .refine((types) => new Set(types).size === types.length, 'names a kind of chat twice')
    .nullable(),
  allow_chats: ChatList,
  deny_chats: ChatList,
  reply_in: z.enum(REPLY_PLACES),
  cooldown_seconds: Seconds,
  chat_cooldown_seconds: OptionalSeconds,
  account_cooldown_seconds: OptionalSeconds,
};

/** A new rule: `keyword` and `response`, the rest with defaults. */
export const CreateAutoReplyBody = z.object({
  ...RuleFields,
  match_mode: RuleFields.match_mode.default('contains'),
  case_sensitive: RuleFields.case_sensitive.default(false),
  accent_sensitive: RuleFields.accent_sensitive.default(false),
  priority: RuleFields.priority.default(DEFAULT_PRIORITY),
  enabled: RuleFields.enabled.default(true),
  account_id: RuleFields.account_id.default(null),
  platform: RuleFields.platform.default(null),
  chat_types: RuleFields.chat_types.default(null),
  allow_chats: RuleFields.allow_chats.default([]),
  deny_chats: RuleFields.deny_chats.default([]),
  reply_in: RuleFields.reply_in.default('chat'),
  cooldown_seconds: RuleFields.cooldown_seconds.default(DEFAULT_COOLDOWN_SECONDS),
  chat_cooldown_seconds: RuleFields.chat_cooldown_seconds.default(null),
  account_cooldown_seconds: RuleFields.account_cooldown_seconds.default(null),
});

/** A change to a rule: any of its fields, at least one. */
export const UpdateAutoReplyBody = z
  .object(RuleFields)
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one field to change');

/** A message to try against the caller's rules, and where it would have been received. */
export const TestAutoReplyBody = z.object({
  text: keptText(MAX_MESSAGE_LENGTH),
  chat_type: z.enum(AUTO_REPLY_CHAT_TYPES).default('private'),
  /** The account that would receive it: its rules alone, its platform's chat keys, its cooldowns. */
  account_id: trimmedText(100).optional(),
  chat_key: trimmedText(200).optional(),
  chat_title: trimmedText(256).optional(),
  from: z
    .object({ id: trimmedText(100).optional(), username: trimmedText(100).optional(), name: trimmedText(256).optional() })
    .optional(),
});

export type CreateAutoReplyInput = z.infer<typeof CreateAutoReplyBody>;
export type UpdateAutoReplyInput = z.infer<typeof UpdateAutoReplyBody>;
export type TestAutoReplyInput = z.infer<typeof TestAutoReplyBody>;
