/**
 * "Test a message": tries a message against the rules (POST /api/auto-replies/test) and tells which
 * rule would answer with what, or that none would. Sender and chat details fill the reply's
 * variables and the account the rules it keeps to.
 */
import { useState } from 'react';
import { api, unwrap, type paths } from '../../api/client';
import { useAction } from '../../components/hooks';
import { DataTable, Form, SelectField, TextArea, TextField, When } from '../../components/ui';
import { accountLabel, type Account } from '../../components/accounts';
import { CHAT_TYPE_LABELS, CHAT_TYPES, matchLabel, type ChatType } from './rules';

type Trial = paths['/api/auto-replies/test']['post']['responses'][200]['content']['application/json'];
type Match = Trial['matches'][number];

const CHAT_TYPE_OPTIONS = CHAT_TYPES.map((t) => ({ value: t, label: CHAT_TYPE_LABELS[t].replace(/s$/, '') }));
const blankToUndefined = (value: string) => value.trim() || undefined;

export function RuleTester({ accounts }: { accounts: Account[] }) {
  const [text, setText] = useState('');
  const [chatType, setChatType] = useState<ChatType>('private');
  const [accountId, setAccountId] = useState('');
  const [senderName, setSenderName] = useState('');
  const [senderUsername, setSenderUsername] = useState('');
  const [chatTitle, setChatTitle] = useState('');
  const [trial, setTrial] = useState<Trial | null>(null);
  const action = useAction();

  const test = async () => {
    setTrial(null);
    const name = blankToUndefined(senderName);
    const username = blankToUndefined(senderUsername)?.replace(/^@/, '');
    const answer = await unwrap(
      api.POST('/api/auto-replies/test', {
        body: {
          text,
          chat_type: chatType,
          account_id: accountId || undefined,
          chat_title: blankToUndefined(chatTitle),
          from: name || username ? { name, username } : undefined,
        },
      }),
    );
    setTrial(answer);
  };

  // Not a Section: a region named "Test a message" would also answer to the label "Message".
  return (
    <section className="card">
      <header className="card-header">
        <h2>Test a message</h2>
      </header>
      <Form action={action} onSubmit={test} submitLabel="Test" label="Rule tester">
        <TextArea label="Message" value={text} onChange={setText} required rows={3} />
        <div className="grid">
          <SelectField label="Chat type" value={chatType} onChange={setChatType} options={CHAT_TYPE_OPTIONS} />
          <SelectField
            label="Received by"
            value={accountId}
            onChange={setAccountId}
            options={[{ value: '', label: 'Any of my accounts' }, ...accounts.map((a) => ({ value: a.id, label: accountLabel(a) }))]}
          />
          <TextField label="Sender name" value={senderName} onChange={setSenderName} hint="For {{name}}" />
          <TextField label="Sender username" value={senderUsername} onChange={setSenderUsername} hint="For {{username}}" />
          <TextField label="Chat title" value={chatTitle} onChange={setChatTitle} hint="For {{group}}" />
        </div>
      </Form>
      {trial && <TrialResult trial={trial} />}
    </section>
  );
}

function TrialResult({ trial }: { trial: Trial }) {
  const sent = trial.matches.find((m) => m.would_send);
  const first = trial.matches[0];
  return (
    <div className="form">
      {!trial.matched || !first ? (
        <p role="status">No rule matches this message: nothing would be sent.</p>
      ) : sent ? (
        <p className="notice" role="status">
          Rule “{sent.keyword}” ({matchLabel(sent.match_mode)}) matches and would reply {sent.reply_in === 'chat' ? 'in the chat' : 'privately'}:{' '}
          <strong>{trial.reply}</strong>
        </p>
      ) : (
        <p role="status">
          Rule “{first.keyword}” matches, but its {first.cooldown?.scope ?? ''} cooldown holds it back
          {first.cooldown && (
            <>
              {' '}
              until <When at={first.cooldown.until} />
            </>
          )}
          : nothing would be sent now.
        </p>
      )}
      {trial.matches.length > 0 && (
        <DataTable<Match>
          caption="Matching rules"
          rows={trial.matches}
          rowKey={(m) => m.rule_id}
          columns={[
            { header: 'Keyword', cell: (m) => <code>{m.keyword}</code> },
            { header: 'Match', cell: (m) => matchLabel(m.match_mode) },
            { header: 'Priority', cell: (m) => m.priority },
            { header: 'Reply', cell: (m) => m.reply },
            { header: 'Sends', cell: (m) => (m.would_send ? 'yes' : m.held_back ? 'held back by a cooldown' : 'no: an earlier rule answers') },
          ]}
        />
      )}
    </div>
  );
}
