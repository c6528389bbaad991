import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from './limits';
import { canonicalTargetKeyOrNull } from './target-keys';
import {
  MEMBER_TEXT_VARIABLES,
  memberTextValues,
  renderMemberText,
  unknownMemberVariables,
  type Member,
} from './member-text';

/** The `group_id` of the config that applies to every chat without its own. */
export const DEFAULT_WELCOME_GROUP = '_default';

/**
 * The canonical form of a config's `group_id`, or null when it names no chat. A config names no
 * account or platform, so the key's shape decides: a JID (`…@g.us`, `…@newsletter`, …) is a
 * WhatsApp chat, its JID lower-cased; anything else is read as Telegram's (`@Name`, `name`,
 * `t.me/Name` become `@name`; ids stay marked ids), else as a WhatsApp phone number. The pipeline
 * looks configs up by the chat keys it stores, which are in these canonical forms.
 */
export function canonicalWelcomeGroup(raw: string): string | null {
  const key = raw.trim();
  if (key === DEFAULT_WELCOME_GROUP) return key;
  if (/^[^@]+@[a-z.]+$/i.test(key)) return canonicalTargetKeyOrNull('whatsapp', key);
  return canonicalTargetKeyOrNull('telegram', key) ?? canonicalTargetKeyOrNull('whatsapp', key);
}

const known = Object.keys(MEMBER_TEXT_VARIABLES)
  .map((v) => `{{${v}}}`)
  .join(', ');

const MemberText = z
  .string()
  .max(MAX_MESSAGE_LENGTH, `at most ${MAX_MESSAGE_LENGTH} characters`)
  .refine((t) => t.trim().length > 0, 'must not be blank')
  .superRefine((text, ctx) => {
    const unknown = unknownMemberVariables(text);
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `unknown variables ${unknown.map((v) => `{{${v}}}`).join(', ')}; known: ${known}` });
    }
  });

/**
 * A chat's welcome and goodbye config (`POST /api/welcome-messages`). A message is enabled by
 * default when its text is given; enabling one without its text is refused. A burst — more
 * than `burst_joins` joins within `burst_window_seconds` — is greeted by one message naming
 * the members; a window of 0 greets every member alone.
 */
export const WelcomeConfigSchema = z
  .object({
    group_id: z
      .string()
      .trim()
      .min(1, 'must not be blank')
      .max(200, 'at most 200 characters')
      .meta({ description: `A chat key, or "${DEFAULT_WELCOME_GROUP}" for every chat without its own config` }),
    welcome_text: MemberText.nullable().optional(),
    goodbye_text: MemberText.nullable().optional(),
    welcome_enabled: z.boolean().optional().meta({ description: 'Default: true when welcome_text is given' }),
    goodbye_enabled: z.boolean().optional().meta({ description: 'Default: true when goodbye_text is given' }),
    /** Telegram: the chat's previous welcome is deleted when a new one is sent. */
    delete_previous: z.boolean().default(false),
    burst_joins: z.number().int().min(1).max(100).default(3),
    burst_window_seconds: z.number().int().min(0).max(3600).default(30),
  })
  .superRefine((c, ctx) => {
    for (const kind of ['welcome', 'goodbye'] as const) {
      if (c[`${kind}_enabled`] === true && !c[`${kind}_text`]) {
        ctx.addIssue({ code: 'custom', path: [`${kind}_text`], message: `${kind}_text is required when ${kind}_enabled is true` });
      }
    }
  })
  .transform((c) => ({
    ...c,
    welcome_text: c.welcome_text ?? null,
    goodbye_text: c.goodbye_text ?? null,
    welcome_enabled: c.welcome_enabled ?? Boolean(c.welcome_text),
    goodbye_enabled: c.goodbye_enabled ?? Boolean(c.goodbye_text),
  }));

/** A chat's welcome and goodbye config, defaults filled in. */
export type WelcomeConfig = z.output<typeof WelcomeConfigSchema>;

/**
 * The config for a chat called `names` (its canonical key, then its other canonical names: its
 * @username, its id): the first name's own config, else the `_default` one, else none.
 */
export function welcomeConfigFor<T extends Pick<WelcomeConfig, 'group_id'>>(configs: readonly T[], names: readonly string[]): T | null {
  for (const name of names) {
    const own = configs.find((c) => c.group_id === name);
    if (own) return own;
  }
  return configs.find((c) => c.group_id === DEFAULT_WELCOME_GROUP) ?? null;
}

/** The welcome for `members` (one, or a burst's several) of the chat titled `group`; null when welcomes are off. */
export function welcomeText(config: WelcomeConfig, members: readonly Member[], group: string): string | null {
  if (!config.welcome_enabled || !config.welcome_text || members.length === 0) return null;
  return renderMemberText(config.welcome_text, memberTextValues(members, group));
}

/** The goodbye for `member` leaving the chat titled `group`; null when goodbyes are off. */
export function goodbyeText(config: WelcomeConfig, member: Member, group: string): string | null {
  if (!config.goodbye_enabled || !config.goodbye_text) return null;
  return renderMemberText(config.goodbye_text, memberTextValues([member], group));
}

/** A member's join of a chat, as the pipeline stored it. */
export interface Join {
  /** The stored event's id: what a plan names, so each join is greeted once. */
  id: string;
  member: Member;
  at: Date;
  /** True once a welcome covering this join was sent (or planned for sending). */
  greeted: boolean;
}

/**
 * What to do next about a chat's welcomes: greet one join, greet a burst's joins in one message,
 * wait until a burst's message is due, or nothing. `joinIds` names exactly the joins a greeting
 * covers: the pipeline marks them greeted with the send, under a business key made of them.
 */
export type WelcomePlan =
  | { kind: 'none' }
  | { kind: 'single'; joinIds: [string]; member: Member }
  | { kind: 'group'; joinIds: string[]; members: Member[] }
  | { kind: 'wait'; until: Date; joinIds: string[] };

const byTime = (a: Join, b: Join) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id);

/** One entry per member, in order: a member who joined twice in a burst is named once. */
function distinctMembers(joins: readonly Join[]): Member[] {
  const seen = new Map<string, Member>();
  for (const j of joins) if (!seen.has(j.member.id)) seen.set(j.member.id, j.member);
  return [...seen.values()];
}

/**
 * The next welcome for a chat, from its joins. The oldest ungreeted join is greeted alone at
 * once, unless it came as part of a burst: more than `burst_joins` joins (greeted or not) in the
 * `burst_window_seconds` up to and including it. A burst's ungreeted joins within that window
 * after it are then greeted together, one message, when the window has passed — so a long raid
 * gets one message per window and a quiet chat's welcomes are never delayed. The first
 * `burst_joins` members of a burst, who could not yet be told from a quiet chat's, have had
 * their own welcomes by then.
 *
 * Call it with the chat's joins from at least `burst_window_seconds` before its oldest ungreeted
 * one, after storing a join and when a `wait` is over; act on the plan, mark its joins, and call
 * again until it answers `none` or `wait`.
 */
export function planWelcome(joins: readonly Join[], now: Date, config: Pick<WelcomeConfig, 'burst_joins' | 'burst_window_seconds'>): WelcomePlan {
  const pending = joins.filter((j) => !j.greeted).sort(byTime);
  const first = pending[0];
  if (first === undefined) return { kind: 'none' };
  const windowMs = config.burst_window_seconds * 1000;
  const since = first.at.getTime() - windowMs;
  const joinsUpToFirst = joins.filter((j) => j.at.getTime() > since && byTime(j, first) <= 0).length;
  if (windowMs === 0 || joinsUpToFirst <= config.burst_joins) return { kind: 'single', joinIds: [first.id], member: first.member };
  const due = first.at.getTime() + windowMs;
  const batch = pending.filter((j) => j.at.getTime() <= due);
  const joinIds = batch.map((j) => j.id);
  if (now.getTime() < due) return { kind: 'wait', until: new Date(due), joinIds };
  // The rest of the burst may have been greeted alone already; a lone join left is greeted alone.
  if (batch.length === 1) return { kind: 'single', joinIds: [first.id], member: first.member };
  return { kind: 'group', joinIds, members: distinctMembers(batch) };
}
