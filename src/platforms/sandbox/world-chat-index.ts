import type { WorldChat } from '../../domain/sandbox-world';

/**
 * A sandbox account's world chats by each canonical target key that names one: its key, its
 * platform id and `@` with its username in lower case, the identities `findWorldChat` matches.
 * Should two chats share a name, a chat's own key wins over another's id, and an id over a
 * username.
 */
export function indexWorldChats(chats: readonly WorldChat[]): ReadonlyMap<string, WorldChat> {
  const index = new Map<string, WorldChat>();
  const add = (name: string, chat: WorldChat) => {
    if (!index.has(name)) index.set(name, chat);
  };
  for (const chat of chats) add(chat.key, chat);
  for (const chat of chats) add(chat.platformId, chat);
  for (const chat of chats) if (chat.username !== null) add(`@${chat.username.toLowerCase()}`, chat);
  return index;
}
