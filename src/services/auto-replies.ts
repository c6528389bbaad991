/**
 * Auto-reply rules, their owner's alone: saving one (its pattern, account and chat lists checked
 * and canonicalised), changing and deleting one, and trying a message against them all.
 */
import type { Knex } from 'knex';
import { findAccount, type Account } from '../db/repos/accounts.repo';
import {
  deleteAutoReplyRule,
  findAutoReplyRule,
  insertAutoReplyRule,
  listAutoReplyRules,
  readCooldowns,
  updateAutoReplyRule,
  type AutoReplyRuleFields,
  type StoredAutoReplyRule,
} from '../db/repos/auto-replies.repo';
import type { Scope } from '../db/repos/scope';
import { evaluateAutoReplies, NO_COOLDOWNS, type AutoReplyChatType, type AutoReplyEvaluation, type MessageFacts } from '../domain/auto-replies';
import { isId } from '../domain/ids';
import type { Platform } from '../domain/platform-port';
import { patternProblem } from '../domain/re2-patterns';
import { canonicalTargetKeyOrNull, canonicalTargetKeys } from '../domain/target-keys';
import { BadRequestError, NotFoundError } from '../errors';

// Rules are their owner's alone: an admin's scope sees no one else's either.
const own = (scope: Scope): Scope => ({ ...scope, admin: false });

/** The scope's user's own account `id`. @throws NotFoundError for any other. */
async function ownAccount(db: Knex, scope: Scope, id: string): Promise<Account> {
  const account = isId(id) ? await findAccount(db, id.toLowerCase(), own(scope)) : undefined;
  if (!account) throw new NotFoundError('account not found');
  return account;
}

/**
 * `fields` as they are stored: the account the scope's user's own, the platform the account's, a
 * regular expression RE2 accepts, the chat lists canonical for the platform when one is known.
 * @throws BadRequestError naming the field at fault; NotFoundError for another user's account.
 */
async function checkedFields(db: Knex, scope: Scope, fields: AutoReplyRuleFields): Promise<AutoReplyRuleFields> {
  const account = fields.accountId === null ? null : await ownAccount(db, scope, fields.accountId);
  if (account && fields.platform !== null && fields.platform !== account.platform) {
    throw new BadRequestError(`platform: the account ${account.id} is a ${account.platform} account, not ${fields.platform}`);
  }
  if (fields.matchMode === 'regex') {
    const problem = patternProblem(fields.keyword);
    if (problem) throw new BadRequestError(`keyword: ${problem}`);
  }
  const platform = account?.platform ?? fields.platform;
  return {
    ...fields,
    accountId: account?.id ?? null,
    allowChats: chatList(platform, fields.allowChats, 'allow_chats'),
    denyChats: chatList(platform, fields.denyChats, 'deny_chats'),
  };
}

/** `keys` canonical for `platform` when it is known; as given (trimmed, each once) otherwise. */
function chatList(platform: Platform | null, keys: string[], field: string): string[] {
  if (platform === null) return [...new Set(keys)];
  const canonical = canonicalTargetKeys(platform, keys, field);
  if (!canonical.ok) throw new BadRequestError(canonical.error);
  return canonical.keys;
}

/** Saves a new rule of the scope's user. @throws BadRequestError, NotFoundError as {@link checkedFields} does. */
export async function createAutoReplyRule(db: Knex, scope: Scope, fields: AutoReplyRuleFields): Promise<StoredAutoReplyRule> {
  return insertAutoReplyRule(db, own(scope), await checkedFields(db, scope, fields));
}

/** The scope's user's own rules, oldest first. */
export async function listOwnAutoReplyRules(db: Knex, scope: Scope): Promise<StoredAutoReplyRule[]> {
  return listAutoReplyRules(db, own(scope));
}

/**
 * Changes the scope's user's own rule `id`; the rule as changed is checked whole, as a new one is.
 * @throws NotFoundError for any other rule; BadRequestError naming the field at fault.
 */
export async function changeAutoReplyRule(db: Knex, scope: Scope, id: string, change: Partial<AutoReplyRuleFields>): Promise<StoredAutoReplyRule> {
  const current = await findAutoReplyRule(db, own(scope), id);
  if (!current) throw new NotFoundError();
  const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  const fields = await checkedFields(db, scope, { ...current, ...defined });
  const changed = await updateAutoReplyRule(db, own(scope), id, fields);
  if (!changed) throw new NotFoundError();
  return changed;
}

/** Deletes the scope's user's own rule `id` and answers its id. @throws NotFoundError for any other. */
export async function deleteOwnAutoReplyRule(db: Knex, scope: Scope, id: string): Promise<string> {
  if (!(await deleteAutoReplyRule(db, own(scope), id))) throw new NotFoundError();
  return id;
}

/** A message to try against the rules, and where it would have been received. */
export interface AutoReplyTrial {
  text: string;
  chatType: AutoReplyChatType;
  /** The receiving account: only its rules then answer, with its chat-key grammar and cooldowns. */
  accountId?: string;
  chatKey?: string;
  chatTitle?: string;
  from?: { id?: string; username?: string; name?: string };
}

/**
 * Every rule of the scope's user that would answer `trial`, in answering order, with the reply it
 * would send and the cooldown (as stored now) that would hold it back; and the reply that would be sent.
 * @throws NotFoundError for another user's account; BadRequestError for a chat key of no form of its platform.
 */
export async function tryAutoReplies(db: Knex, scope: Scope, trial: AutoReplyTrial, now = new Date()): Promise<AutoReplyEvaluation> {
  const account = trial.accountId === undefined ? null : await ownAccount(db, scope, trial.accountId);
  let chatKey = trial.chatKey ?? null;
  if (account && chatKey !== null) {
    chatKey = canonicalTargetKeyOrNull(account.platform, chatKey);
    if (chatKey === null) throw new BadRequestError(`chat_key: not a ${account.platform} chat key: ${trial.chatKey}`);
  }
  const facts: MessageFacts = {
    text: trial.text,
    account: account && { id: account.id, platform: account.platform },
    chatType: trial.chatType,
    chatKey,
    chatTitle: trial.chatTitle ?? null,
    sender: { id: trial.from?.id ?? null, name: trial.from?.name ?? null, username: trial.from?.username?.replace(/^@/, '') ?? null },
  };
  const rules = await listAutoReplyRules(db, own(scope));
  const cooldowns = account
    ? await readCooldowns(
        db,
        rules.map((r) => r.id),
        { accountId: account.id, chatKey, senderId: facts.sender.id },
      )
    : NO_COOLDOWNS;
  return evaluateAutoReplies(rules, facts, cooldowns, now);
}
