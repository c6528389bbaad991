import { api, unwrap } from '../../api/client';

/** Whether an account may post in one of its chats, as a broadcast's dry run found it. */
export interface PostingVerdict {
  writable: boolean;
  /** Why the chat does not resolve or cannot be written to, when the platform said. */
  reason?: string;
}

/** The most targets one broadcast (and so one dry run) may name. */
const TARGETS_PER_DRY_RUN = 50;

/** The key a chat's verdict is kept under: a chat key is unique per account, not across accounts. */
export const verdictKey = (accountId: string, chatKey: string) => `${accountId} ${chatKey}`;

/**
 * Asks the API whether each chat can be posted to. `GET /api/v1/groups` does not say, so this runs
 * a broadcast dry run (which sends and stores nothing) per account, 50 chats at a time.
 */
export async function checkPosting(chats: ReadonlyArray<{ account_id: string; key: string }>): Promise<Map<string, PostingVerdict>> {
  const keysByAccount = new Map<string, string[]>();
  for (const chat of chats) keysByAccount.set(chat.account_id, [...(keysByAccount.get(chat.account_id) ?? []), chat.key]);

  const verdicts = new Map<string, PostingVerdict>();
  for (const [accountId, keys] of keysByAccount) {
    for (let start = 0; start < keys.length; start += TARGETS_PER_DRY_RUN) {
      const answer = await unwrap(
        api.POST('/api/v1/broadcast', {
          body: { account_id: accountId, target_keys: keys.slice(start, start + TARGETS_PER_DRY_RUN), message: 'Posting check', dry_run: true },
        }),
      );
      if (!('targets' in answer)) throw new Error('The API answered the dry run with a created broadcast.');
      for (const target of answer.targets) {
        const reason = target.error ?? (target.resolves ? undefined : 'chat not found');
        verdicts.set(verdictKey(accountId, target.target_key), { writable: target.resolves && target.writable, reason });
      }
    }
  }
  return verdicts;
}
