import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { useAction } from '../../components/hooks';
import { Checkbox, Form, Notice, SelectField, TextArea, TextField } from '../../components/ui';
import type { AccountDetail } from './types';

type InboundBody = NonNullable<paths['/api/v1/accounts/{id}/sandbox/inbound']['post']['requestBody']>['content']['application/json'];
type EventKind = InboundBody['type'];

const EVENT_OPTIONS: ReadonlyArray<{ value: EventKind; label: string }> = [
  { value: 'message', label: 'A message' },
  { value: 'join', label: 'A member joins' },
  { value: 'leave', label: 'A member leaves' },
];

const CHAT_EXAMPLES = { telegram: '@channel1', whatsapp: '120363…@g.us' } as const;

/** Injects an inbound event, as if the platform delivered it: auto-replies, anti-spam and welcomes see it. */
export function InjectForm({ account }: { account: AccountDetail }) {
  const [kind, setKind] = useState<EventKind>('message');
  const [chat, setChat] = useState('');
  const [sender, setSender] = useState('');
  const [shownAs, setShownAs] = useState('');
  const [admin, setAdmin] = useState(false);
  const [text, setText] = useState('');
  const [injected, setInjected] = useState<string>();
  const action = useAction();

  const inject = async () => {
    setInjected(undefined);
    const person = { id: sender.trim(), name: shownAs.trim() || undefined };
    const body: InboundBody =
      kind === 'message'
        ? { type: 'message', chat_key: chat.trim(), from: { ...person, admin: admin || undefined }, text }
        : { type: kind, chat_key: chat.trim(), user: person };
    const answer = await unwrap(api.POST('/api/v1/accounts/{id}/sandbox/inbound', { params: { path: { id: account.id } }, body }));
    setInjected(answer.event_id);
    if (kind === 'message') setText('');
  };

  return (
    <>
      <h3>Inject a message</h3>
      <Form action={action} onSubmit={inject} submitLabel="Inject" label="Inject a message">
        <SelectField label="Event" value={kind} onChange={setKind} options={EVENT_OPTIONS} />
        <TextField label="Chat" value={chat} onChange={setChat} placeholder={CHAT_EXAMPLES[account.platform]} hint="The chat's key, as the outbox and the groups list show it." />
        <TextField label="Sender" value={sender} onChange={setSender} placeholder="u1" hint={kind === 'message' ? 'The id of the user who writes.' : 'The id of the user who joins or leaves.'} />
        <TextField label="Shown as" value={shownAs} onChange={setShownAs} hint="Optional; the user's display name." />
        {kind === 'message' && (
          <>
            <TextArea label="Text" value={text} onChange={setText} />
            <Checkbox label="Written by an admin of the group" checked={admin} onChange={setAdmin} />
          </>
        )}
        {injected && <Notice>Injected (event {injected}).</Notice>}
      </Form>
    </>
  );
}
