/**
 * Browser sessions: the dashboard exchanges an API key for an HttpOnly cookie (see
 * domain/browser-sessions) and every route then accepts that cookie as it accepts the key.
 */
import type { Knex } from 'knex';
import { deleteBrowserSession, insertBrowserSession, type BrowserSession } from '../db/repos/browser-sessions.repo';
import { Channels, notify } from '../db/notifications';
import { findActiveKeyOwner, type User } from '../db/repos/users.repo';
import { hashApiKey } from '../domain/api-keys';
import { generateSessionSecrets, SESSION_TTL_MS } from '../domain/browser-sessions';
import { UnauthorizedError } from '../errors';

/**
 * Starts a session for the holder of `apiKey`; answers it with the cookie's token, shown only here.
 * @throws UnauthorizedError when the key is unknown or revoked.
 */
export async function signIn(db: Knex, apiKey: string): Promise<{ session: BrowserSession; token: string; user: User }> {
  const owner = await findActiveKeyOwner(db, hashApiKey(apiKey));
  if (!owner) throw new UnauthorizedError('Invalid or missing API key');
  const { token, tokenHash, csrfToken } = generateSessionSecrets();
  const session = await insertBrowserSession(db, { tokenHash, csrfToken, apiKeyId: owner.keyId, expiresAt: new Date(Date.now() + SESSION_TTL_MS) });
  return { session, token, user: owner.user };
}

/** Ends session `id` and has every API process forget it at once, as a revoked key is forgotten. */
export async function signOut(db: Knex, id: string): Promise<void> {
  if (await deleteBrowserSession(db, id)) await notify(db, Channels.apiKeys, id);
}
