/** The auto-reply rules' types and how their settings read. */
import type { paths } from '../../api/client';

export type Rule = paths['/api/auto-replies']['get']['responses'][200]['content']['application/json']['rules'][number];
export type NewRule = NonNullable<paths['/api/auto-replies']['post']['requestBody']>['content']['application/json'];
export type MatchMode = Rule['match_mode'];
export type ChatType = Rule['answers_in'][number];
export type ReplyIn = Rule['reply_in'];
export type Platform = NonNullable<Rule['platform']>;

export const MATCH_OPTIONS: ReadonlyArray<{ value: MatchMode; label: string }> = [
  { value: 'contains', label: 'Contains' },
  { value: 'exact', label: 'Exact (the whole message)' },
  { value: 'starts_with', label: 'Starts with' },
  { value: 'ends_with', label: 'Ends with' },
  { value: 'word', label: 'Whole word' },
  { value: 'regex', label: 'Regular expression' },
];

export const CHAT_TYPE_LABELS: Record<ChatType, string> = { private: 'Private chats', group: 'Groups', channel: 'Channels' };
export const CHAT_TYPES = Object.keys(CHAT_TYPE_LABELS) as ChatType[];

export const REPLY_IN_OPTIONS: ReadonlyArray<{ value: ReplyIn; label: string }> = [
  { value: 'chat', label: 'In the chat, quoting the message' },
  { value: 'private', label: 'Privately, to the sender' },
];

export const matchLabel = (mode: MatchMode) => MATCH_OPTIONS.find((o) => o.value === mode)?.label ?? mode;

/** A chat list typed in a field (comma- or line-separated) as the API takes it. */
export const chatList = (text: string) =>
  text
    .split(/[,\n]/)
    .map((c) => c.trim())
    .filter((c) => c !== '');
