import assert from 'node:assert/strict';
import {
  htmlText,
  parseSearcheeReplies,
  parseTgstatSearch,
  parseWebResults,
  SourceAnswerError,
  usernameFromTelegramUrl,
} from '../../../src/domain/discovery-sources';

describe('usernameFromTelegramUrl', () => {
  it('reads public usernames from t.me links in their forms', () => {
    assert.equal(usernameFromTelegramUrl('https://t.me/cryptosignals'), 'cryptosignals');
    assert.equal(usernameFromTelegramUrl('t.me/s/CryptoNews?before=5'), 'CryptoNews');
    assert.equal(usernameFromTelegramUrl('http://telegram.me/some_group/123'), 'some_group');
    assert.equal(usernameFromTelegramUrl('https://www.t.me/abcdef'), 'abcdef');
  });

  it('refuses invite links, service paths, short names and other sites', () => {
    for (const url of ['https://t.me/joinchat/AAAA', 'https://t.me/+AbCdEf', 'https://t.me/addstickers/x', 'https://t.me/abc', 'https://nott.me/abcdef', 'https://example.com']) {
      assert.equal(usernameFromTelegramUrl(url), null, url);
    }
  });
});

describe('htmlText', () => {
  it('strips tags and decodes entities', () => {
    assert.equal(htmlText('<b>Crypto</b> &amp; <i>Co</i> &#8211; &#x41;&nbsp;x'), 'Crypto & Co – A x');
  });
});

describe('parseWebResults', () => {
  it('reads DuckDuckGo results, whose links wrap the target in uddg', () => {
    const html = `
      <a rel="nofollow" class="result__a" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Ft.me%2Fcryptosignals&amp;rut=abc">Crypto Signals &#8211; Telegram</a>
      <a class="result__snippet" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Ft.me%2Fcryptosignals">snippet</a>
      <a class="result__a" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Fexample.com%2F">Not Telegram</a>
      <a class="result__a" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Ft.me%2Fs%2Ftradingroom">Telegram: Contact @tradingroom</a>`;
    assert.deepEqual(parseWebResults(html), [
      { title: 'Crypto Signals', username: 'cryptosignals', members: null, type: null, description: '' },
      { title: 'tradingroom', username: 'tradingroom', members: null, type: null, description: '' },
    ]);
  });

  it('reads Bing results, which link directly', () => {
    const html = '<li class="b_algo"><h2><a href="https://t.me/defi_chat" h="ID=SERP">DeFi <strong>Chat</strong> - Telegram</a></h2></li>';
    assert.deepEqual(parseWebResults(html).map((c) => [c.username, c.title]), [['defi_chat', 'DeFi Chat']]);
  });
});

describe('parseTgstatSearch', () => {
  it('reads channels and chats of a TGStat search answer', () => {
    const chats = parseTgstatSearch({
      status: 'ok',
      response: {
        count: 2,
        items: [
          { username: '@cryptonews', title: 'Crypto News', about: 'daily', participants_count: 5400, peer_type: 'channel' },
          { link: 't.me/cryptochat', title: 'Crypto Chat', participants_count: 120, peer_type: 'chat' },
          { title: 'No username', participants_count: 5 },
        ],
      },
    });
    assert.deepEqual(chats, [
      { title: 'Crypto News', username: 'cryptonews', members: 5400, type: 'channel', description: 'daily' },
      { title: 'Crypto Chat', username: 'cryptochat', members: 120, type: 'group', description: '' },
    ]);
  });

  it('throws the error TGStat answers', () => {
    assert.throws(() => parseTgstatSearch({ status: 'error', error: 'wrong token' }), (err: unknown) => {
      assert.ok(err instanceof SourceAnswerError);
      assert.equal(err.message, 'TGStat: wrong token');
      return true;
    });
    assert.throws(() => parseTgstatSearch('<html>'), /unexpected answer/);
  });
});

describe('parseSearcheeReplies', () => {
  it('reads @usernames and t.me links with the rest of their line as title, skipping bots', () => {
    const chats = parseSearcheeReplies([
      'Found for "crypto":\n1. Crypto Daily — @cryptodaily\n2. https://t.me/btc_talks Bitcoin Talks\nUse @SearcheeBot again',
      '3. @cryptodaily (again)',
    ]);
    assert.deepEqual(
      chats.map((c) => [c.username, c.title]),
      [
        ['cryptodaily', 'Crypto Daily'],
        ['btc_talks', 'Bitcoin Talks'],
      ],
    );
  });
});
