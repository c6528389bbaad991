/**
 * Auto-reply rules (their owner's alone: an admin's scope sees no one else's either) and their
 * cooldowns: when each rule last answered a sender in a chat, a chat, an account.
 */
import type { Knex } from 'knex';
import type { AutoReplyChatType, AutoReplyRule, CooldownScope, CooldownState, MatchMode, ReplyIn } from '../../domain/auto-replies';
import type { Platform } from '../../domain/platform-port';
import type { Scope } from './scope';

/** A stored rule: the engine's rule and its owner. */
export interface StoredAutoReplyRule extends AutoReplyRule {
  userId: string;
  updatedAt: Date;
}

/** The fields of a rule that its owner sets. */
export type AutoReplyRuleFields = Omit<AutoReplyRule, 'id' | 'createdAt'>;

interface AutoReplyRuleRow {
  id: string;
  user_id: string;
  account_id: string | null;
  platform: Platform | null;
  keyword: string;
  response: string;
  match_mode: MatchMode;
  case_sensitive: boolean;
  accent_sensitive: boolean;
  priority: number;
  enabled: boolean;
  chat_types: AutoReplyChatType[] | null;
  allow_chats: string[];
  deny_chats: string[];
  reply_in: ReplyIn;
  cooldown_seconds: number;
  chat_cooldown_seconds: number | null;
  account_cooldown_seconds: number | null;
  created_at: Date;
  updated_at: Date;
}

const mapRule = (r: AutoReplyRuleRow): StoredAutoReplyRule => ({
  id: r.id,
  userId: r.user_id,
  accountId: r.account_id,
  platform: r.platform,
  keyword: r.keyword,
  response: r.response,
  matchMode: r.match_mode,
  caseSensitive: r.case_sensitive,
  accentSensitive: r.accent_sensitive,
  priority: r.priority,
  enabled: r.enabled,
  chatTypes: r.chat_types,
  allowChats: r.allow_chats,
  denyChats: r.deny_chats,
  replyIn: r.reply_in,
  cooldownSeconds: r.cooldown_seconds,
  chatCooldownSeconds: r.chat_cooldown_seconds,
  accountCooldownSeconds: r.account_cooldown_seconds,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The columns of `fields` that are given. */
function toColumns(fields: Partial<AutoReplyRuleFields>): Partial<AutoReplyRuleRow> {
  const columns: Partial<AutoReplyRuleRow> = {
    account_id: fields.accountId,
    platform: fields.platform,
    keyword: fields.keyword,
    response: fields.response,
    match_mode: fields.matchMode,
    case_sensitive: fields.caseSensitive,
    accent_sensitive: fields.accentSensitive,
    priority: fields.priority,
    enabled: fields.enabled,
    chat_types: fields.chatTypes,
    allow_chats: fields.allowChats,
    deny_chats: fields.denyChats,
    reply_in: fields.replyIn,
    cooldown_seconds: fields.cooldownSeconds,
    chat_cooldown_seconds: fields.chatCooldownSeconds,
    account_cooldown_seconds: fields.accountCooldownSeconds,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
}

/** The rules table restricted to the scope's user's own rules. */
const own = (db: Knex, scope: Scope) => db('auto_reply_rules').where({ user_id: scope.userId });

/** Stores a new rule of the scope's user. */
export async function insertAutoReplyRule(db: Knex, scope: Scope, fields: AutoReplyRuleFields): Promise<StoredAutoReplyRule> {
  const [row] = await db<AutoReplyRuleRow>('auto_reply_rules')
    .insert({ ...toColumns(fields), user_id: scope.userId })
    .returning('*');
  return mapRule(row as AutoReplyRuleRow);
}

/** The scope's user's own rules, oldest first. */
export async function listAutoReplyRules(db: Knex, scope: Scope): Promise<StoredAutoReplyRule[]> {
  const rows = await own(db, scope).orderBy('created_at').orderBy('id');
  return (rows as AutoReplyRuleRow[]).map(mapRule);
}

/** The scope's user's own rule `id`, if it is theirs. */
export async function findAutoReplyRule(db: Knex, scope: Scope, id: string): Promise<StoredAutoReplyRule | undefined> {
  const row = await own(db, scope).where({ id }).first();
  return row && mapRule(row as AutoReplyRuleRow);
}

/** Changes rule `id` if it is the scope's user's own; undefined when it is not (nothing changed). */
export async function updateAutoReplyRule(
  db: Knex,
  scope: Scope,
  id: string,
  change: Partial<AutoReplyRuleFields>,
): Promise<StoredAutoReplyRule | undefined> {
  const [row] = await own(db, scope)
    .where({ id })
    .update({ ...toColumns(change), updated_at: db.fn.now() })
    .returning('*');
  return row && mapRule(row as AutoReplyRuleRow);
}

/** Deletes rule `id` (and its cooldowns) if it is the scope's user's own; false when it is not. */
export async function deleteAutoReplyRule(db: Knex, scope: Scope, id: string): Promise<boolean> {
  return (await own(db, scope).where({ id }).delete()) > 0;
}

/** The enabled rules that may answer messages to `account`: its owner's rules for every account or for this one. */
export async function listRulesForAccount(db: Knex, account: { id: string; userId: string }): Promise<StoredAutoReplyRule[]> {
  const rows = await db<AutoReplyRuleRow>('auto_reply_rules')
    .where({ user_id: account.userId, enabled: true })
    .andWhere((q) => q.whereNull('account_id').orWhere('account_id', account.id));
  return (rows as AutoReplyRuleRow[]).map(mapRule);
}

/** Where a message was received: the account, the chat and the sender, for the cooldowns. */
export interface CooldownPlace {
  accountId: string;
  /** Unknown chat or sender: the scopes that need it have no cooldown to read or write. */
  chatKey: string | null;
  senderId: string | null;
}

interface CooldownRow {
  rule_id: string;
  scope: CooldownScope;
  last_fired_at: Date;
}

/** The rows of one firing, one per scope `place` names. */
function cooldownKeys(place: CooldownPlace): { scope: CooldownScope; chat_key: string; sender_id: string }[] {
  const keys: { scope: CooldownScope; chat_key: string; sender_id: string }[] = [{ scope: 'account', chat_key: '', sender_id: '' }];
  if (place.chatKey) {
    keys.push({ scope: 'chat', chat_key: place.chatKey, sender_id: '' });
    if (place.senderId) keys.push({ scope: 'sender', chat_key: place.chatKey, sender_id: place.senderId });
  }
  return keys;
}

/** When each of `ruleIds` last answered in each scope of `place`. */
export async function readCooldowns(db: Knex, ruleIds: readonly string[], place: CooldownPlace): Promise<CooldownState> {
  const state: Record<CooldownScope, Map<string, Date>> = { sender: new Map(), chat: new Map(), account: new Map() };
  if (ruleIds.length === 0) return state;
  const keys = cooldownKeys(place);
  const rows: CooldownRow[] = await db('auto_reply_cooldowns')
    .select('rule_id', 'scope', 'last_fired_at')
    .whereIn('rule_id', ruleIds)
    .andWhere({ account_id: place.accountId })
    .andWhere((q) => {
      for (const key of keys) q.orWhere(key);
    });
  for (const row of rows) state[row.scope].set(row.rule_id, row.last_fired_at);
  return state;
}

/** Records that rule `ruleId` answered at `at` in `place`, in every scope; an earlier time never replaces a later one. */
export async function recordAutoReplyFired(db: Knex, ruleId: string, place: CooldownPlace, at: Date): Promise<void> {
  await db('auto_reply_cooldowns')
    .insert(cooldownKeys(place).map((key) => ({ ...key, rule_id: ruleId, account_id: place.accountId, last_fired_at: at })))
    .onConflict(['rule_id', 'account_id', 'scope', 'chat_key', 'sender_id'])
    .merge({ last_fired_at: db.raw('GREATEST(auto_reply_cooldowns.last_fired_at, excluded.last_fired_at)') });
}
