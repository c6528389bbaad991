import type { Knex } from 'knex';
import type { KeyOwner } from './users.repo';
import { findActiveKeyOwnerWhere } from './users.repo';

export interface BrowserSession {
  id: string;
  apiKeyId: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

interface BrowserSessionRow {
  id: string;
  token_hash: string;
  csrf_token: string;
  api_key_id: string;
  created_at: Date;
  expires_at: Date;
}

const mapSession = (r: BrowserSessionRow): BrowserSession => ({
  id: r.id,
  apiKeyId: r.api_key_id,
  csrfToken: r.csrf_token,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** Records a session, removing expired ones in passing so the table never grows without bound. */
export async function insertBrowserSession(
  db: Knex,
  session: { tokenHash: string; csrfToken: string; apiKeyId: string; expiresAt: Date },
): Promise<BrowserSession> {
  return db.transaction(async (trx) => {
    await trx('browser_sessions').where('expires_at', '<', trx.fn.now()).delete();
    const [row] = await trx<BrowserSessionRow>('browser_sessions')
      .insert({ token_hash: session.tokenHash, csrf_token: session.csrfToken, api_key_id: session.apiKeyId, expires_at: session.expiresAt })
      .returning('*');
    return mapSession(row!);
  });
}

/** The session behind a token hash with the owner of its key, while it is unexpired and its key unrevoked. */
export async function findLiveSession(db: Knex, tokenHash: string): Promise<{ session: BrowserSession; owner: KeyOwner } | undefined> {
  const row = await db<BrowserSessionRow>('browser_sessions').where({ token_hash: tokenHash }).where('expires_at', '>', db.fn.now()).first();
  if (!row) return undefined;
  const owner = await findActiveKeyOwnerWhere(db, { 'k.id': row.api_key_id });
  return owner && { session: mapSession(row), owner };
}

/** Ends a session; false when there was none. */
export async function deleteBrowserSession(db: Knex, id: string): Promise<boolean> {
  return (await db('browser_sessions').where({ id }).delete()) > 0;
}
