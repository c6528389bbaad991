import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Form, Section, TextArea, TextField } from '../../components/ui';
import type { NewContactBody } from './types';

const EMPTY = { name: '', phone: '', username: '', telegramId: '', whatsappJid: '', tags: '', segment: '', fields: '', country: '' };

/** The custom fields as typed: a JSON object, or nothing. */
function parseFields(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('Custom fields: not JSON. Write an object such as {"plan": "pro"}.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('Custom fields: must be a JSON object, such as {"plan": "pro"}.');
  return value as Record<string, unknown>;
}

/** A form for one contact with every field the API takes; blank fields are left out. */
export function NewContact({ onCreated }: { onCreated: () => void }) {
  const [v, setV] = useState(EMPTY);
  const set = (key: keyof typeof EMPTY) => (value: string) => setV((old) => ({ ...old, [key]: value }));
  const action = useAction();
  const create = async () => {
    const text = (s: string) => (s.trim() ? s.trim() : undefined);
    const tags = v.tags
      .split(/[,;]/)
      .map((t) => t.trim())
      .filter((t) => t.length > 0);
    const body: NewContactBody = {
      name: text(v.name),
      phone: text(v.phone),
      username: text(v.username),
      telegram_id: text(v.telegramId),
      whatsapp_jid: text(v.whatsappJid),
      segment: text(v.segment),
      default_country: text(v.country),
      fields: parseFields(v.fields),
      ...(tags.length > 0 && { tags }),
    };
    await unwrap(api.POST('/api/contacts', { body }));
    setV(EMPTY);
    onCreated();
  };
  return (
    <Section title="New contact">
      <Form action={action} onSubmit={create} submitLabel="Add contact" label="New contact">
        <TextField label="Name" value={v.name} onChange={set('name')} maxLength={200} autoComplete="off" />
        <div className="grid">
          <TextField label="Phone" type="tel" value={v.phone} onChange={set('phone')} maxLength={64} hint="International (+49 …), or national with the country below" />
          <TextField label="Country of national numbers" value={v.country} onChange={set('country')} maxLength={2} hint="Two letters, e.g. DE; optional" />
        </div>
        <div className="grid">
          <TextField label="Telegram username" value={v.username} onChange={set('username')} maxLength={64} hint="With or without @" />
          <TextField label="Telegram id" value={v.telegramId} onChange={set('telegramId')} maxLength={32} inputMode="numeric" />
          <TextField label="WhatsApp JID" value={v.whatsappJid} onChange={set('whatsappJid')} maxLength={100} hint="A JID, or a phone number" />
        </div>
        <div className="grid">
          <TextField label="Tags" value={v.tags} onChange={set('tags')} hint="Separated by commas" />
          <TextField label="Contact segment" value={v.segment} onChange={set('segment')} maxLength={100} />
        </div>
        <TextArea label="Custom fields (JSON)" value={v.fields} onChange={set('fields')} rows={2} placeholder='{"plan": "pro"}' />
      </Form>
    </Section>
  );
}
