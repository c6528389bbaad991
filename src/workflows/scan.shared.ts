/**
 * Names, inputs and failure types of the scan workflows (scan, message search, search-reply,
 * discovery), shared by the workflows, their activities and the API. No I/O, no Node built-ins.
 */
import type { ExternalDiscoverySource } from '../domain/discovery';
import type { TargetType } from '../domain/scan-filters';

export const SCAN_CHATS_WORKFLOW = 'scanChatsWorkflow';
export const SCAN_MESSAGES_WORKFLOW = 'scanMessagesWorkflow';
export const SEARCH_REPLY_WORKFLOW = 'searchReplyWorkflow';
export const DISCOVER_GROUPS_WORKFLOW = 'discoverGroupsWorkflow';

/** The workflow id of scan job `jobId`. */
export function scanWorkflowId(jobId: string): string {
  return `scan-${jobId}`;
}

/** What every scan workflow gets: its job, the account, and the account's session task queue. */
export interface ScanJobInput<P> {
  jobId: string;
  accountId: string;
  sessionTaskQueue: string;
  params: P;
}

/** `POST /api/v1/scan`: keep chats active at or after `cutoffMs` (null: all). */
export interface ChatScanParams {
  maxAgeDays: number;
  sinceTs: number | null;
  cutoffMs: number | null;
}

/** `POST /api/v1/scan/messages`. */
export interface MessageScanParams {
  query: string;
  targetType: TargetType;
  perChatLimit: number;
  maxChats: number;
  lookbackDays: number;
  sinceTs: number | null;
  untilTs: number | null;
  /** The search window the API computed from lookback and timestamps when the job started. */
  sinceMs: number | null;
  untilMs: number | null;
}

/** `POST /api/v1/scan/search-reply`. */
export interface SearchReplyParams {
  /** As the caller wrote them; the answer echoes this. */
  keywords: string;
  keywordList: string[];
  keywordsKey: string;
  replyText: string;
  targetType: TargetType;
  maxChats: number;
  perChatLimit: number;
  /** The same user is not replied to twice within this many days, whatever the keywords… */
  windowDays: number;
  /** …unless the caller allows it (a message is still never answered twice); absent before it existed. */
  allowRepeat?: boolean;
}

/** `POST /api/v1/scan/discover`. */
export interface DiscoverParams {
  /** The account's platform, whose own search is always asked. */
  platform: 'telegram' | 'whatsapp';
  keywords: string | null;
  category: string | null;
  /** What the sources search for. */
  query: string;
  minMembers: number;
  includeChannels: boolean;
  onlyNew: boolean;
  maxResults: number;
  /** The optional sources asked besides the platform's own search. */
  sources: ExternalDiscoverySource[];
  /** Time limit of each optional source. */
  sourceTimeoutMs: number;
}

/** How a scan workflow ends: the job's result is in the `scan_jobs` row. */
export interface ScanJobResult {
  jobId: string;
  status: 'completed';
}

/** Failure types of scan jobs that ended without a platform failure. */
export const ScanEndTypes = {
  /** The workflow was cancelled (from the Temporal UI, say). */
  Cancelled: 'ScanCancelled',
  /** The workflow ended without recording an outcome (terminated, timed out). */
  Aborted: 'ScanAborted',
} as const;
