/** "Scan messages": search the account's chats for a keyword or phrase (POST /api/v1/scan/messages). */
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { DataTable, Form, Section, SelectField, TextField, When } from '../../components/ui';
import { numberOrDefault, unixSeconds } from './fields';
import { JobView, useLastJob, type JobResult, type MessagesResult } from './job';
import { TARGET_OPTIONS, type TargetType } from './targets';

type Found = MessagesResult['results'][number];

const pickMessages = (r: JobResult): MessagesResult | undefined => ('results' in r ? r : undefined);

export function ScanMessagesSection({ accountId }: { accountId: string }) {
  const [query, setQuery] = useState('');
  const [target, setTarget] = useState<TargetType>('all');
  const [perChat, setPerChat] = useState('8');
  const [maxChats, setMaxChats] = useState('60');
  const [daysBack, setDaysBack] = useState('0');
  const [after, setAfter] = useState('');
  const [before, setBefore] = useState('');
  const [job, setJob] = useLastJob<{ jobId: string }>('messages');
  const action = useAction();

  const start = async () => {
    const answer = await unwrap(
      api.POST('/api/v1/scan/messages', {
        body: {
          account_id: accountId,
          query,
          target_type: target,
          per_chat_limit: numberOrDefault(perChat),
          max_chats: numberOrDefault(maxChats),
          lookback_days: numberOrDefault(daysBack),
          since_ts: unixSeconds(after),
          until_ts: unixSeconds(before),
          wait_seconds: 0,
        },
      }),
    );
    setJob({ jobId: answer.job_id });
  };

  return (
    <Section title="Scan messages">
      <Form action={action} onSubmit={start} submitLabel="Scan messages" label="Scan messages">
        <TextField label="Search for" value={query} onChange={setQuery} required hint="A keyword or phrase, in any case" />
        <SelectField label="Look in" value={target} onChange={setTarget} options={TARGET_OPTIONS} />
        <div className="grid">
          <TextField label="Messages per chat" type="number" inputMode="numeric" min={1} max={100} value={perChat} onChange={setPerChat} />
          <TextField label="Chats at most" type="number" inputMode="numeric" min={1} max={500} value={maxChats} onChange={setMaxChats} hint="The most recently active first" />
          <TextField label="Days back" type="number" inputMode="numeric" min={0} value={daysBack} onChange={setDaysBack} hint="0 for no limit" />
          <TextField label="Sent after" type="datetime-local" value={after} onChange={setAfter} />
          <TextField label="Sent before" type="datetime-local" value={before} onChange={setBefore} />
        </div>
      </Form>
      {job && (
        <JobView key={job.jobId} jobId={job.jobId} pick={pickMessages}>
          {(result) => <MessagesFound result={result} />}
        </JobView>
      )}
    </Section>
  );
}

function MessagesFound({ result }: { result: MessagesResult }) {
  return (
    <>
      <p>
        {result.total} {result.total === 1 ? 'message' : 'messages'} with “{result.query}” in {result.chats_searched} chats searched.
      </p>
      <DataTable<Found>
        caption="Messages found"
        rows={result.results}
        rowKey={(m) => `${m.chat_key}/${m.message_id}`}
        empty="No message matched."
        columns={[
          { header: 'Chat', cell: (m) => m.chat_title || m.chat_key },
          { header: 'From', cell: (m) => m.from_user ?? <span className="muted">unknown</span> },
          { header: 'Message', cell: (m) => m.text },
          { header: 'Sent', cell: (m) => <When at={new Date(m.date * 1000).toISOString()} /> },
        ]}
      />
    </>
  );
}
