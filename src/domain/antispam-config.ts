import { z } from 'zod';

/** What anti-spam may be told to do with a spam message: one fixed action, or the escalating ladder. */
export const ANTISPAM_ACTIONS = ['warn', 'delete', 'mute', 'ban', 'ladder'] as const;
export type AntispamAction = (typeof ANTISPAM_ACTIONS)[number];

/** Shortest restriction Telegram honours: a shorter `until_date` is taken as "forever". */
export const MIN_MUTE_SECONDS = 30;
/** Longest restriction Telegram honours (366 days): a longer `until_date` is taken as "forever". */
export const MAX_MUTE_SECONDS = 366 * 24 * 60 * 60;

/**
 * A mute duration the platform accepts: `seconds` rounded down to whole seconds and clamped to
 * Telegram's 30 s – 366 days, outside which Telegram would restrict the member forever instead.
 */
export function clampMuteSeconds(seconds: number): number {
  if (!Number.isFinite(seconds)) return seconds > 0 ? MAX_MUTE_SECONDS : MIN_MUTE_SECONDS;
  return Math.min(MAX_MUTE_SECONDS, Math.max(MIN_MUTE_SECONDS, Math.floor(seconds)));
}

/** Most entries of `banned_words` and of `exempt_users`. */
export const MAX_LIST_ENTRIES = 1000;
/** Most chats a config may override. */
export const MAX_CHAT_OVERRIDES = 500;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** `fields`, each made optional. */
function optionalFields<T extends Record<string, z.ZodType>>(fields: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> };
}

const BannedWord = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(100, 'at most 100 characters')
  .refine((w) => w.replace(/^=/, '').trim().length > 0, 'a word must follow the "="')
  .meta({ description: 'Matched as a whole word in any case; "=Word" matches that exact case only' });

const ExemptUser = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(100, 'at most 100 characters')
  .meta({ description: "A sender's platform id, or an @username (any case)" });

/**
 * The fields of anti-spam settings without their defaults: an override names only what it
 * changes (zod applies defaults even inside `.partial()`, so the defaults are added separately).
 */
const settingsFields = {
  /** Most messages a sender may post in one chat within `flood_window_seconds`; 0 turns the check off. */
  flood_limit: int(0, 1000).meta({ description: 'Messages a sender may post per flood_window_seconds; 0 = no flood check' }),
  flood_window_seconds: int(1, 3600),
  /** Refuse any message with a link: URLs, bare domains (`example.com`) and Telegram invites (`t.me/+…`). */
  block_links: z.boolean(),
  banned_words: z.array(BannedWord).max(MAX_LIST_ENTRIES, `at most ${MAX_LIST_ENTRIES} words`),
  /** Most emojis a message may hold; 0 turns the check off. */
  max_emojis: int(0, 1000).meta({ description: 'Most emojis per message; 0 = no emoji check' }),
  /** Senders never checked, by platform id or @username. */
  exempt_users: z.array(ExemptUser).max(MAX_LIST_ENTRIES, `at most ${MAX_LIST_ENTRIES} users`),
  action: z.enum(ANTISPAM_ACTIONS).meta({ description: 'warn | delete | mute | ban, or ladder: delete → warn → mute → ban' }),
  mute_seconds: int(MIN_MUTE_SECONDS, MAX_MUTE_SECONDS),
  /** How far back the ladder counts a sender's earlier offences. */
  warn_window_hours: int(1, 366 * 24),
  /** Decide and log, act on nothing. */
  dry_run: z.boolean(),
};

const newMemberFields = {
  /** How many of a new member's first messages are checked strictly; 0 turns the check off. */
  messages: int(0, 100),
  /** How long after joining a member counts as new. */
  within_hours: int(1, 720),
};

/**
 * The defaults of every setting. Nothing is judged spam until a check is turned on (a user account
 * moderating groups on its own by default would surprise its owner); banned users still get the
 * action, `delete`.
 */
export const ANTISPAM_DEFAULTS = {
  flood_limit: 0,
  flood_window_seconds: 10,
  block_links: false,
  banned_words: [] as string[],
  max_emojis: 0,
  new_member_checks: { messages: 0, within_hours: 24 },
  exempt_users: [] as string[],
  action: 'delete' as AntispamAction,
  mute_seconds: 3600,
  warn_window_hours: 24,
  dry_run: false,
};

const NewMemberChecks = z
  .object({
    messages: newMemberFields.messages.default(ANTISPAM_DEFAULTS.new_member_checks.messages),
    within_hours: newMemberFields.within_hours.default(ANTISPAM_DEFAULTS.new_member_checks.within_hours),
  })
  .meta({ description: 'The first `messages` messages of a member who joined within `within_hours` may hold no link and no forward' });

/** A chat's overrides: any setting but `chats`, and `new_member_checks` field by field. */
export const AntispamOverrideSchema = z.object({
  ...optionalFields(settingsFields),
  new_member_checks: z.object(optionalFields(newMemberFields)).optional(),
});

/** A chat's overrides of the anti-spam settings. */
export type AntispamOverride = z.infer<typeof AntispamOverrideSchema>;

const ChatOverrides = z
  .record(z.string().trim().min(1).max(200), AntispamOverrideSchema)
  .refine((chats) => Object.keys(chats).length <= MAX_CHAT_OVERRIDES, `at most ${MAX_CHAT_OVERRIDES} chats`)
  .meta({ description: 'Per-chat overrides, by chat key' });

/**
 * An anti-spam config (`PUT /api/antispam/config`): every setting with its default, and per-chat
 * overrides by chat key.
 */
export const AntispamConfigSchema = z.object({
  flood_limit: settingsFields.flood_limit.default(ANTISPAM_DEFAULTS.flood_limit),
  flood_window_seconds: settingsFields.flood_window_seconds.default(ANTISPAM_DEFAULTS.flood_window_seconds),
  block_links: settingsFields.block_links.default(ANTISPAM_DEFAULTS.block_links),
  banned_words: settingsFields.banned_words.default([]),
  max_emojis: settingsFields.max_emojis.default(ANTISPAM_DEFAULTS.max_emojis),
  new_member_checks: NewMemberChecks.default({ ...ANTISPAM_DEFAULTS.new_member_checks }),
  exempt_users: settingsFields.exempt_users.default([]),
  action: settingsFields.action.default(ANTISPAM_DEFAULTS.action),
  mute_seconds: settingsFields.mute_seconds.default(ANTISPAM_DEFAULTS.mute_seconds),
  warn_window_hours: settingsFields.warn_window_hours.default(ANTISPAM_DEFAULTS.warn_window_hours),
  dry_run: settingsFields.dry_run.default(ANTISPAM_DEFAULTS.dry_run),
  chats: ChatOverrides.default({}),
});

/** A whole anti-spam config, defaults filled in. */
export type AntispamConfig = z.infer<typeof AntispamConfigSchema>;
/** The settings that apply to one chat: a config without its overrides. */
export type AntispamSettings = Omit<AntispamConfig, 'chats'>;

/**
 * A change to an anti-spam config: any of its fields, none defaulted, so an update names only
 * what it changes. `new_member_checks` changes field by field; `chats`, when given, replaces every
 * override.
 */
export const AntispamConfigPatchSchema = AntispamOverrideSchema.extend({ chats: ChatOverrides.optional() });

/** A change to an anti-spam config (see {@link AntispamConfigPatchSchema}). */
export type AntispamConfigPatch = z.infer<typeof AntispamConfigPatchSchema>;

/** The config of someone who never set one: every default. */
export function defaultAntispamConfig(): AntispamConfig {
  return AntispamConfigSchema.parse({});
}

/** Drops the keys whose value is undefined, so spreading an override never blanks a setting. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `settings` with `override` applied: `new_member_checks` field by field, everything else as given. */
function applyOverride<T extends AntispamSettings>(settings: T, override: AntispamOverride): T {
  const { new_member_checks, ...rest } = override;
  return {
    ...settings,
    ...defined(rest),
    new_member_checks: { ...settings.new_member_checks, ...defined(new_member_checks ?? {}) },
  };
}

/** `config` with `patch` applied (see {@link AntispamConfigPatchSchema}). */
export function mergeAntispamConfig(config: AntispamConfig, patch: AntispamConfigPatch): AntispamConfig {
  const { chats, ...settings } = patch;
  return { ...applyOverride(config, settings), chats: chats ?? config.chats };
}

/** The settings for the chat `chatKey`: the config's, with that chat's overrides when it has some. */
export function settingsForChat(config: AntispamConfig, chatKey: string | null | undefined): AntispamSettings {
  const { chats, ...settings } = config;
  const override = chatKey != null && Object.prototype.hasOwnProperty.call(chats, chatKey) ? chats[chatKey] : undefined;
  return override ? applyOverride(settings, override) : settings;
}
