import { useId, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useAction } from '../../components/hooks';
import { Button, Checkbox, Form, Notice, TextArea, TextField } from '../../components/ui';
import { optional, wholeNumber } from './form-values';
import { ChatSuggestions, type KnownChat } from './known-chats';

export type WelcomeConfig = components['schemas']['WelcomeConfig'];

const VARIABLES_HINT = 'May use {{name}}, {{username}} and {{group}}. Leave empty for none.';

interface Draft {
  group_id: string;
  welcome_text: string;
  welcome_enabled: boolean;
  goodbye_text: string;
  goodbye_enabled: boolean;
  delete_previous: boolean;
  burst_joins: string;
  burst_window_seconds: string;
}

/** The form's fields for `config`, or the API's defaults for a new one. */
function draftOf(config: WelcomeConfig | null): Draft {
  return {
    group_id: config?.group_id ?? '_default',
    welcome_text: config?.welcome_text ?? '',
    welcome_enabled: config?.welcome_enabled ?? true,
    goodbye_text: config?.goodbye_text ?? '',
    goodbye_enabled: config?.goodbye_enabled ?? true,
    delete_previous: config?.delete_previous ?? false,
    burst_joins: String(config?.burst_joins ?? 3),
    burst_window_seconds: String(config?.burst_window_seconds ?? 30),
  };
}

/**
 * Creates or replaces a group's welcome and goodbye config (POST /api/welcome-messages replaces
 * it whole, so every field is sent). `initial` is the config being edited, null for a new one.
 */
export function WelcomeForm({ initial, chats, onSaved }: { initial: WelcomeConfig | null; chats: KnownChat[] | undefined; onSaved: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const [saved, setSaved] = useState<string>();
  const action = useAction();
  const listId = useId();
  const set = <K extends keyof Draft>(field: K) => (value: Draft[K]) => {
    setSaved(undefined);
    setDraft((d) => ({ ...d, [field]: value }));
  };

  const save = async () => {
    const welcomeText = optional(draft.welcome_text);
    const goodbyeText = optional(draft.goodbye_text);
    const { config, created } = await unwrap(
      api.POST('/api/welcome-messages', {
        body: {
          group_id: draft.group_id.trim(),
          welcome_text: welcomeText ?? null,
          // A message without its text cannot be sent: the API refuses enabling one, so it is left off.
          welcome_enabled: welcomeText !== undefined && draft.welcome_enabled,
          goodbye_text: goodbyeText ?? null,
          goodbye_enabled: goodbyeText !== undefined && draft.goodbye_enabled,
          delete_previous: draft.delete_previous,
          burst_joins: wholeNumber('Burst joins', draft.burst_joins),
          burst_window_seconds: wholeNumber('Burst window (seconds)', draft.burst_window_seconds),
        },
      }),
    );
    setDraft(draftOf(config));
    setSaved(`${created ? 'Created' : 'Replaced'} the welcome message of ${config.group_id}.`);
    onSaved();
  };

  return (
    <Form
      action={action}
      onSubmit={save}
      submitLabel="Save welcome message"
      label="Welcome and goodbye settings"
      extraButtons={
        <Button
          onClick={() => {
            setDraft(draftOf(null));
            setSaved(undefined);
            action.clear();
          }}
        >
          Clear form
        </Button>
      }
    >
      <TextField
        label="Group"
        value={draft.group_id}
        onChange={set('group_id')}
        list={listId}
        autoComplete="off"
        hint="_default for every group without its own, or a chat key (@name, t.me/name, an id or a WhatsApp group JID)"
      />
      <ChatSuggestions id={listId} chats={chats} extra={[{ value: '_default', label: 'Every group without its own' }]} />
      <TextArea label="Welcome message" value={draft.welcome_text} onChange={set('welcome_text')} hint={VARIABLES_HINT} />
      <Checkbox label="Send the welcome" checked={draft.welcome_enabled} onChange={set('welcome_enabled')} />
      <TextArea label="Goodbye message" value={draft.goodbye_text} onChange={set('goodbye_text')} hint={VARIABLES_HINT} />
      <Checkbox label="Send the goodbye" checked={draft.goodbye_enabled} onChange={set('goodbye_enabled')} />
      <Checkbox label="Delete the previous welcome (Telegram)" checked={draft.delete_previous} onChange={set('delete_previous')} />
      <div className="row">
        <TextField
          label="Burst joins"
          type="number"
          inputMode="numeric"
          min={1}
          max={100}
          value={draft.burst_joins}
          onChange={set('burst_joins')}
          hint="More joins than this within the window are greeted in one message (1–100)"
        />
        <TextField
          label="Burst window (seconds)"
          type="number"
          inputMode="numeric"
          min={0}
          max={3600}
          value={draft.burst_window_seconds}
          onChange={set('burst_window_seconds')}
          hint="0 greets every member alone (0–3600)"
        />
      </div>
      {saved && <Notice>{saved}</Notice>}
    </Form>
  );
}
