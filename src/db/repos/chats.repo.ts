import type { Knex } from 'knex';
import type { ChatInfo, ChatType, Platform } from '../../domain/platform-port';
import { ownedBy, type Scope } from './scope';

/** A chat AutoHub knows for an account, as `GET /api/v1/groups` lists it. */
export interface KnownChat extends ChatInfo {
  accountId: string;
  platform: Platform;
  scannedAt: Date;
}

interface KnownChatRow {
  account_id: string;
  platform: Platform;
  key: string;
  platform_id: string;
  type: ChatType;
  title: string;
  username: string | null;
  members: number | null;
  last_activity_at: Date | null;
  scanned_at: Date;
}

const mapChat = (r: KnownChatRow): KnownChat => ({
  accountId: r.account_id,
  platform: r.platform,
  key: r.key,
  id: r.platform_id,
  type: r.type,
  title: r.title,
  username: r.username,
  members: r.members,
  lastActivityAt: r.last_activity_at,
  scannedAt: r.scanned_at,
});

/** Records what a scan found: inserts new chats and refreshes known ones. */
export async function upsertChats(db: Knex, accountId: string, chats: ChatInfo[]): Promise<void> {
  if (chats.length === 0) return;
  await db('chats')
    .insert(
      chats.map((c) => ({
        account_id: accountId,
        key: c.key,
        platform_id: c.id,
        type: c.type,
        title: c.title,
        username: c.username,
        members: c.members,
        last_activity_at: c.lastActivityAt,
        scanned_at: db.fn.now(),
      })),
    )
    .onConflict(['account_id', 'key'])
    .merge();
}

export async function listKnownChats(
  db: Knex,
  scope: Scope,
  filter: { platform?: Platform; accountId?: string; type?: ChatType },
): Promise<KnownChat[]> {
  const query = db('chats as c')
    .join('accounts as a', 'a.id', 'c.account_id')
    .select<KnownChatRow[]>('c.*', 'a.platform')
    .orderBy([{ column: 'c.account_id' }, { column: 'c.type' }, { column: 'c.title' }]);
  if (filter.platform) query.where('a.platform', filter.platform);
  if (filter.accountId) query.where('c.account_id', filter.accountId);
  if (filter.type) query.where('c.type', filter.type);
  const rows = await ownedBy(query, { ...scope, admin: false }, 'a.user_id');
  return rows.map(mapChat);
}

/**
 * The chats of account `accountId` (the scope's own) that any of `names` — canonical target keys —
 * names by its key, its platform id or its @username, with those three names.
 */
export async function findChatsNamed(
  db: Knex,
  scope: Scope,
  accountId: string,
  names: readonly string[],
): Promise<Array<{ key: string; platformId: string; username: string | null }>> {
  if (names.length === 0) return [];
  const query = db('chats as c')
    .join('accounts as a', 'a.id', 'c.account_id')
    .where('c.account_id', accountId)
    .where((q) =>
      q
        .whereIn('c.key', names)
        .orWhereIn('c.platform_id', names)
        .orWhereRaw(`'@' || lower(c.username) = any(?)`, [names as string[]]),
    )
    .select<Array<{ key: string; platform_id: string; username: string | null }>>('c.key', 'c.platform_id', 'c.username');
  const rows = await ownedBy(query, { ...scope, admin: false }, 'a.user_id');
  return rows.map((r) => ({ key: r.key, platformId: r.platform_id, username: r.username }));
}

/** What the pipeline reads of a chat it received an event in. */
export interface ChatFacts {
  type: ChatType;
  title: string;
  platformId: string;
  username: string | null;
}

/** The kind, title, id and username of chat `key` as account `accountId` knows it (from a scan, or the sandbox's world); the system's own read. */
export async function findAnyKnownChat(db: Knex, accountId: string, key: string): Promise<ChatFacts | undefined> {
  const row = await db('chats')
    .where({ account_id: accountId, key })
    .first<{ type: ChatType; title: string; platform_id: string; username: string | null } | undefined>('type', 'title', 'platform_id', 'username');
  return row && { type: row.type, title: row.title, platformId: row.platform_id, username: row.username };
}
