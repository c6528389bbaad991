/**
 * Keyword auto-replies: which rules answer a message, in which order, with what text, and whether
 * a cooldown holds the reply back. Pure: the caller reads the rules and the last-fired times from
 * PostgreSQL, and sends what {@link evaluateAutoReplies} chooses through the one send path.
 *
 * Order: a lower `priority` answers first (priority 1 before 100); rules of one priority in the
 * order they were created. The first rule that matches wins the message; when a cooldown holds it
 * back nothing is sent (a lower rule does not step in, so a held "hello" rule is not answered by a
 * catch-all instead).
 */
import { isCatchAll, keywordMatches, type KeywordMatcher } from './auto-reply-matching';
import { renderMemberText, type MemberTextValues, type MemberTextVariable } from './member-text';
import type { ChatType, Platform } from './platform-port';

export { MATCH_MODES, type MatchMode } from './auto-reply-matching';

/** Kinds of chat a rule may answer in. */
export const AUTO_REPLY_CHAT_TYPES = ['private', 'group', 'channel'] as const;
export type AutoReplyChatType = (typeof AUTO_REPLY_CHAT_TYPES)[number];

/** Where a reply goes: into the chat, quoting the message, or privately to its sender. */
export const REPLY_PLACES = ['chat', 'private'] as const;
export type ReplyIn = (typeof REPLY_PLACES)[number];

/** The priority of a rule that names none. */
export const DEFAULT_PRIORITY = 100;

/** The cooldown per rule, chat and sender of a rule that names none, in seconds. */
export const DEFAULT_COOLDOWN_SECONDS = 60;

/** Variables a reply may use, with what each becomes: the member-text variables, said of the sender. */
export const REPLY_VARIABLES = {
  name: "the sender's name (their @username without the @ when they show no name; empty when neither)",
  username: "the sender's @username (empty when they have none)",
  group: "the chat's title (empty in a private chat)",
} as const satisfies Record<MemberTextVariable, string>;

/** An auto-reply rule as the engine reads it. */
export interface AutoReplyRule extends KeywordMatcher {
  id: string;
  response: string;
  /** Lower answers first. */
  priority: number;
  enabled: boolean;
  /** Only messages to this account; null: every account of the owner. */
  accountId: string | null;
  /** Only messages on this platform; null: both. */
  platform: Platform | null;
  /** The kinds of chat the rule answers in; null: private chats and groups, or private chats alone for a catch-all. */
  chatTypes: AutoReplyChatType[] | null;
  /** Canonical chat keys the rule answers in alone; empty: any chat. */
  allowChats: string[];
  /** Canonical chat keys the rule never answers in. */
  denyChats: string[];
  replyIn: ReplyIn;
  /** Seconds the rule stays quiet for one sender in one chat after answering them; 0: never. */
  cooldownSeconds: number;
  /** Seconds the rule stays quiet in a chat after answering anyone there; null: no such cooldown. */
  chatCooldownSeconds: number | null;
  /** Seconds the rule stays quiet on an account after answering anyone; null: no such cooldown. */
  accountCooldownSeconds: number | null;
  createdAt: Date;
}

/** The message a rule is tried against, and what the reply's variables become. */
export interface MessageFacts {
  text: string;
  /** The account that received it; null when testing without one (every rule's account and platform then fit). */
  account: { id: string; platform: Platform } | null;
  chatType: AutoReplyChatType;
  /** The chat's canonical key; null when unknown (rules limited to named chats then do not answer). */
  chatKey: string | null;
  chatTitle: string | null;
  sender: { id: string | null; name: string | null; username: string | null };
}

/** What a cooldown is counted over: one sender in one chat, one chat, or the whole account. */
export type CooldownScope = 'sender' | 'chat' | 'account';

/** When each rule last answered, by rule id, in each scope of the message at hand (its sender, chat and account). */
export type CooldownState = Record<CooldownScope, ReadonlyMap<string, Date>>;

/** No rule has answered yet. */
export const NO_COOLDOWNS: CooldownState = { sender: new Map(), chat: new Map(), account: new Map() };

/** A rule that matches a message, with the reply it would send. */
export interface AutoReplyMatch {
  rule: AutoReplyRule;
  /** The response with its variables rendered. */
  reply: string;
  /** The cooldown that holds the reply back now, if any, and until when. */
  heldBy: { scope: CooldownScope; until: Date } | null;
}

/** What {@link evaluateAutoReplies} found. */
export interface AutoReplyEvaluation {
  /** Every rule that matches, in the order rules answer. */
  matches: AutoReplyMatch[];
  /** The reply to send: the first match, unless a cooldown holds it back. */
  send: AutoReplyMatch | null;
}

/** `rules` in the order they answer: lower priority first, then older first, then by id. */
export function inAnsweringOrder<R extends Pick<AutoReplyRule, 'priority' | 'createdAt' | 'id'>>(rules: readonly R[]): R[] {
  return [...rules].sort(
    (a, b) => a.priority - b.priority || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The kinds of chat `rule` answers in: its own list, or by default private chats and groups (private chats alone for a catch-all). */
export function effectiveChatTypes(rule: AutoReplyRule): readonly AutoReplyChatType[] {
  if (rule.chatTypes) return rule.chatTypes;
  return isCatchAll(rule) ? ['private'] : ['private', 'group'];
}

/** True when `rule` may answer `message` at all: enabled, its account, platform, kind of chat and chat lists. */
export function ruleApplies(rule: AutoReplyRule, message: MessageFacts): boolean {
  if (!rule.enabled) return false;
  if (message.account && rule.accountId !== null && rule.accountId !== message.account.id) return false;
  if (message.account && rule.platform !== null && rule.platform !== message.account.platform) return false;
  if (rule.allowChats.length > 0 && (message.chatKey === null || !rule.allowChats.includes(message.chatKey))) return false;
  if (message.chatKey !== null && rule.denyChats.includes(message.chatKey)) return false;
  return effectiveChatTypes(rule).includes(message.chatType);
}

/**
 * The cooldown that holds `rule` back at `now`, if any: a scope where it answered less than that
 * scope's seconds ago. At exactly the cooldown's end it answers again.
 */
export function cooldownHold(rule: AutoReplyRule, cooldowns: CooldownState, now: Date): AutoReplyMatch['heldBy'] {
  const windows: [CooldownScope, number | null][] = [
    ['sender', rule.cooldownSeconds],
    ['chat', rule.chatCooldownSeconds],
    ['account', rule.accountCooldownSeconds],
  ];
  let hold: AutoReplyMatch['heldBy'] = null;
  for (const [scope, seconds] of windows) {
    const last = cooldowns[scope].get(rule.id);
    if (!seconds || !last) continue;
    const until = new Date(last.getTime() + seconds * 1000);
    if (until > now && (!hold || until > hold.until)) hold = { scope, until };
  }
  return hold;
}

/** `response` with `{{name}}`, `{{username}}` and `{{group}}` filled in for `message`; unknown variables stay as written. */
export function renderReply(response: string, message: MessageFacts): string {
  const { name, username } = message.sender;
  const values: MemberTextValues = {
    name: name || username || '',
    username: username ? `@${username}` : '',
    group: message.chatType === 'private' ? '' : (message.chatTitle ?? ''),
  };
  return renderMemberText(response, values);
}

/**
 * Every rule of `rules` that answers `message`, in answering order, each with its rendered reply
 * and the cooldown (from `cooldowns`, the last-fired times in the message's scopes) that holds it
 * back at `now`; and the reply to send, the first match unless it is held back.
 */
export function evaluateAutoReplies(
  rules: readonly AutoReplyRule[],
  message: MessageFacts,
  cooldowns: CooldownState,
  now: Date,
): AutoReplyEvaluation {
  const matches = inAnsweringOrder(rules)
    .filter((rule) => ruleApplies(rule, message) && keywordMatches(rule, message.text))
    .map((rule) => ({ rule, reply: renderReply(rule.response, message), heldBy: cooldownHold(rule, cooldowns, now) }));
  const first = matches[0];
  return { matches, send: first && !first.heldBy ? first : null };
}

/**
 * The kind of chat an inbound message came from, for the rules: what the account knows of the
 * chat (its scan), else what the key says — a WhatsApp group JID or a Telegram group or channel id
 * (negative) is a group, anything else a private chat. An unknown Telegram `-100…` chat counts as
 * a group, so a catch-all rule stays out of it.
 */
export function chatTypeOf(platform: Platform, chatKey: string, known: ChatType | undefined): AutoReplyChatType {
  if (known) return known === 'contact' ? 'private' : known;
  if (platform === 'whatsapp') return chatKey.endsWith('@g.us') ? 'group' : chatKey.endsWith('@newsletter') ? 'channel' : 'private';
  return chatKey.startsWith('-') ? 'group' : 'private';
}
