import type { ChatInfo, MessageInfo } from './platform-port';
import { platformIdValue } from './scan-filters';

/** A group or channel as scan results show it. */
export interface ScannedChatView {
  id: number | string;
  key: string;
  title: string;
  username: string | null;
  members: number | null;
  last_activity_at: string | null;
  account_id?: string;
}

/** A contact as scan results show it. */
export interface ScannedContactView {
  id: number | string;
  key: string;
  name: string;
  username: string | null;
  last_activity_at: string | null;
  account_id?: string;
}

/** Scan results by kind, as `POST /api/v1/scan` and `/api/v1/scan/results` answer them. */
export interface ChatScanView {
  channels?: ScannedChatView[];
  groups?: ScannedChatView[];
  contacts?: ScannedContactView[];
  total: number;
}

/** Which lists a scan result holds. */
export type ScanListName = 'groups' | 'channels' | 'contacts';
export const SCAN_LISTS: readonly ScanListName[] = ['groups', 'channels', 'contacts'];

type ViewableChat = ChatInfo & { accountId?: string };

function chatView(c: ViewableChat): ScannedChatView {
  return {
    id: platformIdValue(c.id),
    key: c.key,
    title: c.title,
    username: c.username,
    members: c.members,
    last_activity_at: c.lastActivityAt?.toISOString() ?? null,
    ...(c.accountId !== undefined && { account_id: c.accountId }),
  };
}

function contactView(c: ViewableChat): ScannedContactView {
  return {
    id: platformIdValue(c.id),
    key: c.key,
    name: c.title,
    username: c.username,
    last_activity_at: c.lastActivityAt?.toISOString() ?? null,
    ...(c.accountId !== undefined && { account_id: c.accountId }),
  };
}

/**
 * Chats split into the reference's `channels`, `groups` and `contacts` lists, only the `lists`
 * asked for (all three by default); `total` counts what the lists hold.
 */
export function chatScanView(chats: ViewableChat[], lists: readonly ScanListName[] = SCAN_LISTS): ChatScanView {
  const view: ChatScanView = { total: 0 };
  if (lists.includes('channels')) view.channels = chats.filter((c) => c.type === 'channel').map(chatView);
  if (lists.includes('groups')) view.groups = chats.filter((c) => c.type === 'group').map(chatView);
  if (lists.includes('contacts')) view.contacts = chats.filter((c) => c.type === 'contact').map(contactView);
  view.total = (view.channels?.length ?? 0) + (view.groups?.length ?? 0) + (view.contacts?.length ?? 0);
  return view;
}

/** A found message as `POST /api/v1/scan/messages` shows it. */
export interface FoundMessageView {
  chat_id: number | string;
  chat_key: string;
  chat_title: string;
  message_id: number;
  text: string;
  from_user: string | null;
  date: number;
}

/** The best name to show for a message's author: username, then name, then id; empty ones are skipped. */
export function authorOf(m: Pick<MessageInfo, 'fromUsername' | 'fromName' | 'fromId'>): string | null {
  return m.fromUsername || m.fromName || m.fromId;
}

/** Found messages, newest first, with dates in Unix seconds. */
export function foundMessagesView(messages: MessageInfo[]): FoundMessageView[] {
  return [...messages]
    .sort((a, b) => b.date.getTime() - a.date.getTime() || a.chatKey.localeCompare(b.chatKey) || b.messageId - a.messageId)
    .map((m) => ({
      chat_id: platformIdValue(m.chatId),
      chat_key: m.chatKey,
      chat_title: m.chatTitle,
      message_id: m.messageId,
      text: m.text,
      from_user: authorOf(m),
      date: Math.floor(m.date.getTime() / 1000),
    }));
}
