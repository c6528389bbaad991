import { z } from 'zod';
import { discoveryQuery, EXTERNAL_DISCOVERY_SOURCES, type ExternalDiscoverySource } from '../../domain/discovery';
import { MAX_MESSAGE_LENGTH } from '../../domain/limits';
import { activityCutoff, searchWindow, TARGET_TYPES } from '../../domain/scan-filters';
import { keywordsKey, parseKeywords } from '../../domain/search-reply';
import { keptText } from '../schemas/text';
import type { ChatScanParams, DiscoverParams, MessageScanParams, SearchReplyParams } from '../../workflows/scan.shared';

/** Longest a caller may ask a scan request to wait for its result (`wait_seconds`). */
export const MAX_WAIT_SECONDS = 120;

/** Latest Unix timestamp (seconds) a request may name: the end of year 9999, which every date type holds. */
const MAX_UNIX_TS = 253_402_300_799;

const accountId = z.string().trim().min(1).max(100);
const unixTs = z.number().int().min(0, 'must be a Unix timestamp in seconds').max(MAX_UNIX_TS, 'must be a Unix timestamp in seconds');
const days = z.number().min(0).max(36_500);
/** Not in the reference: how long this request waits for the result before answering 202 (default SCAN_WAIT_SECONDS). */
const waitSeconds = z.number().min(0).max(MAX_WAIT_SECONDS).optional();

/** `POST /api/v1/scan`. */
export const ScanBody = z.object({
  account_id: accountId,
  max_age_days: days.default(0),
  since_ts: unixTs.optional(),
  wait_seconds: waitSeconds,
});

/** `GET` (query) and `POST` (body) `/api/v1/scan/results`. */
export const ScanResultsFilter = z.object({
  account_id: accountId.optional(),
  type: z.enum(['groups', 'channels', 'contacts', 'all']).default('all'),
});

/** `POST /api/v1/scan/messages`. */
export const ScanMessagesBody = z
  .object({
    account_id: accountId,
    query: z.string().trim().min(1, 'must not be blank').max(256),
    target_type: z.enum(TARGET_TYPES).default('all'),
    per_chat_limit: z.number().int().min(1).max(100).default(8),
    max_chats: z.number().int().min(1).max(500).default(60),
    lookback_days: days.default(0),
    since_ts: unixTs.optional(),
    until_ts: unixTs.optional(),
    wait_seconds: waitSeconds,
  })
  .refine((b) => b.since_ts === undefined || b.until_ts === undefined || b.since_ts <= b.until_ts, {
    path: ['until_ts'],
    message: 'must not be before since_ts',
  });

/** `POST /api/v1/scan/search-reply`. */
export const SearchReplyBody = z.object({
  account_id: accountId,
  keywords: z
    .string()
    .max(1000)
    .refine((k) => parseKeywords(k).length > 0, 'give at least one keyword (comma-separated)'),
  reply_text: keptText(MAX_MESSAGE_LENGTH),
  target_type: z.enum(TARGET_TYPES).default('all'),
  max_chats: z.number().int().min(1).max(500).default(120),
  per_chat_limit: z.number().int().min(1).max(500).default(120),
  /** Reply to users answered within the window too (never to the same message twice). */
  allow_repeat: z.boolean().default(false),
  wait_seconds: waitSeconds,
});

/** `POST /api/v1/scan/discover`. */
export const DiscoverBody = z
  .object({
    account_id: accountId,
    keywords: z.string().trim().max(256).optional(),
    category: z.string().trim().max(64).optional(),
    min_members: z.number().int().min(0).max(1_000_000_000).default(0),
    include_channels: z.boolean().default(false),
    only_new: z.boolean().default(true),
    max_results: z.number().int().min(1).max(200).default(40),
    use_tgstat: z.boolean().default(true),
    use_web: z.boolean().default(true),
    use_searchee: z.boolean().default(true),
    wait_seconds: waitSeconds,
  })
  .refine((b) => discoveryQuery(b.keywords, b.category) !== '', { path: ['keywords'], message: 'give keywords or a category to search for' });

/** The job parameters of a chat scan started at `nowMs`. */
export function chatScanParams(b: z.infer<typeof ScanBody>, nowMs: number): ChatScanParams {
  return {
    maxAgeDays: b.max_age_days,
    sinceTs: b.since_ts ?? null,
    cutoffMs: activityCutoff({ maxAgeDays: b.max_age_days, sinceTs: b.since_ts }, nowMs),
  };
}

/** The job parameters of a message search started at `nowMs`. */
export function messageScanParams(b: z.infer<typeof ScanMessagesBody>, nowMs: number): MessageScanParams {
  const window = searchWindow({ lookbackDays: b.lookback_days, sinceTs: b.since_ts, untilTs: b.until_ts }, nowMs);
  return {
    query: b.query,
    targetType: b.target_type,
    perChatLimit: b.per_chat_limit,
    maxChats: b.max_chats,
    lookbackDays: b.lookback_days,
    sinceTs: b.since_ts ?? null,
    untilTs: b.until_ts ?? null,
    sinceMs: window.sinceMs,
    untilMs: window.untilMs,
  };
}

/** The job parameters of a search-reply under a window of `windowDays`. */
export function searchReplyParams(b: z.infer<typeof SearchReplyBody>, windowDays: number): SearchReplyParams {
  const keywordList = parseKeywords(b.keywords);
  return {
    keywords: b.keywords,
    keywordList,
    keywordsKey: keywordsKey(keywordList),
    replyText: b.reply_text,
    targetType: b.target_type,
    maxChats: b.max_chats,
    perChatLimit: b.per_chat_limit,
    windowDays,
    allowRepeat: b.allow_repeat,
  };
}

/** The job parameters of a discovery on a `platform` account with sources limited to `sourceTimeoutMs`. */
export function discoverParams(
  b: z.infer<typeof DiscoverBody>,
  platform: DiscoverParams['platform'],
  sourceTimeoutMs: number,
): DiscoverParams {
  const wanted: Record<ExternalDiscoverySource, boolean> = {
    tgstat: b.use_tgstat,
    duckduckgo: b.use_web,
    bing: b.use_web,
    searchee: b.use_searchee,
  };
  return {
    platform,
    keywords: b.keywords || null,
    category: b.category || null,
    query: discoveryQuery(b.keywords, b.category),
    minMembers: b.min_members,
    includeChannels: b.include_channels,
    onlyNew: b.only_new,
    maxResults: b.max_results,
    sources: EXTERNAL_DISCOVERY_SOURCES.filter((s) => wanted[s]),
    sourceTimeoutMs,
  };
}
