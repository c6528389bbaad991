import { clampMuteSeconds, settingsForChat, type AntispamConfig, type AntispamSettings } from './antispam-config';
import {
  EMPTY_SENDER_RECORD,
  runChecks,
  type MessageFacts,
  type SenderFacts,
  type SenderRecord,
  type SpamReason,
} from './antispam-checks';
import { displayName, type Member } from './member-text';

/**
 * Telegram's GroupAnonymousBot: the sender the Bot API shows for an anonymous admin's message
 * (MTProto shows the group itself, a `chat` sender).
 */
export const TELEGRAM_ANONYMOUS_ADMIN_ID = '1087968824';
/** Telegram's service account, the sender the Bot API shows for a linked channel's automatic forwards. */
export const TELEGRAM_SERVICE_ID = '777000';

/** Why a sender is never checked. */
export type Exemption = 'anonymous_admin' | 'linked_channel' | 'admin' | 'exempt_user';

/** What anti-spam does about one message; `none` when it is not spam. */
export const MODERATION_ACTIONS = ['none', 'warn', 'delete', 'mute', 'ban'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** The ladder's steps, by how many offences the sender has within `warn_window_hours`. */
export const LADDER_STEPS = ['delete', 'warn', 'mute', 'ban'] as const satisfies readonly ModerationAction[];

/** A message and its sender, as the inbound pipeline knows them. */
export interface AntispamFacts {
  /** The chat the message was posted in (canonical key), whose overrides apply. */
  chatKey: string | null;
  message: MessageFacts;
  sender: SenderFacts & {
    /** True when a `channel` sender is the chat's linked channel (its discussion group is this chat). */
    isLinkedChannel?: boolean;
  };
}

/**
 * Anti-spam's verdict on one message, and what to do about it. The pipeline carries it out
 * (unless `dryRun`), logs it with its reasons, and records an offence for every spam decision
 * that is not a dry run; a `ban` also puts the sender on the ban list.
 */
export interface AntispamDecision {
  spam: boolean;
  /** Every check the message failed, in check order; empty when it is not spam. */
  reasons: SpamReason[];
  action: ModerationAction;
  /** True when the message itself is deleted: for every action but a fixed `warn`, and every step of the ladder. */
  deleteMessage: boolean;
  /** Until when a `mute` holds: `mute_seconds` after the message, clamped to what Telegram accepts. */
  muteUntil?: Date;
  /** Why the sender was not checked at all, or null. */
  exemption: Exemption | null;
  /** True when nothing may be done: the decision is only logged. */
  dryRun: boolean;
}

/**
 * Why `sender` is never checked, or null: Telegram's anonymous admins (the group posting as
 * itself), the chat's linked channel and Telegram's service account, the chat's admins, and
 * `exempt_users` (by id, or by @username in any case). Other channels posting in a group are
 * checked like users: anyone may post as their own channel.
 */
export function exemptionOf(sender: AntispamFacts['sender'], settings: AntispamSettings): Exemption | null {
  if (sender.kind === 'chat' || sender.id === TELEGRAM_ANONYMOUS_ADMIN_ID) return 'anonymous_admin';
  if ((sender.kind === 'channel' && sender.isLinkedChannel === true) || sender.id === TELEGRAM_SERVICE_ID) return 'linked_channel';
  if (sender.isAdmin) return 'admin';
  const username = sender.username?.replace(/^@/, '').toLowerCase();
  const listed = settings.exempt_users.some((entry) =>
    entry.startsWith('@') ? username !== undefined && entry.slice(1).toLowerCase() === username : entry === sender.id,
  );
  return listed ? 'exempt_user' : null;
}

/**
 * The ladder's step for a sender with `offences`: delete for a first offence within
 * `warn_window_hours`, then warn, then mute, then ban. An offence exactly `warn_window_hours` old
 * no longer counts. Offences of messages received after this one count too: a sender's messages
 * are judged one at a time but not always in the order they arrived, and each judged one must
 * climb a rung.
 */
export function ladderStep(offences: readonly Date[], at: Date, warnWindowHours: number): (typeof LADDER_STEPS)[number] {
  const since = at.getTime() - warnWindowHours * 3_600_000;
  const counted = offences.filter((t) => t.getTime() > since).length;
  return LADDER_STEPS[Math.min(counted, LADDER_STEPS.length - 1)]!;
}

function chooseAction(settings: AntispamSettings, record: SenderRecord, at: Date): Exclude<ModerationAction, 'none'> {
  if (settings.action !== 'ladder') return settings.action;
  // A banned sender's ban is already decided: the ladder goes straight to its last step.
  if (record.banned) return 'ban';
  return ladderStep(record.offences, at, settings.warn_window_hours);
}

/**
 * Anti-spam's decision on a message: exempt senders are not checked; otherwise every check runs
 * against the chat's settings, and a message failing any is spam and gets the configured action
 * (a fixed one, or the ladder's step for the sender). Pure: `record` comes from the caller.
 */
export function decideAntispam(facts: AntispamFacts, config: AntispamConfig, record: SenderRecord): AntispamDecision {
  const settings = settingsForChat(config, facts.chatKey);
  const dryRun = settings.dry_run;
  const notSpam = (exemption: Exemption | null): AntispamDecision => ({
    spam: false,
    reasons: [],
    action: 'none',
    deleteMessage: false,
    exemption,
    dryRun,
  });
  const exemption = exemptionOf(facts.sender, settings);
  if (exemption !== null) return notSpam(exemption);
  const reasons = runChecks({ message: facts.message, sender: facts.sender, settings, record });
  if (reasons.length === 0) return notSpam(null);
  const action = chooseAction(settings, record, facts.message.at);
  return {
    spam: true,
    reasons,
    action,
    deleteMessage: action !== 'warn' || settings.action === 'ladder',
    ...(action === 'mute' ? { muteUntil: new Date(facts.message.at.getTime() + clampMuteSeconds(settings.mute_seconds) * 1000) } : {}),
    exemption: null,
    dryRun,
  };
}

/** A message to test (`POST /api/antispam/check`): a sender id (or @username), a text, and optionally the chat. */
export interface AntispamCheckRequest {
  userId: string;
  text: string;
  chatKey?: string | null;
}

/**
 * The decision anti-spam would make on a message, with no platform facts: the sender counts as
 * a user who is no admin and no new member, and the message as no forward. `record` adds what
 * is known of the sender (the ban list; flood and offences when the caller has them).
 */
export function checkAntispam(
  request: AntispamCheckRequest,
  config: AntispamConfig,
  context: { at: Date; record?: Partial<SenderRecord> },
): AntispamDecision {
  const byUsername = request.userId.startsWith('@');
  return decideAntispam(
    {
      chatKey: request.chatKey ?? null,
      message: { text: request.text, isForward: false, at: context.at },
      sender: {
        id: request.userId,
        username: byUsername ? request.userId.slice(1) : null,
        kind: 'user',
        isAdmin: false,
        joinedAt: null,
        messagesSinceJoin: 0,
      },
    },
    config,
    { ...EMPTY_SENDER_RECORD, ...context.record },
  );
}

/** How a warning names each reason. */
const REASON_WORDS: Record<SpamReason['reason'], string> = {
  flood: 'too many messages',
  link: 'links are not allowed',
  banned_word: 'a banned word',
  emojis: 'too many emojis',
  new_member_link: 'new members may not post links',
  new_member_forward: 'new members may not forward messages',
  banned_user: 'you are banned here',
};

/** The warning anti-spam posts in the chat for `member`'s spam message. */
export function warningText(member: Member, reasons: readonly SpamReason[]): string {
  const why = [...new Set(reasons.map((r) => REASON_WORDS[r.reason]))].join(', ');
  return `⚠️ ${displayName(member)}, your message breaks this chat's rules (${why}).`;
}
