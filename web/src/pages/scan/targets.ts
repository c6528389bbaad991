/** The kinds of chat a message search or search-reply looks in (the API's `target_type`). */
export type TargetType = 'all' | 'groups' | 'channels' | 'contacts';

export const TARGET_OPTIONS: ReadonlyArray<{ value: TargetType; label: string }> = [
  { value: 'all', label: 'All chats' },
  { value: 'groups', label: 'Groups' },
  { value: 'channels', label: 'Channels' },
  { value: 'contacts', label: 'Contacts (private chats)' },
];
