import type { LoggedEvent } from '../db/repos/events.repo';

/**
 * An event as everyone outside AutoHub sees it, in one shape wherever it is read: the body of a
 * webhook delivery, an item of the events feed, a line of the automation report.
 */
export interface EventEnvelope {
  id: string;
  type: string;
  timestamp: string;
  user_id: string | null;
  account_id: string | null;
  chat_key: string | null;
  data: unknown;
}

export function eventEnvelope(e: Pick<LoggedEvent, 'id' | 'type' | 'createdAt' | 'userId' | 'accountId' | 'chatKey' | 'data'>): EventEnvelope {
  return {
    id: e.id,
    type: e.type,
    timestamp: e.createdAt.toISOString(),
    user_id: e.userId,
    account_id: e.accountId,
    chat_key: e.chatKey,
    data: e.data,
  };
}
