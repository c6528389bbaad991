import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Checkbox, Form, SelectField, TextArea, TextField } from '../../components/ui';
import type { Choice, InboundChoices } from './inbound-choices';
import type { InboundAction } from './types';

type ActionType = InboundAction['type'];

const ACTION_TYPES: Array<{ value: ActionType; label: string }> = [
  { value: 'upsert_contact', label: 'Create or update a contact' },
  { value: 'enroll_drip', label: 'Enroll a contact in a drip campaign' },
  { value: 'send_message', label: 'Send a message' },
  { value: 'run_broadcast', label: 'Run a broadcast' },
];

/** Comma-separated tags as the list the API takes; none for an empty field. */
function tagList(text: string): string[] | undefined {
  const tags = text.split(',').map((t) => t.trim()).filter(Boolean);
  return tags.length > 0 ? tags : undefined;
}

/** A select of `choices`, or a line saying there is none yet (the API would refuse the action without one). */
function ChoiceField({ label, none, choices, value, onChange }: { label: string; none: string; choices: Choice[]; value: string; onChange: (v: string) => void }) {
  if (choices.length === 0) return <p className="muted">{none}</p>;
  return <SelectField label={label} value={value || choices[0]!.value} onChange={onChange} options={choices} />;
}

/** A new inbound webhook: a name, the action each request runs, and optionally a secret requests must be signed with. */
export function InboundForm({ choices, onCreated }: { choices: InboundChoices; onCreated: (name: string, secret: string | undefined) => void }) {
  const [name, setName] = useState('');
  const [type, setType] = useState<ActionType>('upsert_contact');
  const [broadcastId, setBroadcastId] = useState('');
  const [accountId, setAccountId] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const [targetKey, setTargetKey] = useState('');
  const [message, setMessage] = useState('');
  const [tags, setTags] = useState('');
  const [signed, setSigned] = useState(false);
  const action = useAction();

  // A select shows its first choice until another is picked: that is the one sent.
  const pick = (chosen: string, all: Choice[]) => chosen || all[0]?.value || '';
  const buildAction = (): InboundAction => {
    switch (type) {
      case 'run_broadcast':
        return { type, broadcast_id: pick(broadcastId, choices.broadcasts) };
      case 'send_message':
        return { type, account_id: pick(accountId, choices.accounts), target_key: targetKey.trim() || undefined, message: message.trim() ? message : undefined };
      case 'upsert_contact':
        return { type, tags: tagList(tags) };
      case 'enroll_drip':
        return { type, campaign_id: pick(campaignId, choices.campaigns), tags: tagList(tags) };
    }
  };

  const create = async () => {
    const created = await unwrap(api.POST('/api/inbound-webhooks', { body: { name, action: buildAction(), ...(signed && { generate_secret: true }) } }));
    setName('');
    setTargetKey('');
    setMessage('');
    setTags('');
    onCreated(created.webhook.name, created.secret);
  };

  return (
    <Form action={action} onSubmit={create} submitLabel="Create inbound webhook" label="New inbound webhook">
      <TextField label="Name" value={name} onChange={setName} required maxLength={200} />
      <SelectField label="Action" value={type} onChange={setType} options={ACTION_TYPES} />
      {type === 'run_broadcast' && (
        <ChoiceField label="Broadcast" none="You have no broadcasts yet." choices={choices.broadcasts} value={broadcastId} onChange={setBroadcastId} />
      )}
      {type === 'send_message' && (
        <>
          <ChoiceField label="Account" none="You have no accounts yet." choices={choices.accounts} value={accountId} onChange={setAccountId} />
          <TextField label="Target" value={targetKey} onChange={setTargetKey} maxLength={200} placeholder="@shop_orders" hint="Optional: empty, each request's body gives target_key." />
          <TextArea
            label="Message"
            value={message}
            onChange={setMessage}
            hint="Optional: {{field}} takes the body's field of that name; empty, each request's body gives message."
          />
        </>
      )}
      {type === 'enroll_drip' && (
        <ChoiceField label="Drip campaign" none="You have no drip campaigns yet." choices={choices.campaigns} value={campaignId} onChange={setCampaignId} />
      )}
      {(type === 'upsert_contact' || type === 'enroll_drip') && (
        <TextField label="Tags" value={tags} onChange={setTags} hint="Optional, comma-separated: added to the contact. The body gives the contact's name, phone, username …" />
      )}
      <Checkbox label="Require signed requests (generate a secret)" checked={signed} onChange={setSigned} />
    </Form>
  );
}
