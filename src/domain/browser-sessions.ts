import { randomBytes } from 'node:crypto';
import { hashApiKey } from './api-keys';

/** The cookie that carries a browser session's token. */
export const SESSION_COOKIE = 'autohub_session';
/** The header an unsafe request of a browser session repeats its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';
/** How long a session lasts from sign-in; signing in again starts a new one. */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

/** A new session's secrets: the cookie's token (kept only as its hash) and the CSRF token. */
export function generateSessionSecrets(): { token: string; tokenHash: string; csrfToken: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashSessionToken(token), csrfToken: randomBytes(24).toString('base64url') };
}

/** SHA-256 of a cookie's token, hex: the only form of it at rest. */
export const hashSessionToken = hashApiKey;

/** Methods a CSRF token must accompany: every method that can change something. */
export function isUnsafeMethod(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}
