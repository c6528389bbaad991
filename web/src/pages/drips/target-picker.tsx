import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { ChatPicker } from '../../components/chat-picker';
import { Checkbox, ErrorNote, TextArea } from '../../components/ui';
import type { Target } from './types';

/** What the picker holds: chat keys ticked, tags and segments ticked, and keys or contact ids typed. */
export interface TargetChoice {
  chats: string[];
  tags: string[];
  segments: string[];
  typed: string;
}

export const NO_TARGETS: TargetChoice = { chats: [], tags: [], segments: [], typed: '' };

/** The targets as the API takes them: keys and contact ids, then every contact of a tag or segment. */
export function targetsBody(choice: TargetChoice): Target[] {
  const typed = choice.typed
    .split(/\r?\n/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  return [...new Set([...choice.chats, ...typed])].map((key): Target => key).concat(
    choice.tags.map((tag) => ({ tag })),
    choice.segments.map((segment) => ({ segment })),
  );
}

const toggle = (list: string[], item: string, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

/** Every contact of a tag or a segment, chosen by their names; resolved when the campaign starts. */
function ContactGroupTargets({ choice, onChange }: { choice: TargetChoice; onChange: (choice: TargetChoice) => void }) {
  const tags = useApi(() => unwrap(api.GET('/api/contacts/tags')), []);
  const segments = useApi(() => unwrap(api.GET('/api/contacts/segments')), []);
  const segmentNames = (segments.data?.segments ?? []).flatMap((s) => (s.segment === null ? [] : [s.segment]));
  return (
    <>
      <ErrorNote error={tags.error ?? segments.error} />
      {tags.data && tags.data.tags.length > 0 && (
        <fieldset className="form">
          <legend>Contacts by tag</legend>
          {tags.data.tags.map((t) => (
            <Checkbox key={t.tag} label={`Tagged ${t.tag} (${t.count})`} checked={choice.tags.includes(t.tag)} onChange={(on) => onChange({ ...choice, tags: toggle(choice.tags, t.tag, on) })} />
          ))}
        </fieldset>
      )}
      {segmentNames.length > 0 && (
        <fieldset className="form">
          <legend>Contacts by segment</legend>
          {segmentNames.map((s) => (
            <Checkbox key={s} label={`In segment ${s}`} checked={choice.segments.includes(s)} onChange={(on) => onChange({ ...choice, segments: toggle(choice.segments, s, on) })} />
          ))}
        </fieldset>
      )}
    </>
  );
}

/** Who the campaign reaches: chats of its account, contacts by tag or segment, and any key typed. */
export function TargetPicker({ accountId, choice, onChange }: { accountId: string; choice: TargetChoice; onChange: (choice: TargetChoice) => void }) {
  return (
    <>
      {accountId && <ChatPicker accountId={accountId} selected={choice.chats} onChange={(chats) => onChange({ ...choice, chats })} />}
      <ContactGroupTargets choice={choice} onChange={onChange} />
      <TextArea
        label="Other target keys or contact ids"
        value={choice.typed}
        onChange={(typed) => onChange({ ...choice, typed })}
        rows={3}
        hint="One per line, e.g. @alice, a chat id, or a contact's id"
      />
    </>
  );
}
