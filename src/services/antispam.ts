/**
 * Anti-spam settings and bans, their owner's alone: reading and changing the config (its
 * per-chat overrides keyed by canonical chat keys), the ban list, and a dry check of a message.
 */
import type { Knex } from 'knex';
import { findAccount } from '../db/repos/accounts.repo';
import {
  deleteAntispamBan,
  findAntispamBan,
  findAntispamConfig,
  insertAntispamBan,
  listAntispamBans,
  updateAntispamConfig,
  type AntispamBan,
} from '../db/repos/antispam.repo';
import { insertAutomationLog, listPlatformBans } from '../db/repos/inbound-events.repo';
import type { Scope } from '../db/repos/scope';
import { enqueueWorkflowStart } from '../db/repos/temporal-outbox.repo';
import { accountTaskQueue } from '../domain/sharding';
import { storedSearchAttributes } from '../temporal/search-attributes';
import { MAIN_TASK_QUEUE, MODERATION_WORKFLOW, moderationWorkflowId, type ModerationInput } from '../workflows/shared';
import { checkAntispam, type AntispamDecision } from '../domain/antispam';
import { AntispamConfigSchema, mergeAntispamConfig, type AntispamConfig, type AntispamConfigPatch } from '../domain/antispam-config';
import { isId } from '../domain/ids';
import { PLATFORMS } from '../domain/platform-port';
import { canonicalTargetKeyOrNull } from '../domain/target-keys';
import { BadRequestError, NotFoundError } from '../errors';

// Anti-spam data is its owner's alone: an admin's scope sees no one else's either.
const own = (scope: Scope): Scope => ({ ...scope, admin: false });

/** A stored config with the defaults of any setting it predates; every default when there is none. */
function parseStoredConfig(stored: unknown): AntispamConfig {
  return AntispamConfigSchema.parse(stored ?? {});
}

/**
 * The canonical form of a chat key whose platform is not known: the platform's canonical key
 * when exactly one platform reads `raw` (or both read it alike), else `raw` as given — a bare
 * number is a Telegram id or a WhatsApp phone number, and a config serves both platforms.
 */
export function canonicalChatKey(raw: string): string {
  const readings = new Set(PLATFORMS.map((p) => canonicalTargetKeyOrNull(p, raw)).filter((k): k is string => k !== null));
  return readings.size === 1 ? [...readings][0]! : raw;
}

/** `chats` keyed by canonical chat keys. @throws BadRequestError when two keys name one chat. */
function canonicalOverrides(chats: NonNullable<AntispamConfigPatch['chats']>): NonNullable<AntispamConfigPatch['chats']> {
  const byKey = new Map<string, string[]>();
  for (const given of Object.keys(chats)) {
    const key = canonicalChatKey(given);
    byKey.set(key, [...(byKey.get(key) ?? []), given]);
  }
  const repeated = [...byKey.values()].filter((given) => given.length > 1);
  if (repeated.length > 0) {
    const named = repeated.map((given) => `${given.map((k) => JSON.stringify(k)).join(' and ')} name the same chat`);
    throw new BadRequestError(`chats: ${named.join('; ')}`);
  }
  return Object.fromEntries(Object.entries(chats).map(([given, override]) => [canonicalChatKey(given), override]));
}

/** The scope's user's config: every default when they never saved one. */
export async function getAntispamConfig(db: Knex, scope: Scope): Promise<AntispamConfig> {
  return parseStoredConfig(await findAntispamConfig(db, own(scope)));
}

/**
 * Applies `patch` to the scope's user's config and answers the config as saved; `chats`, when
 * given, replaces every override. @throws BadRequestError when two override keys name one chat.
 */
export async function changeAntispamConfig(db: Knex, scope: Scope, patch: AntispamConfigPatch): Promise<AntispamConfig> {
  const change = patch.chats === undefined ? patch : { ...patch, chats: canonicalOverrides(patch.chats) };
  return updateAntispamConfig(db, own(scope), (stored) => mergeAntispamConfig(parseStoredConfig(stored), change));
}

/**
 * A sender's id as bans are keyed: trimmed, and an @username in lower case (usernames are
 * case-insensitive on both platforms).
 */
export function banKey(userId: string): string {
  const trimmed = userId.trim();
  return trimmed.startsWith('@') ? trimmed.toLowerCase() : trimmed;
}

/** A message to check, as `POST /api/antispam/check` gives it. */
export interface AntispamTrial {
  userId: string;
  text: string;
  chatKey?: string;
}

/**
 * The decision anti-spam would make on `trial` with the scope's user's config (the chat's
 * overrides applied) and ban list, acting on nothing; and whether the sender is banned.
 */
export async function checkAntispamMessage(
  db: Knex,
  scope: Scope,
  trial: AntispamTrial,
  now = new Date(),
): Promise<{ decision: AntispamDecision; banned: boolean }> {
  const [config, ban] = await Promise.all([getAntispamConfig(db, scope), findAntispamBan(db, own(scope), banKey(trial.userId))]);
  const chatKey = trial.chatKey === undefined ? null : canonicalChatKey(trial.chatKey);
  const banned = ban !== undefined;
  return { decision: checkAntispam({ userId: trial.userId, text: trial.text, chatKey }, config, { at: now, record: { banned } }), banned };
}

/** The scope's user's banned senders, oldest ban first. */
export async function listOwnAntispamBans(db: Knex, scope: Scope): Promise<AntispamBan[]> {
  return listAntispamBans(db, own(scope));
}

/** A ban to add: the sender, and optionally why and where it was applied. */
export interface NewAntispamBan {
  userId: string;
  reason?: string;
  chatKey?: string;
  accountId?: string;
}

/**
 * Bans a sender for the scope's user, once: banning a banned sender again answers the ban in
 * force, unchanged. The chat key is canonical for the account's platform when an account is named.
 * @throws NotFoundError for another user's account; BadRequestError for a chat key of no form of its platform.
 */
export async function banSender(db: Knex, scope: Scope, ban: NewAntispamBan): Promise<{ ban: AntispamBan; created: boolean }> {
  const account = ban.accountId === undefined ? undefined : isId(ban.accountId) ? await findAccount(db, ban.accountId.toLowerCase(), own(scope)) : undefined;
  if (ban.accountId !== undefined && !account) throw new NotFoundError('account not found');
  let chatKey = ban.chatKey === undefined ? null : canonicalChatKey(ban.chatKey);
  if (account && ban.chatKey !== undefined) {
    chatKey = canonicalTargetKeyOrNull(account.platform, ban.chatKey);
    if (chatKey === null) throw new BadRequestError(`chat_key: not a ${account.platform} chat key: ${ban.chatKey}`);
  }
  return insertAntispamBan(db, own(scope), {
    platformUserId: banKey(ban.userId),
    reason: ban.reason ?? null,
    chatKey,
    accountId: account?.id ?? null,
  });
}

/** Where the workflow lifting a platform ban is enqueued. */
export interface BanLifting {
  namespace: string;
  sessionShards: number;
}

/**
 * Lifts the scope's user's ban of `userId` and answers the lifted ban. The platform bans are
 * lifted too, in every chat an account banned the sender in (the ban's own chat, and each chat
 * where anti-spam's ban was carried out): in the same transaction, each unban is logged `pending`
 * and its workflow (`moderation-<log id>`) enqueued on the Temporal outbox, so it happens even if
 * the API dies right after answering. @throws NotFoundError when the sender is not banned.
 */
export async function unbanSender(db: Knex, scope: Scope, userId: string, lifting: BanLifting): Promise<AntispamBan> {
  return db.transaction(async (trx) => {
    const lifted = await deleteAntispamBan(trx, own(scope), banKey(userId));
    if (!lifted) throw new NotFoundError('user is not banned');
    const places = await listPlatformBans(trx, own(scope), lifted.platformUserId);
    if (lifted.accountId !== null && lifted.chatKey !== null) places.push({ accountId: lifted.accountId, chatKey: lifted.chatKey });
    const distinct = new Map(places.map((p) => [`${p.accountId} ${p.chatKey}`, p]));
    for (const place of distinct.values()) await enqueuePlatformUnban(trx, own(scope), lifting, lifted.platformUserId, place);
    return lifted;
  });
}

async function enqueuePlatformUnban(
  trx: Knex,
  scope: Scope,
  lifting: BanLifting,
  platformUserId: string,
  { accountId, chatKey }: { accountId: string; chatKey: string },
): Promise<void> {
  const logId = await insertAutomationLog(trx, {
    accountId,
    inboundEventId: null,
    feature: 'antispam',
    ruleId: null,
    chatKey,
    platformUserId,
    action: 'unban',
    reason: 'removed from the ban list',
    result: 'pending',
    sendRunId: null,
  });
  if (logId === undefined) return;
  const input: ModerationInput = { logId, accountId, sessionTaskQueue: accountTaskQueue(accountId, lifting.sessionShards) };
  const owner = { userId: scope.userId, accountId };
  await enqueueWorkflowStart(trx, lifting.namespace, {
    workflowId: moderationWorkflowId(logId),
    workflowType: MODERATION_WORKFLOW,
    taskQueue: MAIN_TASK_QUEUE,
    args: [input],
    memo: { ...owner, logId },
    searchAttributes: storedSearchAttributes('moderation', owner),
  });
}
