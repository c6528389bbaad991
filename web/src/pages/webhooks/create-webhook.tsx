import { useState } from 'react';
// The API's own list of event types (the schema types `events` as free strings, checked against this list).
import { EVENT_TYPES } from '../../../../src/domain/event-types';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Checkbox, Form, Section, TextField } from '../../components/ui';

const ALL_EVENTS = '*';

/** The hook's name when none is given: the host it posts to, which is what tells hooks apart in the log. */
function defaultName(url: string): string {
  try {
    return new URL(url.trim()).host || url.trim();
  } catch {
    return url.trim(); // not a URL: the API refuses it and says why
  }
}

/** A new outbound webhook: its URL, the events it gets, and a description; the API answers its signing secret once. */
export function CreateWebhook({ onCreated }: { onCreated: (name: string, secret: string) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([ALL_EVENTS]);
  const [description, setDescription] = useState('');
  const action = useAction();
  const all = events.includes(ALL_EVENTS);
  const toggle = (type: string, on: boolean) => setEvents(on ? [...events, type] : events.filter((e) => e !== type));

  const create = async () => {
    const name = description.trim() || defaultName(url);
    const created = await unwrap(api.POST('/api/webhooks', { body: { name, url: url.trim(), events: all ? [ALL_EVENTS] : events } }));
    setUrl('');
    setDescription('');
    setEvents([ALL_EVENTS]);
    onCreated(created.webhook.name, created.secret);
  };

  return (
    <Section title="New webhook">
      <Form action={action} onSubmit={create} submitLabel="Create webhook" label="New webhook">
        <TextField
          label="URL"
          type="url"
          inputMode="url"
          value={url}
          onChange={setUrl}
          required
          maxLength={2048}
          placeholder="https://example.com/hooks/autohub"
          hint="Events are POSTed here as JSON, signed per Standard Webhooks."
        />
        <fieldset>
          <legend>Events</legend>
          <Checkbox label="All events (*)" checked={all} onChange={(on) => toggle(ALL_EVENTS, on)} />
          {!all && (
            <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(12rem, 1fr))', gap: '0.25rem 1rem' }}>
              {EVENT_TYPES.map((type) => (
                <Checkbox key={type} label={type} checked={events.includes(type)} onChange={(on) => toggle(type, on)} />
              ))}
            </div>
          )}
        </fieldset>
        <TextField
          label="Description"
          value={description}
          onChange={setDescription}
          maxLength={200}
          hint="Optional: the hook's name in the lists; its URL's host when left empty."
        />
      </Form>
    </Section>
  );
}
