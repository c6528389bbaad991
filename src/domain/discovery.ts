import { relevanceScore } from './discovery-relevance';

/** The optional discovery sources besides the account's own platform search. */
export const EXTERNAL_DISCOVERY_SOURCES = ['tgstat', 'duckduckgo', 'bing', 'searchee'] as const;
export type ExternalDiscoverySource = (typeof EXTERNAL_DISCOVERY_SOURCES)[number];

/** A public group or channel as a source reports it; what a source does not know is null. */
export interface DiscoveryCandidate {
  title: string;
  username: string | null;
  members: number | null;
  type: 'group' | 'channel' | null;
  description: string;
}

/** What one source answered: its chats, or why it has none. */
export interface SourceReport {
  name: string;
  ok: boolean;
  error?: string;
  chats: DiscoveryCandidate[];
}

/** A source's line in a discovery result. */
export interface SourceSummary {
  name: string;
  ok: boolean;
  count: number;
  error?: string;
}

/** A candidate with the sources that found it. */
export interface MergedCandidate extends DiscoveryCandidate {
  sources: string[];
}

/** What a chat resolved through the account turned out to be; null when it does not exist. */
export type ResolvedCandidate = Pick<DiscoveryCandidate, 'title' | 'members' | 'type'> | null;

/** How discovery results are filtered, ranked and cut. */
export interface RankOptions {
  keywords?: string;
  category?: string;
  minMembers: number;
  includeChannels: boolean;
  /** Usernames (any case, with or without `@`) of chats to leave out: the account's known chats under `only_new`. */
  exclude: string[];
  maxResults: number;
}

/** A discovered chat as `POST /api/v1/scan/discover` answers it. */
export interface DiscoveredGroupView {
  title: string;
  username: string | null;
  members: number | null;
  link: string | null;
  type: 'group' | 'channel' | null;
  relevance_score: number;
}

/** The text a discovery searches for: the keywords, or the category when no keywords are given. */
export function discoveryQuery(keywords: string | undefined, category: string | undefined): string {
  return keywords?.trim() || category?.trim() || '';
}

/** A username without `@`, or null for none; case is kept. */
export function normalizeUsername(username: string | null | undefined): string | null {
  const name = username?.trim().replace(/^@/, '');
  return name ? name : null;
}

function identity(c: DiscoveryCandidate): string {
  const username = normalizeUsername(c.username);
  return username ? `@${username.toLowerCase()}` : `title:${c.title.trim().toLowerCase()}`;
}

/**
 * The chats of every successful source, one per chat (by username, case-insensitively, or by
 * title for chats without one), with the sources that found it. Earlier reports win on
 * conflicting facts; later ones fill in what earlier ones did not know.
 */
export function mergeCandidates(reports: SourceReport[]): MergedCandidate[] {
  const merged = new Map<string, MergedCandidate>();
  for (const report of reports) {
    if (!report.ok) continue;
    for (const chat of report.chats) {
      const key = identity(chat);
      const known = merged.get(key);
      if (!known) {
        merged.set(key, { ...chat, username: normalizeUsername(chat.username), sources: [report.name] });
        continue;
      }
      if (!known.sources.includes(report.name)) known.sources.push(report.name);
      known.members ??= chat.members;
      known.type ??= chat.type;
      if (chat.description.length > known.description.length) known.description = chat.description;
    }
  }
  return [...merged.values()];
}

/** Usernames of at most `limit` candidates whose member count or type is still unknown. */
export function usernamesToResolve(candidates: MergedCandidate[], limit: number): string[] {
  return candidates
    .filter((c) => c.username !== null && (c.members === null || c.type === null))
    .slice(0, limit)
    .map((c) => c.username!);
}

/**
 * Candidates with what resolving them through the account found: facts filled in, and those
 * the platform says do not exist dropped. Usernames missing from `resolved` stay as they were.
 */
export function applyResolved(candidates: MergedCandidate[], resolved: Record<string, ResolvedCandidate>): MergedCandidate[] {
  const byName = new Map(Object.entries(resolved).map(([u, r]) => [u.toLowerCase(), r]));
  const result: MergedCandidate[] = [];
  for (const c of candidates) {
    const key = c.username?.toLowerCase();
    if (key === undefined || !byName.has(key)) {
      result.push(c);
      continue;
    }
    const found = byName.get(key);
    if (!found) continue;
    result.push({ ...c, title: found.title || c.title, members: found.members ?? c.members, type: found.type ?? c.type });
  }
  return result;
}

/**
 * The discovery answer: candidates with at least `minMembers` members (an unknown count does
 * not pass a minimum above 0), channels only with `includeChannels` (a chat of unknown type
 * could be one, so it needs it too), without excluded usernames, scored by
 * {@link relevanceScore}, best first (then larger first), at most `maxResults`.
 */
export function rankDiscovered(candidates: MergedCandidate[], options: RankOptions): DiscoveredGroupView[] {
  const excluded = new Set(options.exclude.map((u) => normalizeUsername(u)?.toLowerCase()).filter(Boolean));
  return candidates
    .filter((c) => options.minMembers <= 0 || (c.members ?? -1) >= options.minMembers)
    .filter((c) => options.includeChannels || c.type === 'group')
    .filter((c) => !c.username || !excluded.has(c.username.toLowerCase()))
    .map((c) => ({
      title: c.title,
      username: c.username,
      members: c.members,
      link: c.username ? `t.me/${c.username}` : null,
      type: c.type,
      relevance_score: relevanceScore(
        { title: c.title, username: c.username, description: c.description, members: c.members, sourceCount: c.sources.length },
        { keywords: options.keywords, category: options.category },
      ),
    }))
    .sort(
      (a, b) =>
        b.relevance_score - a.relevance_score || (b.members ?? -1) - (a.members ?? -1) || a.title.localeCompare(b.title),
    )
    .slice(0, options.maxResults);
}

/** Each source's line of the answer: whether it worked, how many chats it found, and why not. */
export function summarizeSources(reports: SourceReport[]): SourceSummary[] {
  return reports.map((r) => ({
    name: r.name,
    ok: r.ok,
    count: r.chats.length,
    ...(r.error !== undefined && { error: r.error }),
  }));
}
