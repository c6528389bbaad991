import type { ChatInfo, ChatType } from './platform-port';

/** What a scan may be limited to, as the API names it. */
export const TARGET_TYPES = ['groups', 'channels', 'contacts', 'all'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

const CHAT_TYPE_OF: Record<Exclude<TargetType, 'all'>, ChatType> = {
  groups: 'group',
  channels: 'channel',
  contacts: 'contact',
};

const DAY_MS = 86_400_000;

/** The chat type a target type names; undefined for `all`. */
export function chatTypeOf(targetType: TargetType): ChatType | undefined {
  return targetType === 'all' ? undefined : CHAT_TYPE_OF[targetType];
}

/**
 * The earliest last-activity a scanned chat may have, in epoch milliseconds: the later of
 * "`maxAgeDays` before `nowMs`" and `sinceTs` (Unix seconds). Null when neither is given
 * (`max_age_days` 0 means no filter).
 */
export function activityCutoff(filter: { maxAgeDays?: number; sinceTs?: number }, nowMs: number): number | null {
  const bounds = [
    filter.maxAgeDays ? nowMs - filter.maxAgeDays * DAY_MS : null,
    filter.sinceTs === undefined ? null : filter.sinceTs * 1000,
  ].filter((b): b is number => b !== null);
  return bounds.length === 0 ? null : Math.max(...bounds);
}

/**
 * The chats active at or after `cutoffMs`. A chat whose last activity is unknown cannot be shown
 * to be active, so a cutoff leaves it out.
 */
export function filterChatsByActivity<T extends Pick<ChatInfo, 'lastActivityAt'>>(chats: T[], cutoffMs: number | null): T[] {
  if (cutoffMs === null) return chats;
  return chats.filter((c) => c.lastActivityAt !== null && c.lastActivityAt.getTime() >= cutoffMs);
}

/**
 * The chats a message search looks into: those of `targetType`, most recently active first (they
 * are the likeliest to hold matching messages), at most `maxChats`.
 */
export function selectChatsToSearch<T extends Pick<ChatInfo, 'type' | 'lastActivityAt' | 'title'>>(
  chats: T[],
  targetType: TargetType,
  maxChats: number,
): T[] {
  const type = chatTypeOf(targetType);
  return chats
    .filter((c) => type === undefined || c.type === type)
    .sort(
      (a, b) =>
        (b.lastActivityAt?.getTime() ?? -Infinity) - (a.lastActivityAt?.getTime() ?? -Infinity) || a.title.localeCompare(b.title),
    )
    .slice(0, maxChats);
}

/** Bounds of a message search in epoch milliseconds; null for unbounded. */
export interface SearchWindow {
  sinceMs: number | null;
  untilMs: number | null;
}

/**
 * The dates a message search covers: from the later of "`lookbackDays` before `nowMs`" (0 means
 * unlimited) and `sinceTs`, up to `untilTs`; timestamps are Unix seconds.
 */
export function searchWindow(
  filter: { lookbackDays?: number; sinceTs?: number; untilTs?: number },
  nowMs: number,
): SearchWindow {
  return {
    sinceMs: activityCutoff({ maxAgeDays: filter.lookbackDays, sinceTs: filter.sinceTs }, nowMs),
    untilMs: filter.untilTs === undefined ? null : filter.untilTs * 1000,
  };
}

/**
 * A platform id as the API shows it: a number when it is an integer JavaScript holds exactly
 * (Telegram ids, as the reference's examples show them), otherwise the string (WhatsApp JIDs).
 */
export function platformIdValue(id: string): number | string {
  if (!/^-?\d{1,16}$/.test(id)) return id;
  const value = Number(id);
  return Number.isSafeInteger(value) ? value : id;
}
