/**
 * How relevant a discovered group or channel is to a discovery search, as a number in [0, 1]:
 *
 * ```
 * relevance = 0.55·K + 0.15·C + 0.20·S + 0.10·A        (rounded to 2 decimals)
 * ```
 *
 * - **K, keyword coverage**: the mean, over the search terms, of 1 when the term is in the
 *   chat's title or username, 0.5 when it is only in its description, 0 otherwise. Terms are
 *   the words of `keywords` (or of `category` when there are no keywords), lower-cased; words
 *   shorter than 2 characters are ignored. Matching is by substring, because usernames run
 *   words together (`cryptosignals`).
 * - **C, category match**: 1 when every word of `category` is in the title, username or
 *   description, else 0. Without a category, C = K, so its weight goes to keyword coverage.
 * - **S, size**: `log10(members + 1) / 5`, capped at 1 — 100 000 members or more score 1, ten
 *   members 0.2; an unknown member count scores 0.
 * - **A, agreement**: how many sources found the chat beyond the first, divided by 2 and capped
 *   at 1 — a chat three sources agree on scores 1.
 *
 * The weights sum to 1 and every factor is in [0, 1], so the score is too. Keyword coverage
 * dominates: a large chat about something else must not outrank a small one on topic.
 */
export const RELEVANCE_WEIGHTS = { keywords: 0.55, category: 0.15, size: 0.2, agreement: 0.1 } as const;

/** What the score is computed from. */
export interface RelevanceInput {
  title: string;
  username: string | null;
  description: string;
  members: number | null;
  /** How many sources found the chat (at least 1). */
  sourceCount: number;
}

/** The search the score measures against. */
export interface RelevanceQuery {
  keywords?: string;
  category?: string;
}

/** The lower-cased words of `text` that are at least 2 characters long. */
export function searchTerms(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter((t) => t.length >= 2);
}

/** Keyword coverage K of the formula above. */
export function keywordCoverage(terms: string[], chat: Pick<RelevanceInput, 'title' | 'username' | 'description'>): number {
  if (terms.length === 0) return 0;
  const named = `${chat.title} ${chat.username ?? ''}`.toLowerCase();
  const described = chat.description.toLowerCase();
  const sum = terms.reduce((acc, t) => acc + (named.includes(t) ? 1 : described.includes(t) ? 0.5 : 0), 0);
  return sum / terms.length;
}

/** Size factor S of the formula above. */
export function sizeScore(members: number | null): number {
  if (members === null || members <= 0) return 0;
  return Math.min(1, Math.log10(members + 1) / 5);
}

/** Agreement factor A of the formula above. */
export function agreementScore(sourceCount: number): number {
  return Math.min(1, Math.max(0, sourceCount - 1) / 2);
}

/** The relevance score of `chat` for `query`, in [0, 1], by the formula documented above. */
export function relevanceScore(chat: RelevanceInput, query: RelevanceQuery): number {
  const keywordTerms = searchTerms(query.keywords);
  const categoryTerms = searchTerms(query.category);
  const k = keywordCoverage(keywordTerms.length > 0 ? keywordTerms : categoryTerms, chat);
  const c = categoryTerms.length === 0 ? k : allPresent(categoryTerms, chat) ? 1 : 0;
  const w = RELEVANCE_WEIGHTS;
  const score = w.keywords * k + w.category * c + w.size * sizeScore(chat.members) + w.agreement * agreementScore(chat.sourceCount);
  return Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
}

function allPresent(terms: string[], chat: Pick<RelevanceInput, 'title' | 'username' | 'description'>): boolean {
  const text = `${chat.title} ${chat.username ?? ''} ${chat.description}`.toLowerCase();
  return terms.every((t) => text.includes(t));
}
