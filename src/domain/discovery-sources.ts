import type { DiscoveryCandidate } from './discovery';

/**
 * Parsers of what the optional discovery sources answer — TGStat's search API, DuckDuckGo and
 * Bing result pages, SearcheeBot's replies — into {@link DiscoveryCandidate}s. Pure: fetching
 * happens in the discovery activities.
 */

/** Paths of t.me that are not public chats. */
const RESERVED_TME_PATHS = new Set([
  'joinchat', 'addstickers', 'addemoji', 'addlist', 'addtheme', 'share', 'proxy', 'socks', 'iv', 'login',
  'confirmphone', 'setlanguage', 'bg', 'boost', 'invoice', 'contact', 'giftcode', 'telegram', 'blog',
]);

const USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

/**
 * The public username a t.me (or telegram.me) link names, e.g. `https://t.me/s/cryptosignals`
 * → `cryptosignals`; null for invite links, service paths and anything else.
 */
export function usernameFromTelegramUrl(url: string): string | null {
  const match = /(?:^|[^\w.])(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)\/(?:s\/)?([^/?#\s"'<>]+)/i.exec(url);
  const name = match?.[1];
  if (!name || !USERNAME.test(name) || RESERVED_TME_PATHS.has(name.toLowerCase())) return null;
  return name;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** `text` with HTML tags removed and entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
      if (entity[0] === '#') {
        const code = entity[1]?.toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[entity.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** A search result's title without the "– Telegram" or "Telegram: Contact @x" decoration. */
function cleanTitle(title: string, username: string): string {
  const cleaned = title
    .replace(/^Telegram:\s*(Contact|View|Join Group Chat|Join)\s*/i, '')
    .replace(/\s*[–—-]\s*Telegram\s*$/i, '')
    .trim();
  return cleaned && cleaned.replace(/^@/, '').toLowerCase() !== username.toLowerCase() ? cleaned : username;
}

/** The target of a result link: DuckDuckGo wraps it in `/l/?uddg=<url>`, Bing links it directly. */
function linkTarget(href: string): string {
  const decoded = href.replace(/&amp;/g, '&');
  const wrapped = /[?&]uddg=([^&]+)/.exec(decoded);
  if (!wrapped?.[1]) return decoded;
  try {
    return decodeURIComponent(wrapped[1]);
  } catch {
    return decoded;
  }
}

/**
 * Public chats linked from a web search result page (DuckDuckGo's HTML endpoint, Bing): every
 * anchor whose target is a t.me username, first occurrence each, titled by the anchor's text.
 * Member counts and types are unknown to the web; the account resolves them afterwards.
 */
export function parseWebResults(html: string): DiscoveryCandidate[] {
  const found = new Map<string, DiscoveryCandidate>();
  for (const anchor of html.matchAll(/<a\b[^>]*\bhref\s*=\s*"([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi)) {
    const username = usernameFromTelegramUrl(linkTarget(anchor[1]!));
    if (!username || found.has(username.toLowerCase())) continue;
    found.set(username.toLowerCase(), {
      title: cleanTitle(htmlText(anchor[2]!), username),
      username,
      members: null,
      type: null,
      description: '',
    });
  }
  return [...found.values()];
}

/** A failure a source reported in a well-formed answer (bad token, quota spent). */
export class SourceAnswerError extends Error {
  override readonly name = 'SourceAnswerError';
}

interface TgstatItem {
  username?: unknown;
  link?: unknown;
  title?: unknown;
  about?: unknown;
  participants_count?: unknown;
  peer_type?: unknown;
}

/**
 * Chats of a TGStat `channels/search` answer: `{"status": "ok", "response": {"items": [{username,
 * title, about, participants_count, peer_type: "channel" | "chat"}]}}`.
 *
 * @throws SourceAnswerError when TGStat answers `{"status": "error", "error": "..."}` or something unexpected.
 */
export function parseTgstatSearch(answer: unknown): DiscoveryCandidate[] {
  const body = answer as { status?: unknown; error?: unknown; response?: { items?: unknown } } | null;
  if (body?.status !== 'ok') {
    throw new SourceAnswerError(typeof body?.error === 'string' ? `TGStat: ${body.error}` : 'TGStat: unexpected answer');
  }
  const items = Array.isArray(body.response?.items) ? (body.response.items as TgstatItem[]) : [];
  return items.flatMap((item) => {
    const username =
      (typeof item.username === 'string' && item.username.replace(/^@/, '')) ||
      (typeof item.link === 'string' && usernameFromTelegramUrl(item.link)) ||
      null;
    if (!username || !USERNAME.test(username)) return [];
    const members = typeof item.participants_count === 'number' ? item.participants_count : null;
    return [
      {
        title: typeof item.title === 'string' && item.title.trim() ? item.title.trim() : username,
        username,
        members,
        type: item.peer_type === 'chat' ? 'group' : item.peer_type === 'channel' ? 'channel' : null,
        description: typeof item.about === 'string' ? item.about : '',
      },
    ];
  });
}

/**
 * Chats named in SearcheeBot's replies: every `@username` and t.me link, titled by the rest of
 * its line when there is any. Member counts and types are left for the account to resolve.
 */
export function parseSearcheeReplies(texts: string[]): DiscoveryCandidate[] {
  const found = new Map<string, DiscoveryCandidate>();
  for (const line of texts.flatMap((t) => t.split('\n'))) {
    const names = [
      ...[...line.matchAll(/(?:^|[^\w@/])@([A-Za-z][A-Za-z0-9_]{3,31})\b/g)].map((m) => m[1]!),
      ...[...line.matchAll(/\S*(?:t\.me|telegram\.me)\/\S+/gi)].map((m) => usernameFromTelegramUrl(m[0])),
    ].filter((n): n is string => n !== null && USERNAME.test(n) && !/bot$/i.test(n));
    for (const username of names) {
      if (found.has(username.toLowerCase())) continue;
      const title = line
        .replace(/\S*(?:t\.me|telegram\.me)\/\S+/gi, '')
        .replace(/@[A-Za-z0-9_]+/g, '')
        .replace(/^[\s\d.)•·*|—–-]+|[\s|—–:-]+$/g, '')
        .trim();
      found.set(username.toLowerCase(), { title: title || username, username, members: null, type: null, description: '' });
    }
  }
  return [...found.values()];
}
