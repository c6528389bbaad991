import type { Knex } from 'knex';
import type { Account } from './accounts.repo';
import type { ChatType, MessageSearch, StoredMessage } from '../../domain/platform-port';
import type {
  NewOutboxItem,
  NewOutboxMessage,
  OutboxItem,
  OutboxType,
  SandboxMemberChange,
  SandboxMemberState,
  SandboxProfile,
  SandboxProfileChange,
  SandboxStore,
  SendAttempt,
  SentItem,
  StoredInbound,
  WorldSender,
} from '../../domain/sandbox-store';
import type { SandboxWorld, WorldChat } from '../../domain/sandbox-world';
import { queryPrepared } from '../prepared';
import { rankedMessageSearch } from './message-search';

/** Stores a sandbox account's generated world, with no faults set. */
export async function insertWorld(db: Knex, accountId: string, world: SandboxWorld): Promise<void> {
  await db.batchInsert(
    'sandbox_chats',
    world.chats.map((c) => ({
      account_id: accountId,
      key: c.key,
      platform_id: c.platformId,
      type: c.type,
      title: c.title,
      username: c.username,
      members: c.members,
      writable: c.writable,
      admin: c.admin,
      last_activity_at: c.lastActivityAt,
    })),
    500,
  );
  await db.batchInsert(
    'sandbox_messages',
    world.messages.map((m) => ({
      account_id: accountId,
      chat_key: m.chatKey,
      message_id: m.messageId,
      from_id: m.fromId,
      from_username: m.fromUsername,
      from_name: m.fromName,
      text: m.text,
      date: m.date,
    })),
    500,
  );
  await db('sandbox_faults').insert({ account_id: accountId });
  await db('sandbox_profiles').insert({
    account_id: accountId,
    platform_user_id: world.profile.platformUserId,
    first_name: world.profile.firstName,
    last_name: world.profile.lastName,
    username: world.profile.username,
    about: world.profile.about,
  });
}

interface ProfileRow {
  platform_user_id: string;
  first_name: string;
  last_name: string;
  username: string | null;
  about: string;
  has_photo: boolean;
}

export async function getSandboxProfile(db: Knex, accountId: string): Promise<SandboxProfile | undefined> {
  const row = await db('sandbox_profiles')
    .where({ account_id: accountId })
    .first<ProfileRow | undefined>(
      'platform_user_id',
      'first_name',
      'last_name',
      'username',
      'about',
      db.raw('photo is not null as has_photo'),
    );
  if (!row) return undefined;
  return {
    platformUserId: row.platform_user_id,
    firstName: row.first_name,
    lastName: row.last_name,
    username: row.username,
    about: row.about,
    hasPhoto: row.has_photo,
  };
}

export async function updateSandboxProfile(
  db: Knex,
  accountId: string,
  change: SandboxProfileChange,
): Promise<void> {
  const patch: Record<string, unknown> = {};
  if (change.firstName !== undefined) patch.first_name = change.firstName;
  if (change.lastName !== undefined) patch.last_name = change.lastName;
  if (change.about !== undefined) patch.about = change.about;
  if (change.username !== undefined) patch.username = change.username;
  if (change.photo !== undefined) {
    patch.photo = change.photo?.data ?? null;
    patch.photo_mime_type = change.photo?.mimeType ?? null;
  }
  if (Object.keys(patch).length > 0) await db('sandbox_profiles').where({ account_id: accountId }).update(patch);
}

/** True when another sandbox account of the platform already uses `username`. */
export async function isSandboxUsernameTaken(db: Knex, accountId: string, username: string): Promise<boolean> {
  const row = await db('sandbox_profiles as p')
    .whereRaw('lower(p.username) = lower(?)', [username])
    .whereNot('p.account_id', accountId)
    .first('p.account_id');
  return row !== undefined;
}

interface WorldChatRow {
  key: string;
  platform_id: string;
  type: ChatType;
  title: string;
  username: string | null;
  members: number | null;
  writable: boolean;
  admin: boolean;
  last_activity_at: Date;
}

const mapWorldChat = (r: WorldChatRow): WorldChat => ({
  key: r.key,
  platformId: r.platform_id,
  type: r.type,
  title: r.title,
  username: r.username,
  members: r.members,
  writable: r.writable,
  admin: r.admin,
  lastActivityAt: r.last_activity_at,
});

export async function listWorldChats(db: Knex, accountId: string): Promise<WorldChat[]> {
  const rows: WorldChatRow[] = await db('sandbox_chats').where({ account_id: accountId }).orderBy('key');
  return rows.map(mapWorldChat);
}

/**
 * The world chat whose identity is `key`, a canonical target key (see `canonicalTargetKey`): its
 * key, its platform id, or `@` and its username.
 */
export async function findWorldChat(db: Knex, accountId: string, key: string): Promise<WorldChat | undefined> {
  const row: WorldChatRow | undefined = await db('sandbox_chats')
    .where({ account_id: accountId })
    .andWhere((q) => q.where('key', key).orWhere('platform_id', key).orWhereRaw("'@' || lower(username) = ?", [key]))
    .first();
  return row && mapWorldChat(row);
}

/** The newest author in the account's world whose id or `@username` is `key`, a canonical target key. */
export async function findWorldSender(db: Knex, accountId: string, key: string): Promise<WorldSender | undefined> {
  const row: { from_id: string; from_username: string | null; from_name: string | null } | undefined = await db('sandbox_messages')
    .where({ account_id: accountId })
    .whereNotNull('from_id')
    .andWhere((q) => q.where('from_id', key).orWhereRaw("'@' || lower(from_username) = ?", [key]))
    .orderBy('date', 'desc')
    .first('from_id', 'from_username', 'from_name');
  return row && { id: row.from_id, username: row.from_username, name: row.from_name };
}

interface OutboxRow {
  id: number;
  type: OutboxType;
  chat_key: string;
  text: string | null;
  user_id: string | null;
  reply_to: string | null;
  client_message_id: string | null;
  media_mime_type: string | null;
  media_size_bytes: number | null;
  media_sha256: string | null;
  at: Date;
}

const mapOutbox = (r: OutboxRow): OutboxItem => ({
  id: r.id,
  type: r.type,
  chatKey: r.chat_key,
  text: r.text,
  userId: r.user_id,
  replyTo: r.reply_to,
  clientMessageId: r.client_message_id,
  media:
    r.media_mime_type === null
      ? null
      : { mimeType: r.media_mime_type, sizeBytes: r.media_size_bytes ?? 0, sha256: r.media_sha256 ?? '' },
  at: r.at,
});

/**
 * Records an operation the simulated platform performed. A repeated `clientMessageId` is not
 * recorded again: the first item is returned with `deduplicated: true`.
 */
export async function insertOutboxItem(
  db: Knex,
  accountId: string,
  item: NewOutboxItem,
): Promise<OutboxItem & { deduplicated: boolean }> {
  const [row]: OutboxRow[] = await db('sandbox_outbox')
    .insert({
      account_id: accountId,
      type: item.type,
      chat_key: item.chatKey,
      text: item.text ?? null,
      user_id: item.userId ?? null,
      reply_to: item.replyTo ?? null,
      client_message_id: item.clientMessageId ?? null,
      media_mime_type: item.media?.mimeType ?? null,
      media_size_bytes: item.media?.sizeBytes ?? null,
      media_sha256: item.media?.sha256 ?? null,
    })
    .onConflict(['account_id', 'client_message_id'])
    .ignore()
    .returning('*');
  if (row) return { ...mapOutbox(row), deduplicated: false };
  const first: OutboxRow = await db('sandbox_outbox')
    .where({ account_id: accountId, client_message_id: item.clientMessageId })
    .first();
  return { ...mapOutbox(first), deduplicated: true };
}

export async function listOutbox(
  db: Knex,
  accountId: string,
  filter: { chatKey?: string; type?: OutboxType; limit: number },
): Promise<OutboxItem[]> {
  const query = db('sandbox_outbox').where({ account_id: accountId }).orderBy('id').limit(filter.limit);
  if (filter.chatKey) query.where({ chat_key: filter.chatKey });
  if (filter.type) query.where({ type: filter.type });
  return ((await query) as OutboxRow[]).map(mapOutbox);
}

/** Faults the simulated platform will inject into an account's next operations. */
export interface SandboxFaults {
  floodWaitSeconds: number;
  floodWaitSends: number;
  forbiddenKeys: string[];
  disconnect: boolean;
  /** The next send is refused as PEER_FLOOD: the platform restricts the whole account. */
  peerFlood: boolean;
}

interface FaultsRow {
  flood_wait_seconds: number;
  flood_wait_sends: number;
  forbidden_keys: string[];
  disconnect: boolean;
  peer_flood: boolean;
}

const mapFaults = (r: FaultsRow): SandboxFaults => ({
  floodWaitSeconds: r.flood_wait_seconds,
  floodWaitSends: r.flood_wait_sends,
  forbiddenKeys: r.forbidden_keys,
  disconnect: r.disconnect,
  peerFlood: r.peer_flood,
});

const NO_FAULTS: SandboxFaults = { floodWaitSeconds: 0, floodWaitSends: 0, forbiddenKeys: [], disconnect: false, peerFlood: false };

export async function getFaults(db: Knex, accountId: string): Promise<SandboxFaults> {
  const row: FaultsRow | undefined = await db('sandbox_faults').where({ account_id: accountId }).first();
  return row ? mapFaults(row) : NO_FAULTS;
}

/**
 * Changes the given fault settings of `account`, keeping the others; the account is one its
 * caller resolved with their scope (the faults are the account's own row).
 */
export async function updateFaults(db: Knex, account: Account, change: Partial<SandboxFaults>): Promise<SandboxFaults> {
  const accountId = account.id;
  const patch: Record<string, unknown> = { updated_at: db.fn.now() };
  if (change.floodWaitSeconds !== undefined) patch.flood_wait_seconds = change.floodWaitSeconds;
  if (change.floodWaitSends !== undefined) patch.flood_wait_sends = change.floodWaitSends;
  if (change.forbiddenKeys !== undefined) patch.forbidden_keys = JSON.stringify(change.forbiddenKeys);
  if (change.disconnect !== undefined) patch.disconnect = change.disconnect;
  if (change.peerFlood !== undefined) patch.peer_flood = change.peerFlood;
  const [row]: FaultsRow[] = await db('sandbox_faults')
    .insert({ account_id: accountId, ...patch })
    .onConflict('account_id')
    .merge(patch)
    .returning('*');
  return mapFaults(row!);
}

/**
 * The common send (see attemptSandboxSend): recorded when no fault and no forbidden key is set and
 * the client message id is new, else nothing. Its repeat check is the insert's own unique index,
 * which no plan can trade for another: a plan prepared while the outbox was small would look the
 * id up through the `(account_id, id)` index, reading all the account's items at each send.
 * Parameters as ATTEMPT_SEND's.
 */
const PLAIN_SEND = `
  insert into sandbox_outbox (account_id, type, chat_key, text, reply_to, client_message_id, media_mime_type, media_size_bytes, media_sha256)
  select $1, 'message', $4::text, $5::text, $6::text, $2, $7::text, $8::integer, $9::text
  from (select set_config('synchronous_commit', 'off', true)) as async_commit
  where $3::boolean and exists (
    select from sandbox_faults
    where account_id = $1 and not (disconnect or peer_flood or flood_wait_sends > 0) and forbidden_keys = '[]'::jsonb
  )
  on conflict (account_id, client_message_id) do nothing
  returning id, at`;

/** Any send (see attemptSandboxSend); $1 account, $2 client message id, $3 deliverable, then the message's fields. */
const ATTEMPT_SEND = `
  with earlier as (
    select id, at from sandbox_outbox where account_id = $1 and client_message_id = $2
  ),
  old as (
    select * from sandbox_faults
    where account_id = $1 and (disconnect or peer_flood or flood_wait_sends > 0) and not exists (select from earlier)
    for update
  ),
  taken as (
    update sandbox_faults f set
      disconnect = false,
      peer_flood = old.peer_flood and old.disconnect,
      flood_wait_sends = case when old.disconnect or old.peer_flood then old.flood_wait_sends else old.flood_wait_sends - 1 end
    from old
    where f.account_id = old.account_id
  ),
  faults as (select forbidden_keys from sandbox_faults where account_id = $1),
  account as (select exists (select from accounts where id = $1) as present),
  inserted as (
    insert into sandbox_outbox (account_id, type, chat_key, text, reply_to, client_message_id, media_mime_type, media_size_bytes, media_sha256)
    select $1, 'message', $4::text, $5::text, $6::text, $2, $7::text, $8::integer, $9::text
    where $3::boolean and not exists (select from earlier) and not exists (select from old) and (select present from account)
      and coalesce((select forbidden_keys from faults), '[]'::jsonb) = '[]'::jsonb
    on conflict (account_id, client_message_id) do nothing
    returning id, at
  )
  select case
           when e.id is not null then 'repeat'
           when o.disconnect then 'disconnect'
           when o.peer_flood then 'peer_flood'
           when o.account_id is not null then 'flood_wait'
           when i.id is not null then 'sent'
           when not (select present from account) then 'gone'
           else 'held'
         end as outcome,
         coalesce(e.id, i.id) as id, coalesce(e.at, i.at) as at, o.flood_wait_seconds, (select forbidden_keys from faults) as forbidden_keys
  from (select set_config('synchronous_commit', 'off', true)) as async_commit
  left join earlier e on true left join old o on true left join inserted i on true`;

/**
 * Attempts a message send (see `SandboxStore.attemptSend`), in one statement for the common send
 * (PLAIN_SEND) and one more for any other (ATTEMPT_SEND): the earlier item of a repeated client
 * message id; else the fault the send suffers, taken (a disconnect first, then PEER_FLOOD, then
 * one FloodWait send); else, when the send is `deliverable` and no forbidden keys are in force,
 * the new outbox item. Otherwise it answers the forbidden keys, recording nothing (or that the
 * account is gone, its world with it): the send may be refused, or have met a send of the same
 * client message id recorded meanwhile.
 *
 * Only a fault to take locks the account's fault row, so concurrent sends share a fault's budget
 * but sends without faults do not queue on one row. The statements commit asynchronously: the
 * simulated platform's write need not wait for the disk, since whatever AutoHub records after the
 * send (the ledger's commit, synchronous) flushes the log up to it first — a crash of the database
 * can lose only a send nothing has recorded yet, as if it had never been made. They are prepared
 * once per connection (see `queryPrepared`): planning ATTEMPT_SEND's CTEs cost more than running them.
 */
export async function attemptSandboxSend(db: Knex, accountId: string, item: NewOutboxMessage, deliverable: boolean): Promise<SendAttempt> {
  // Their asynchronous commit would extend to a caller's whole transaction.
  if (db.isTransaction) throw new Error('sandbox sends run outside transactions');
  const values = [
    accountId,
    item.clientMessageId,
    deliverable,
    item.chatKey,
    item.text,
    item.replyTo ?? null,
    item.media?.mimeType ?? null,
    item.media?.sizeBytes ?? null,
    item.media?.sha256 ?? null,
  ];
  if (deliverable) {
    const [sent] = await queryPrepared<SentItem>(db, PLAIN_SEND, values);
    if (sent) return { outcome: 'sent', item: sent };
  }
  const [row] = await queryPrepared<AttemptRow>(db, ATTEMPT_SEND, values);
  if (!row) throw new Error('the sandbox send statement answered no row');
  switch (row.outcome) {
    case 'repeat':
    case 'sent':
      return { outcome: row.outcome, item: { id: row.id!, at: row.at! } };
    case 'disconnect':
    case 'peer_flood':
      return { outcome: 'fault', fault: { kind: row.outcome } };
    case 'flood_wait':
      return { outcome: 'fault', fault: { kind: 'flood_wait', seconds: row.flood_wait_seconds! } };
    case 'gone':
      return { outcome: 'gone' };
  }
  return { outcome: 'held', forbiddenKeys: row.forbidden_keys ?? [] };
}

interface AttemptRow {
  outcome: 'repeat' | 'sent' | 'disconnect' | 'peer_flood' | 'flood_wait' | 'gone' | 'held';
  id: number | null;
  at: Date | null;
  flood_wait_seconds: number | null;
  forbidden_keys: string[] | null;
}

/**
 * Adds a message to a chat of `account`'s world (an injected inbound message), the account one its
 * caller resolved with their scope; returns its message id.
 */
export async function insertWorldMessage(db: Knex, account: Account, message: Omit<StoredMessage, 'messageId'>): Promise<number> {
  const accountId = account.id;
  // The chat's counter hands each id out once, deleted messages' included, and its row lock
  // orders concurrent messages of one chat; the first count starts past the seeded messages.
  const counted = await db.raw(
    `update sandbox_chats set last_message_id = 1 + greatest(
       coalesce(last_message_id, 999),
       (select coalesce(max(message_id), 999) from sandbox_messages where account_id = ? and chat_key = ?)
     ) where account_id = ? and key = ? returning last_message_id`,
    [accountId, message.chatKey, accountId, message.chatKey],
  );
  const messageId = (counted as { rows: Array<{ last_message_id: number }> }).rows[0]?.last_message_id;
  if (messageId === undefined) throw new Error(`no sandbox chat ${message.chatKey} for account ${accountId}`);
  const [row] = await db('sandbox_messages')
    .insert({
      account_id: accountId,
      chat_key: message.chatKey,
      message_id: messageId,
      from_id: message.fromId,
      from_username: message.fromUsername,
      from_name: message.fromName,
      text: message.text,
      date: message.date,
    })
    .returning('message_id');
  return (row as { message_id: number }).message_id;
}

export async function searchWorldMessages(
  db: Knex,
  accountId: string,
  search: MessageSearch,
): Promise<StoredMessage[]> {
  const ranked = rankedMessageSearch(db, 'sandbox_messages', accountId, search);
  const rows = await db
    .from(ranked.as('m'))
    .where('rank', '<=', search.perChatLimit)
    .orderBy('date', 'desc');
  return rows.map((r: Record<string, unknown>) => ({
    chatKey: r.chat_key as string,
    messageId: r.message_id as number,
    fromId: r.from_id as string | null,
    fromUsername: r.from_username as string | null,
    fromName: r.from_name as string | null,
    text: r.text as string,
    date: r.date as Date,
  }));
}

/** Queues an inbound event for the live session of `account` (resolved with its caller's scope); returns its id. */
export async function insertInboundEvent(db: Knex, account: Account, event: StoredInbound): Promise<number> {
  const [row] = await db('sandbox_inbound').insert({ account_id: account.id, event }).returning('id');
  return (row as { id: number }).id;
}

/** The account's undelivered inbound events, oldest first. */
export async function listPendingInboundEvents(db: Knex, accountId: string): Promise<Array<{ id: number; event: StoredInbound }>> {
  const rows: Array<{ id: string; event: StoredInbound }> = await db('sandbox_inbound')
    .where({ account_id: accountId })
    .whereNull('delivered_at')
    .orderBy('id')
    .select('id', 'event');
  return rows.map((r) => ({ id: Number(r.id), event: r.event }));
}

/** Marks inbound events delivered: their receiver has taken them over. */
export async function markInboundEventsDelivered(db: Knex, ids: number[]): Promise<void> {
  if (ids.length > 0) await db('sandbox_inbound').whereIn('id', ids).update({ delivered_at: db.fn.now() });
}

/** Removes message `messageId` from a chat of the account's world; answers its author, or undefined when there was none. */
export async function deleteWorldMessage(
  db: Knex,
  accountId: string,
  chatKey: string,
  messageId: number,
): Promise<{ fromId: string | null } | undefined> {
  const [row]: Array<{ from_id: string | null }> = await db('sandbox_messages')
    .where({ account_id: accountId, chat_key: chatKey, message_id: messageId })
    .delete()
    .returning('from_id');
  return row && { fromId: row.from_id };
}

/** Records a ban, a mute or their lifting for a member of a world chat; fields the change leaves out are kept. */
export async function updateSandboxMember(
  db: Knex,
  accountId: string,
  chatKey: string,
  userId: string,
  change: SandboxMemberChange,
): Promise<void> {
  const patch: Record<string, unknown> = { updated_at: db.fn.now() };
  if (change.banned !== undefined) patch.banned = change.banned;
  if (change.mute !== undefined) {
    patch.muted = change.mute !== null;
    patch.muted_until = change.mute?.until ?? null;
  }
  await db('sandbox_members')
    .insert({ account_id: accountId, chat_key: chatKey, user_id: userId, ...patch })
    .onConflict(['account_id', 'chat_key', 'user_id'])
    .merge(patch);
}

/** The members the account has banned or muted, across its chats. */
export async function listRestrictedSandboxMembers(db: Knex, accountId: string): Promise<SandboxMemberState[]> {
  const rows: Array<{ chat_key: string; user_id: string; banned: boolean; muted: boolean; muted_until: Date | null }> = await db('sandbox_members')
    .where({ account_id: accountId })
    .andWhere((q) => q.where('banned', true).orWhere('muted', true));
  return rows.map((r) => ({ chatKey: r.chat_key, userId: r.user_id, banned: r.banned, muted: r.muted, mutedUntil: r.muted_until }));
}

/** The sandbox driver's store (see SandboxStore) on this database. */
export class PgSandboxStore implements SandboxStore {
  constructor(private readonly db: Knex) {}

  getProfile = (accountId: string) => getSandboxProfile(this.db, accountId);
  updateProfile = (accountId: string, change: SandboxProfileChange) => updateSandboxProfile(this.db, accountId, change);
  isUsernameTaken = (accountId: string, username: string) => isSandboxUsernameTaken(this.db, accountId, username);
  listChats = (accountId: string) => listWorldChats(this.db, accountId);
  findSender = (accountId: string, key: string) => findWorldSender(this.db, accountId, key);
  searchMessages = (accountId: string, search: MessageSearch) => searchWorldMessages(this.db, accountId, search);
  insertOutboxItem = (accountId: string, item: NewOutboxItem) => insertOutboxItem(this.db, accountId, item);
  attemptSend = (accountId: string, item: NewOutboxMessage, deliverable: boolean) => attemptSandboxSend(this.db, accountId, item, deliverable);
  listPendingInboundEvents = (accountId: string) => listPendingInboundEvents(this.db, accountId);
  markInboundEventsDelivered = (ids: number[]) => markInboundEventsDelivered(this.db, ids);
  deleteMessage = (accountId: string, chatKey: string, messageId: number) => deleteWorldMessage(this.db, accountId, chatKey, messageId);
  updateMember = (accountId: string, chatKey: string, userId: string, change: SandboxMemberChange) =>
    updateSandboxMember(this.db, accountId, chatKey, userId, change);
  listRestrictedMembers = (accountId: string) => listRestrictedSandboxMembers(this.db, accountId);
}
