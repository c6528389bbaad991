import type { MessageInfo, Platform } from './platform-port';
import { canonicalTargetKeyOrNull } from './target-keys';

/** Longest excerpt of a matched message kept in the reply ledger and shown in `details`. */
export const MATCHED_TEXT_MAX = 500;

/** Keywords of a comma-separated list: trimmed, lower-cased, blanks and repeats dropped, order kept. */
export function parseKeywords(list: string): string[] {
  return [...new Set(list.split(',').map((k) => k.trim().toLowerCase()).filter((k) => k.length > 0))];
}

/**
 * The identity of a keyword set for the "never twice" rule: the keywords sorted and joined, so
 * `"price, Buy"` and `"buy,price"` count as the same keywords.
 */
export function keywordsKey(keywords: string[]): string {
  return [...keywords].sort().join(',');
}

/** The first of `keywords` that `text` contains, ignoring case; undefined when none does. */
export function matchKeyword(text: string, keywords: string[]): string | undefined {
  const haystack = text.toLowerCase();
  return keywords.find((k) => haystack.includes(k));
}

/**
 * The chat key of a private chat with a message's author: `@username` when a Telegram user has
 * one, else the user id (on WhatsApp the id is the user's JID). Canonical (see
 * `canonicalTargetKey`) whenever it is a well-formed key, so one user is one target in the ledger.
 */
export function privateChatKey(platform: Platform, author: { id: string; username: string | null }): string {
  const key = platform === 'telegram' && author.username ? `@${author.username}` : author.id;
  return canonicalTargetKeyOrNull(platform, key) ?? key;
}

/** A user to reply to privately, and the message that made them one. */
export interface ReplyCandidate {
  /** The platform's id of the user: who the "never twice" rule counts. */
  userKey: string;
  /** Where the private reply goes. */
  targetKey: string;
  username: string | null;
  name: string | null;
  chatKey: string;
  chatTitle: string;
  messageId: number;
  matchedText: string;
}

/**
 * The users whose messages contain a keyword, one each with their newest matching message,
 * newest first. Messages without an author, by the account itself (`selfId`), or posted as the
 * chat itself (channel posts, whose author id is the chat's) are not replied to.
 */
export function pickReplyCandidates(
  messages: MessageInfo[],
  keywords: string[],
  options: { platform: Platform; selfId: string | null },
): ReplyCandidate[] {
  const newestFirst = [...messages].sort(
    (a, b) => b.date.getTime() - a.date.getTime() || a.chatKey.localeCompare(b.chatKey) || b.messageId - a.messageId,
  );
  const byUser = new Map<string, ReplyCandidate>();
  for (const m of newestFirst) {
    const userKey = m.fromId;
    if (!userKey || userKey === options.selfId || userKey === m.chatId || byUser.has(userKey)) continue;
    if (matchKeyword(m.text, keywords) === undefined) continue;
    byUser.set(userKey, {
      userKey,
      targetKey: privateChatKey(options.platform, { id: userKey, username: m.fromUsername || null }),
      username: m.fromUsername || null,
      name: m.fromName || null,
      chatKey: m.chatKey,
      chatTitle: m.chatTitle,
      messageId: m.messageId,
      matchedText: m.text.slice(0, MATCHED_TEXT_MAX),
    });
  }
  return [...byUser.values()];
}

/** The key a message is known by when the "never the same message twice" rule looks it up. */
export function messageKey(m: { chatKey: string; messageId: number }): string {
  return `${m.chatKey}\n${m.messageId}`;
}

/**
 * The candidates to reply to now: those whose message was never answered (`answeredMessages`,
 * by {@link messageKey}) and who were not replied to within the window (`recentUsers`, by user
 * key), in candidate order.
 */
export function pickNewReplies(
  candidates: ReplyCandidate[],
  seen: { answeredMessages: ReadonlySet<string>; recentUsers: ReadonlySet<string> },
): ReplyCandidate[] {
  return candidates.filter((c) => !seen.answeredMessages.has(messageKey(c)) && !seen.recentUsers.has(c.userKey));
}
