/**
 * Fetching a URL a user gave, on the server's behalf (an image URL, a webhook). Unless private
 * addresses are allowed, every hop — the URL and each redirect — must lead to a public address:
 * a literal IP is checked before connecting, a host name where it is resolved for the connection
 * itself, so a name that resolves to a public address when checked and to a private one when used
 * (DNS rebinding) cannot slip by. That keeps users from reaching the server's own network
 * (databases, cloud metadata at 169.254.169.254) through a URL.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, fetch, type Dispatcher, type Response } from 'undici';

/** Redirects followed at most. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A URL that leads somewhere it may not: another scheme, a non-public address, too many redirects. */
export class RefusedUrlError extends Error {
  override readonly name = 'RefusedUrlError';
}

/** Where user URLs may lead, and the setting that lets them lead to private addresses (named in refusals). */
export interface UrlPolicy {
  allowPrivate: boolean;
  /** e.g. `IMAGE_URL_ALLOW_PRIVATE`. */
  setting: string;
}

/** True for a globally routable unicast address; IPv4-mapped IPv6 addresses count as their IPv4 one. */
export function isPublicAddress(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'unicast';
}

/** A resolver for connections that fails for a name with any non-public address. */
const publicOnlyLookup =
  (setting: string): LookupFunction =>
  (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find((a) => !isPublicAddress(a.address));
      if (refused) return callback(notPublic(`${hostname} (${refused.address})`, setting), '', 0);
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      return callback(null, first!.address, first!.family);
    });
  };

const dispatchers = new Map<string, Dispatcher>();

/** The connection pool for URLs of `policy`: one per policy, kept for the process (keep-alive connections). */
export function userUrlDispatcher(policy: UrlPolicy): Dispatcher {
  const key = `${policy.setting}:${policy.allowPrivate}`;
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    dispatcher = new Agent(policy.allowPrivate ? {} : { connect: { lookup: publicOnlyLookup(policy.setting) } });
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

/**
 * GETs `url` (http or https), following up to five redirects, each hop held to the same rules.
 * Network failures reject as fetch does (a TypeError with the cause); a refused hop as RefusedUrlError.
 */
export async function fetchUserUrl(
  url: URL,
  init: { signal: AbortSignal; headers?: Record<string, string>; allowPrivate: boolean },
): Promise<Response> {
  const policy = { allowPrivate: init.allowPrivate, setting: 'IMAGE_URL_ALLOW_PRIVATE' };
  let current = url;
  for (let redirects = 0; ; redirects++) {
    checkUserUrl(current, policy);
    const response = await fetch(current, { signal: init.signal, headers: init.headers, redirect: 'manual', dispatcher: userUrlDispatcher(policy) });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
    await response.body?.cancel();
    if (redirects === MAX_REDIRECTS) throw new RefusedUrlError(`more than ${MAX_REDIRECTS} redirects`);
    current = new URL(location, current);
  }
}

/**
 * POSTs `body` to `url` under `policy`, never following a redirect (the caller sees the 3xx).
 * Network failures reject as fetch does; a refused URL as RefusedUrlError (also from the connection's lookup).
 */
export async function postToUserUrl(
  url: URL,
  init: { signal: AbortSignal; headers: Record<string, string>; body: string; policy: UrlPolicy },
): Promise<Response> {
  checkUserUrl(url, init.policy);
  return fetch(url, { method: 'POST', signal: init.signal, headers: init.headers, body: init.body, redirect: 'manual', dispatcher: userUrlDispatcher(init.policy) });
}

/** Refuses a URL that is not http(s), or names a non-public address literally. @throws RefusedUrlError */
export function checkUserUrl(url: URL, policy: UrlPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedUrlError(`${url.protocol} URLs are not fetched`);
  // Connecting to a literal address skips name resolution, so the lookup above never sees it.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!policy.allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host)) throw notPublic(host, policy.setting);
}

function notPublic(what: string, setting: string): RefusedUrlError {
  return new RefusedUrlError(`${what} is not a public address (${setting}=true allows it)`);
}
