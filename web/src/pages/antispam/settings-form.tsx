import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Checkbox, Form, Notice, SelectField, TextArea, TextField } from '../../components/ui';
import { lines, wholeNumber } from '../welcome/form-values';
import { ACTION_OPTIONS, type AntispamAction, type AntispamConfig } from './labels';

/** The form's fields: numbers and lists as typed, the per-chat overrides as JSON. */
interface Draft {
  flood_limit: string;
  flood_window_seconds: string;
  block_links: boolean;
  banned_words: string;
  max_emojis: string;
  new_member_messages: string;
  new_member_within_hours: string;
  exempt_users: string;
  action: AntispamAction;
  mute_seconds: string;
  warn_window_hours: string;
  dry_run: boolean;
  chats: string;
}

function draftOf(c: AntispamConfig): Draft {
  return {
    flood_limit: String(c.flood_limit),
    flood_window_seconds: String(c.flood_window_seconds),
    block_links: c.block_links,
    banned_words: c.banned_words.join('\n'),
    max_emojis: String(c.max_emojis),
    new_member_messages: String(c.new_member_checks.messages),
    new_member_within_hours: String(c.new_member_checks.within_hours),
    exempt_users: c.exempt_users.join('\n'),
    action: c.action,
    mute_seconds: String(c.mute_seconds),
    warn_window_hours: String(c.warn_window_hours),
    dry_run: c.dry_run,
    chats: Object.keys(c.chats).length === 0 ? '' : JSON.stringify(c.chats, null, 2),
  };
}

/** The per-chat overrides typed as a JSON object (blank for none); the API checks their fields. */
function parseOverrides(text: string): AntispamConfig['chats'] {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('Per-chat overrides: not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('Per-chat overrides: must be a JSON object of chat keys');
  return parsed as AntispamConfig['chats'];
}

const OVERRIDES_HINT =
  'A JSON object by chat key, each naming only the settings it changes, e.g. {"@quiet_group": {"action": "warn", "block_links": false}}. Leave empty for none.';

/** Every anti-spam setting; saving sends them all (PUT /api/antispam/config), overrides included. */
export function SettingsForm({ config }: { config: AntispamConfig }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(config));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const set = <K extends keyof Draft>(field: K) => (value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [field]: value }));
  };

  const save = async () => {
    const answer = await unwrap(
      api.PUT('/api/antispam/config', {
        body: {
          flood_limit: wholeNumber('Flood limit', draft.flood_limit),
          flood_window_seconds: wholeNumber('Flood window (seconds)', draft.flood_window_seconds),
          block_links: draft.block_links,
          banned_words: lines(draft.banned_words),
          max_emojis: wholeNumber('Max emojis', draft.max_emojis),
          new_member_checks: {
            messages: wholeNumber('New member posts checked', draft.new_member_messages),
            within_hours: wholeNumber('New member for (hours)', draft.new_member_within_hours),
          },
          exempt_users: lines(draft.exempt_users),
          action: draft.action,
          mute_seconds: wholeNumber('Mute duration (seconds)', draft.mute_seconds),
          warn_window_hours: wholeNumber('Warn window (hours)', draft.warn_window_hours),
          dry_run: draft.dry_run,
          chats: parseOverrides(draft.chats),
        },
      }),
    );
    // The API answers the config as stored (chat keys canonical): the form shows that.
    setDraft(draftOf(answer.config));
    setSaved(true);
  };

  const number = (label: string, field: keyof Draft, min: number, max: number, hint?: string) => (
    <TextField label={label} type="number" inputMode="numeric" min={min} max={max} value={draft[field] as string} onChange={set(field)} hint={hint} />
  );

  return (
    <Form action={action} onSubmit={save} submitLabel="Save settings" label="Anti-spam settings">
      <p className="muted">Each check is off until set. The chat’s admins and the exempt users are never checked.</p>
      <div className="grid">
        {number('Flood limit', 'flood_limit', 0, 1000, 'Messages a sender may post in a chat per flood window; 0 = off')}
        {number('Flood window (seconds)', 'flood_window_seconds', 1, 3600)}
        {number('Max emojis', 'max_emojis', 0, 1000, 'Most emojis per message; 0 = off')}
      </div>
      <Checkbox label="Block links" checked={draft.block_links} onChange={set('block_links')} />
      <TextArea label="Banned words" value={draft.banned_words} onChange={set('banned_words')} hint="One per line, matched as whole words in any case; =Word matches that exact case only" />
      <div className="grid">
        {number('New member posts checked', 'new_member_messages', 0, 100, 'A new member’s first messages may hold no link and no forward; 0 = off')}
        {number('New member for (hours)', 'new_member_within_hours', 1, 720, 'How long after joining a member counts as new')}
      </div>
      <TextArea label="Exempt users" value={draft.exempt_users} onChange={set('exempt_users')} hint="One per line: platform ids or @usernames, never checked" />
      <SelectField label="Action" value={draft.action} onChange={set('action')} options={ACTION_OPTIONS} />
      <div className="grid">
        {number('Mute duration (seconds)', 'mute_seconds', 30, 366 * 24 * 3600, '30 seconds to 366 days')}
        {number('Warn window (hours)', 'warn_window_hours', 1, 366 * 24, 'How far back the ladder counts a sender’s offences in a chat')}
      </div>
      <Checkbox label="Dry run (log what would be done, act on nothing)" checked={draft.dry_run} onChange={set('dry_run')} />
      <TextArea label="Per-chat overrides (JSON)" value={draft.chats} onChange={set('chats')} hint={OVERRIDES_HINT} rows={6} spellCheck={false} />
      {saved && <Notice>Settings saved.</Notice>}
    </Form>
  );
}
