import type { DiscoveryCandidate, ExternalDiscoverySource, SourceReport } from '../domain/discovery';
import { parseTgstatSearch, parseWebResults } from '../domain/discovery-sources';

/** An optional discovery source asked over HTTP. Sources are pluggable: each is one adapter. */
export interface DiscoverySourceAdapter {
  readonly name: ExternalDiscoverySource;
  /** Public chats for `query`; throws when the source cannot answer. */
  search(query: string, options: { limit: number; signal: AbortSignal }): Promise<DiscoveryCandidate[]>;
}

/** A source that cannot be asked as configured (no token); reported without trying. */
export class SourceNotConfiguredError extends Error {
  override readonly name = 'SourceNotConfiguredError';
}

type Fetch = typeof fetch;

// Search engines answer a plain client with a captcha or nothing; a browser-like agent gets the HTML page.
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

async function getText(fetchImpl: Fetch, url: string, signal: AbortSignal): Promise<string> {
  const response = await fetchImpl(url, { signal, headers: { 'User-Agent': USER_AGENT, Accept: 'text/html,application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

/** Telegram results of a web search engine, found with `site:t.me`. */
function webSearchSource(name: 'duckduckgo' | 'bing', urlFor: (q: string) => string, fetchImpl: Fetch): DiscoverySourceAdapter {
  return {
    name,
    async search(query, { limit, signal }) {
      const html = await getText(fetchImpl, urlFor(encodeURIComponent(`site:t.me ${query}`)), signal);
      return parseWebResults(html).slice(0, limit);
    },
  };
}

/**
 * The HTTP sources: TGStat's search API (needs `TGSTAT_TOKEN`), and DuckDuckGo and Bing result
 * pages for `site:t.me`. `fetchImpl` is the global fetch unless a test gives another.
 */
export function createHttpDiscoverySources(options: { tgstatToken?: string; fetchImpl?: Fetch } = {}) {
  const fetchImpl = options.fetchImpl ?? fetch;
  const tgstat: DiscoverySourceAdapter = {
    name: 'tgstat',
    async search(query, { limit, signal }) {
      if (!options.tgstatToken) throw new SourceNotConfiguredError('not configured: set TGSTAT_TOKEN to search TGStat');
      const params = new URLSearchParams({ token: options.tgstatToken, q: query, limit: String(Math.min(limit, 100)), peer_type: 'all' });
      const body = await getText(fetchImpl, `https://api.tgstat.ru/channels/search?${params}`, signal);
      return parseTgstatSearch(JSON.parse(body));
    },
  };
  return {
    tgstat,
    duckduckgo: webSearchSource('duckduckgo', (q) => `https://html.duckduckgo.com/html/?q=${q}`, fetchImpl),
    bing: webSearchSource('bing', (q) => `https://www.bing.com/search?q=${q}&count=50`, fetchImpl),
  } satisfies Record<Exclude<ExternalDiscoverySource, 'searchee'>, DiscoverySourceAdapter>;
}

/**
 * Asks `adapter`, failing soft: whatever goes wrong — not configured, unreachable, no answer
 * within `timeoutMs`, an error answer — becomes a report with `ok: false` and the reason.
 */
export async function askSource(
  adapter: DiscoverySourceAdapter,
  query: string,
  options: { limit: number; timeoutMs: number },
): Promise<SourceReport> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    // The race bounds a source that ignores its abort signal.
    const chats = await Promise.race([
      adapter.search(query, { limit: options.limit, signal }),
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    ]);
    return { name: adapter.name, ok: true, chats };
  } catch (err) {
    return { name: adapter.name, ok: false, error: describeSourceError(err, options.timeoutMs), chats: [] };
  }
}

/** A short reason a source failed, without stack or internals. */
export function describeSourceError(err: unknown, timeoutMs: number): string {
  const error = err as { name?: string; message?: string; cause?: { code?: string } } | undefined;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `no answer within ${timeoutMs / 1000}s`;
  if (error?.message === 'fetch failed') return `unreachable${error.cause?.code ? ` (${error.cause.code})` : ''}`;
  if (err instanceof SyntaxError) return 'unreadable answer';
  return error?.message || 'failed';
}
