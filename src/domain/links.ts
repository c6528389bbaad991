import { LinkifyIt } from 'linkify-it';

/**
 * Generic top-level domains recognised without a scheme, beyond linkify-it's defaults (every
 * two-letter country code, com, net, org, info, biz, shop …): the ones spam links use most.
 */
const EXTRA_TLDS = [
  'app', 'bet', 'bid', 'blog', 'buzz', 'cash', 'casino', 'chat', 'click', 'cloud', 'club', 'dev', 'digital',
  'email', 'finance', 'fun', 'icu', 'life', 'link', 'live', 'loan', 'money', 'network', 'news', 'online',
  'page', 'site', 'space', 'store', 'tech', 'today', 'top', 'trade', 'vip', 'website', 'win', 'work', 'world', 'xyz',
];

/** Telegram's deep links (`tg://resolve?domain=…`, `tg://join?invite=…`): everything up to the next space. */
function telegramDeepLink(text: string, pos: number): number {
  const tail = /^\/\/\S+/.exec(text.slice(pos));
  return tail ? tail[0].length : 0;
}

/**
 * The recogniser: URLs with a scheme, `//host` links, bare domains (`example.com`,
 * `t.me/+invite`, `telegram.me/…`), IP addresses and Telegram deep links. E-mail addresses are
 * not links here.
 */
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyIP: true, fuzzyEmail: false })
  .tlds(EXTRA_TLDS, true)
  .add('tg:', { validate: telegramDeepLink });

/**
 * The links in `text`, as written, in order. File names on a country-code domain
 * (`setup.py`) count too: they cannot be told apart from a real domain.
 */
export function findLinks(text: string): string[] {
  return (linkify.match(text) ?? []).filter((m) => m.schema !== 'mailto:').map((m) => m.raw);
}
