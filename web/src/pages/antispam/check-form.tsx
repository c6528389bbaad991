import { useId, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { useAction } from '../../components/hooks';
import { Badge, Form, TextArea, TextField, When } from '../../components/ui';
import { optional } from '../welcome/form-values';
import { ChatSuggestions, type KnownChat } from '../welcome/known-chats';
import { REASON_LABELS } from './labels';

type Verdict = paths['/api/antispam/check']['post']['responses'][200]['content']['application/json'];

const EXEMPTIONS: Record<NonNullable<Verdict['exempt']>, string> = {
  anonymous_admin: 'an anonymous admin',
  linked_channel: 'the linked channel',
  admin: 'an admin',
  exempt_user: 'an exempt user',
};

/** What the check found, in words: the verdict, what would be done, and every reason. */
function VerdictView({ verdict }: { verdict: Verdict }) {
  return (
    <div role="status" aria-live="polite">
      <p>
        Verdict: {verdict.spam ? <Badge tone="bad">Spam</Badge> : <Badge tone="good">Not spam</Badge>}
        {verdict.banned && (
          <>
            {' '}
            <Badge tone="bad">Banned user</Badge>
          </>
        )}
        {verdict.dry_run && (
          <>
            {' '}
            <Badge tone="warn">Dry run: only logged</Badge>
          </>
        )}
      </p>
      {verdict.exempt && <p>Not checked: the sender is {EXEMPTIONS[verdict.exempt]}.</p>}
      {verdict.spam && (
        <p>
          Action: <strong>{verdict.action}</strong>
          {verdict.delete_message ? ', the message deleted' : ', the message kept'}
          {verdict.mute_until && (
            <>
              , muted until <When at={verdict.mute_until} />
            </>
          )}
          .
        </p>
      )}
      <h3>Reasons</h3>
      {verdict.reasons.length === 0 ? (
        <p className="muted">No check found anything.</p>
      ) : (
        <ul>
          {verdict.reasons.map((r, i) => (
            <li key={`${r.reason}-${i}`}>
              {REASON_LABELS[r.reason]}: <code>{r.detail}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Checks a message against the settings and the ban list (POST /api/antispam/check), acting on nothing. */
export function CheckForm({ chats }: { chats: KnownChat[] | undefined }) {
  const [text, setText] = useState('');
  const [sender, setSender] = useState('123');
  const [chat, setChat] = useState('');
  const [verdict, setVerdict] = useState<Verdict>();
  const action = useAction();
  const listId = useId();

  const check = async () => {
    setVerdict(undefined);
    setVerdict(await unwrap(api.POST('/api/antispam/check', { body: { user_id: sender.trim(), text, chat_key: optional(chat) } })));
  };

  return (
    <>
      <Form action={action} onSubmit={check} submitLabel="Check" label="Spam check">
        <TextArea label="Message" value={text} onChange={setText} />
        <div className="grid">
          <TextField label="Sender id" value={sender} onChange={setSender} hint="A platform id or @username: a banned one is flagged" autoComplete="off" />
          <TextField label="Chat" value={chat} onChange={setChat} list={listId} autoComplete="off" hint="Optional: the chat’s overrides apply" />
        </div>
        <ChatSuggestions id={listId} chats={chats} />
      </Form>
      {verdict && <VerdictView verdict={verdict} />}
    </>
  );
}
