import assert from 'node:assert/strict';
import { askSource, createHttpDiscoverySources, describeSourceError, type DiscoverySourceAdapter } from '../../../src/activities/scan-sources';

/** A fetch answering `body` with `status` for every URL, recording the URLs asked. */
function fakeFetch(body: string, status = 200) {
  const urls: string[] = [];
  const impl = (async (url: string | URL | Request) => {
    urls.push(String(url));
    return new Response(body, { status });
  }) as typeof fetch;
  return { impl, urls };
}

describe('HTTP discovery sources', () => {
  it('TGStat asks channels/search with the token and reads its items', async () => {
    const fetcher = fakeFetch(JSON.stringify({ status: 'ok', response: { items: [{ username: 'cryptonews', title: 'Crypto News', participants_count: 10, peer_type: 'channel' }] } }));
    const { tgstat } = createHttpDiscoverySources({ tgstatToken: 'secret', fetchImpl: fetcher.impl });
    const report = await askSource(tgstat, 'crypto news', { limit: 30, timeoutMs: 1000 });
    assert.deepEqual(report, {
      name: 'tgstat',
      ok: true,
      chats: [{ title: 'Crypto News', username: 'cryptonews', members: 10, type: 'channel', description: '' }],
    });
    const url = new URL(fetcher.urls[0]!);
    assert.equal(url.origin + url.pathname, 'https://api.tgstat.ru/channels/search');
    assert.equal(url.searchParams.get('token'), 'secret');
    assert.equal(url.searchParams.get('q'), 'crypto news');
    assert.equal(url.searchParams.get('limit'), '30');
  });

  it('TGStat without a token reports itself unconfigured without asking', async () => {
    const fetcher = fakeFetch('{}');
    const { tgstat } = createHttpDiscoverySources({ fetchImpl: fetcher.impl });
    const report = await askSource(tgstat, 'x', { limit: 10, timeoutMs: 1000 });
    assert.deepEqual(report, { name: 'tgstat', ok: false, error: 'not configured: set TGSTAT_TOKEN to search TGStat', chats: [] });
    assert.equal(fetcher.urls.length, 0);
  });

  it('DuckDuckGo and Bing search site:t.me and read the linked chats', async () => {
    const fetcher = fakeFetch('<a href="https://t.me/defi_chat">DeFi Chat - Telegram</a>');
    const { duckduckgo, bing } = createHttpDiscoverySources({ fetchImpl: fetcher.impl });
    for (const source of [duckduckgo, bing]) {
      const report = await askSource(source, 'defi', { limit: 10, timeoutMs: 1000 });
      assert.equal(report.ok, true);
      assert.deepEqual(report.chats.map((c) => c.username), ['defi_chat']);
    }
    assert.match(fetcher.urls[0]!, /^https:\/\/html\.duckduckgo\.com\/html\/\?q=site%3At\.me%20defi$/);
    assert.match(fetcher.urls[1]!, /^https:\/\/www\.bing\.com\/search\?q=site%3At\.me%20defi/);
  });

  it('reports an HTTP error status as the failure', async () => {
    const { bing } = createHttpDiscoverySources({ fetchImpl: fakeFetch('busy', 503).impl });
    assert.deepEqual(await askSource(bing, 'x', { limit: 10, timeoutMs: 1000 }), { name: 'bing', ok: false, error: 'HTTP 503', chats: [] });
  });
});

describe('askSource', () => {
  it('fails soft when a source does not answer within its time limit, even ignoring its abort signal', async () => {
    const silent: DiscoverySourceAdapter = { name: 'bing', search: () => new Promise(() => undefined) };
    const report = await askSource(silent, 'x', { limit: 10, timeoutMs: 50 });
    assert.deepEqual(report, { name: 'bing', ok: false, error: 'no answer within 0.05s', chats: [] });
  });

  it('fails soft when a source throws', async () => {
    const broken: DiscoverySourceAdapter = {
      name: 'duckduckgo',
      search: async () => {
        throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
      },
    };
    assert.deepEqual(await askSource(broken, 'x', { limit: 10, timeoutMs: 1000 }), {
      name: 'duckduckgo',
      ok: false,
      error: 'unreachable (ENOTFOUND)',
      chats: [],
    });
  });

  it('describes unreadable answers without internals', () => {
    assert.equal(describeSourceError(new SyntaxError('Unexpected token < in JSON at position 0'), 1000), 'unreadable answer');
  });
});
