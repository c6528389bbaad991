/**
 * The dashboard's API client: openapi-fetch over the types generated from AutoHub's own OpenAPI
 * document (schema.d.ts), so every path, body and answer is checked against the API at build time.
 * Requests go with the session cookie; unsafe ones repeat the session's CSRF token.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export type { paths };

let csrfToken: string | null = null;

/** Remembers the CSRF token of the signed-in session (null once signed out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && UNSAFE.has(request.method)) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/** Listeners told when the API answers 401: the session ended, so the app shows the sign-in page. */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

const sessionEnd: Middleware = {
  onResponse({ request, response }) {
    if (response.status === 401 && !request.url.endsWith('/api/session')) for (const listener of signedOutListeners) listener();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '/', credentials: 'same-origin' });
api.use(csrf, sessionEnd);

/** An answer of the API that is not a success: its status and the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The data of an openapi-fetch result, or an ApiError carrying the API's `{"error": "..."}`
 * message (or, where the answer had none, its status line).
 */
export async function unwrap<T>(result: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await result;
  if (response.ok) return data as T;
  const message =
    error && typeof error === 'object' && 'error' in error && typeof (error as { error: unknown }).error === 'string'
      ? (error as { error: string }).error
      : `${response.status} ${response.statusText}`.trim();
  throw new ApiError(response.status, message);
}

/**
 * Fetches a text answer (CSV exports) the typed client does not parse, with the session cookie.
 * @throws ApiError with the API's message when the answer is not a success.
 */
export async function fetchText(path: string): Promise<string> {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'text/csv' } });
  const text = await response.text();
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message);
  }
  return text;
}

/** Posts a multipart form (image uploads, CSV imports) with the session's CSRF token. */
export async function postForm<T>(path: string, form: FormData): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: csrfToken ? { 'X-CSRF-Token': csrfToken } : {},
  });
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ApiError(response.status, body.error ?? `${response.status} ${response.statusText}`);
  return body as T;
}
