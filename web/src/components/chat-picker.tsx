import { useState, type ReactNode } from 'react';
import { api, unwrap } from '../api/client';
import { useApi } from './hooks';
import { Checkbox, ErrorNote, Loading, TextField } from './ui';

const TYPE_HEADINGS: Record<string, string> = { group: 'Groups', channel: 'Channels', contact: 'Contacts' };

/**
 * The chats an account knows (from its scans) as checkboxes under the legend "Targets", grouped
 * by kind, with "Select all" and a filter for a long list: the targets of a broadcast, an A/B
 * test or a drip campaign. `note` says what the selection is for; `children` follow the list
 * (a field for keys the account has not seen yet).
 */
export function ChatPicker({
  accountId,
  selected,
  onChange,
  note,
  children,
}: {
  accountId: string;
  selected: string[];
  onChange: (keys: string[]) => void;
  note?: string;
  children?: ReactNode;
}) {
  const chats = useApi(() => unwrap(api.GET('/api/v1/groups', { params: { query: { account_id: accountId } } })), [accountId]);
  const [find, setFind] = useState('');
  // An answer for the account chosen before may still be shown while the new one loads.
  const known = chats.data?.groups.filter((c) => c.account_id === accountId) ?? [];
  const needle = find.trim().toLowerCase();
  const shown = known.filter((c) => !needle || c.title.toLowerCase().includes(needle) || c.key.toLowerCase().includes(needle));
  const types = [...new Set(shown.map((c) => c.type))];
  const allSelected = known.length > 0 && known.every((c) => selected.includes(c.key));
  const toggle = (key: string, on: boolean) => onChange(on ? [...selected, key] : selected.filter((k) => k !== key));

  return (
    // min-width 0: a fieldset is as wide as its content by default, too wide for a phone.
    <fieldset className="chat-picker">
      <legend>Targets</legend>
      <ErrorNote error={chats.error} />
      {chats.loading && known.length === 0 ? (
        <Loading what="Loading the account's chats" />
      ) : known.length === 0 ? (
        <p className="muted">This account knows no chats yet: scan it on the Chats page.</p>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {selected.length} of {known.length} chats selected{note && `; ${note}`}.
          </p>
          <Checkbox label="Select all" checked={allSelected} onChange={(on) => onChange(on ? known.map((c) => c.key) : [])} />
          {known.length > 10 && <TextField label="Find a chat" type="search" value={find} onChange={setFind} />}
          {/* A long list scrolls inside the form rather than pushing the submit button far down. */}
          <div className="chat-picker-list">
            {types.map((type) => (
              <div key={type}>
                <h3>{TYPE_HEADINGS[type] ?? type}</h3>
                {shown
                  .filter((c) => c.type === type)
                  .map((c) => (
                    <Checkbox key={c.key} label={c.title} checked={selected.includes(c.key)} onChange={(on) => toggle(c.key, on)} />
                  ))}
              </div>
            ))}
          </div>
        </>
      )}
      {children}
    </fieldset>
  );
}
