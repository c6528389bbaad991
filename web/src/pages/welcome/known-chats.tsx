import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useApi } from '../../components/hooks';

export type KnownChat = components['schemas']['Chat'];

/**
 * The groups and channels of the caller's accounts (GET /api/v1/groups), one per chat key: offered
 * as suggestions where a chat key is typed. Contacts are left out: members join groups and channels.
 */
export function useKnownChats() {
  return useApi(async () => {
    const { groups } = await unwrap(api.GET('/api/v1/groups'));
    const byKey = new Map<string, KnownChat>();
    for (const chat of groups) if (chat.type !== 'contact' && !byKey.has(chat.key)) byKey.set(chat.key, chat);
    return [...byKey.values()].sort((a, b) => a.title.localeCompare(b.title));
  }, []);
}

/** A `<datalist>` of chat keys for a TextField's `list`: the field still takes any key typed. */
export function ChatSuggestions({ id, chats, extra = [] }: { id: string; chats: KnownChat[] | undefined; extra?: { value: string; label: string }[] }) {
  return (
    <datalist id={id}>
      {extra.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
      {(chats ?? []).map((chat) => (
        <option key={chat.key} value={chat.key}>
          {`${chat.title} (${chat.platform})`}
        </option>
      ))}
    </datalist>
  );
}

/** "Title (key)" for a chat key the account knows, else the key itself. */
export function chatLabel(key: string, chats: KnownChat[] | undefined): string {
  const chat = chats?.find((c) => c.key === key);
  return chat ? `${chat.title} (${key})` : key;
}
