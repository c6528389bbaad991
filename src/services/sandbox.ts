/**
 * The simulated platform's controls for a sandbox account's owner (and admins): what it performed,
 * inbound events injected into its world, faults injected into its next operations.
 */
import type { Knex } from 'knex';
import { Channels, notify } from '../db/notifications';
import type { Account } from '../db/repos/accounts.repo';
import * as sandbox from '../db/repos/sandbox.repo';
import type { Scope } from '../db/repos/scope';
import type { OutboxItem, OutboxType, StoredInbound, StoredPerson, StoredSender } from '../domain/sandbox-store';
import { canonicalTargetKeyOrNull, TARGET_KEY_FORMS } from '../domain/target-keys';
import { BadRequestError, NotFoundError } from '../errors';
import { visibleAccount } from './accounts';

/** The sandbox account `id` as `scope` sees it (admins see all). @throws NotFoundError otherwise, and for an account that is not a sandbox one. */
export async function sandboxAccount(db: Knex, scope: Scope, id: string): Promise<Account> {
  const account = await visibleAccount(db, scope, id);
  if (!account.sandbox) throw new NotFoundError();
  return account;
}

/** What the simulated platform performed for `account`, oldest first; `chatKey` in any spelling of the chat. */
export async function listSandboxOutbox(
  db: Knex,
  account: Account,
  filter: { chatKey?: string; type?: OutboxType; limit: number },
): Promise<OutboxItem[]> {
  const chatKey = filter.chatKey === undefined ? undefined : await outboxChatKey(db, account, filter.chatKey);
  return sandbox.listOutbox(db, account.id, { chatKey, type: filter.type, limit: filter.limit });
}

/** The key the outbox records a chat under, for any spelling of it: the world chat's key, else the canonical key. */
async function outboxChatKey(db: Knex, account: Account, given: string): Promise<string> {
  const key = chatKeyOf(account, given);
  return (await sandbox.findWorldChat(db, account.id, key))?.key ?? key;
}

/** An event to inject into a chat (`chat_key`, any spelling) of a sandbox account's world, as the API received it. */
export type InboundInjection =
  | { type: 'message'; chat_key: string; from: StoredSender; text: string; forwarded?: boolean }
  | { type: 'join' | 'leave'; chat_key: string; user: StoredPerson };

/**
 * Injects `injection` into `account`'s world: a message joins its chat's messages, and the event
 * is queued for the account's live session, which is told at once. Answers the event's id.
 * @throws BadRequestError for a chat key that is malformed or names no chat of the account.
 */
export async function injectSandboxInbound(db: Knex, account: Account, injection: InboundInjection): Promise<number> {
  const chat = await sandbox.findWorldChat(db, account.id, chatKeyOf(account, injection.chat_key));
  if (!chat) throw new BadRequestError(`chat_key: ${injection.chat_key} is not a chat of this account`);
  const date = new Date();
  return db.transaction(async (trx) => {
    let event: StoredInbound;
    if (injection.type === 'message') {
      const messageId = await sandbox.insertWorldMessage(trx, account, {
        chatKey: chat.key,
        fromId: injection.from.id,
        fromUsername: injection.from.username ?? null,
        fromName: injection.from.name ?? null,
        text: injection.text,
        date,
      });
      event = {
        type: 'message',
        chat_key: chat.key,
        message_id: messageId,
        from: injection.from,
        text: injection.text,
        date: date.toISOString(),
        ...(injection.forwarded !== undefined && { forwarded: injection.forwarded }),
      };
    } else {
      event = { type: injection.type, chat_key: chat.key, user: injection.user, date: date.toISOString() };
    }
    const id = await sandbox.insertInboundEvent(trx, account, event);
    await notify(trx, Channels.sandboxInbound, account.id);
    return id;
  });
}

/** Fault settings to change; those absent are kept. `forbiddenKeys` are chat keys in any spelling. */
export type FaultsChange = Partial<sandbox.SandboxFaults>;

/**
 * Changes the faults `account`'s next operations suffer and answers them all. A FloodWait length
 * alone means "on the next send".
 * @throws BadRequestError for a forbidden key that is not a chat key of the account's platform.
 */
export async function setSandboxFaults(db: Knex, account: Account, change: FaultsChange): Promise<sandbox.SandboxFaults> {
  return sandbox.updateFaults(db, account, {
    ...change,
    floodWaitSends: change.floodWaitSends ?? (change.floodWaitSeconds ? 1 : undefined),
    forbiddenKeys: change.forbiddenKeys?.map((key) => chatKeyOf(account, key, 'forbidden_keys')),
  });
}

/** The canonical key of a chat key the caller gave in `field`, in the grammar of the account's platform. */
function chatKeyOf(account: Account, given: string, field = 'chat_key'): string {
  const key = canonicalTargetKeyOrNull(account.platform, given);
  if (key === null) throw new BadRequestError(`${field}: not a ${account.platform} chat key: ${given} (expected ${TARGET_KEY_FORMS[account.platform]})`);
  return key;
}
