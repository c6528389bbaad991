/**
 * "Search and reply": find messages with any of the keywords in the account's chats and reply
 * privately to their senders (POST /api/v1/scan/search-reply). A user already answered within the
 * server's window is left alone unless "Reply again" is ticked; a message is never answered twice.
 */
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Checkbox, DataTable, Form, Section, SelectField, TextArea, TextField } from '../../components/ui';
import { numberOrDefault } from './fields';
import { JobView, useLastJob, type JobResult, type SearchReplyResult } from './job';
import { TARGET_OPTIONS, type TargetType } from './targets';

type Replied = SearchReplyResult['details'][number];
type Failed = SearchReplyResult['failed'][number];

/** What the section keeps of a run: its job and the reply it sends (the result does not repeat it). */
interface SearchReplyRun {
  jobId: string;
  replyText: string;
}

const pickSearchReply = (r: JobResult): SearchReplyResult | undefined => ('replied_to' in r ? r : undefined);

export function SearchReplySection({ accountId }: { accountId: string }) {
  const [keywords, setKeywords] = useState('');
  const [replyText, setReplyText] = useState('');
  const [target, setTarget] = useState<TargetType>('all');
  const [perChat, setPerChat] = useState('120');
  const [maxChats, setMaxChats] = useState('120');
  const [allowRepeat, setAllowRepeat] = useState(false);
  const [run, setRun] = useLastJob<SearchReplyRun>('search-reply');
  const action = useAction();

  const start = async () => {
    const answer = await unwrap(
      api.POST('/api/v1/scan/search-reply', {
        body: {
          account_id: accountId,
          keywords,
          reply_text: replyText,
          target_type: target,
          per_chat_limit: numberOrDefault(perChat),
          max_chats: numberOrDefault(maxChats),
          allow_repeat: allowRepeat,
          wait_seconds: 0,
        },
      }),
    );
    setRun({ jobId: answer.job_id, replyText });
  };

  return (
    <Section title="Search and reply">
      <Form action={action} onSubmit={start} submitLabel="Search and reply" label="Search and reply">
        <TextField label="Keywords" value={keywords} onChange={setKeywords} required hint="Comma-separated, e.g. buy, price, interested" />
        <TextArea label="Reply text" value={replyText} onChange={setReplyText} required hint="Sent privately to each sender of a matching message" />
        <SelectField label="Search in" value={target} onChange={setTarget} options={TARGET_OPTIONS} />
        <div className="grid">
          <TextField label="Matches per chat" type="number" inputMode="numeric" min={1} max={500} value={perChat} onChange={setPerChat} hint="The newest first" />
          <TextField label="Chats to scan" type="number" inputMode="numeric" min={1} max={500} value={maxChats} onChange={setMaxChats} hint="The most recently active first" />
        </div>
        <Checkbox label="Reply again to users answered recently (never twice to one message)" checked={allowRepeat} onChange={setAllowRepeat} />
      </Form>
      {run && (
        <JobView key={run.jobId} jobId={run.jobId} pick={pickSearchReply}>
          {(result) => <Replies result={result} replyText={run.replyText} />}
        </JobView>
      )}
    </Section>
  );
}

function Replies({ result, replyText }: { result: SearchReplyResult; replyText: string }) {
  return (
    <>
      <p>
        Replied to {result.replied_to} of {result.matched_users} matching {result.matched_users === 1 ? 'user' : 'users'} for “{result.keywords}”
        {result.already_replied > 0 && <> ({result.already_replied} answered before, left alone)</>}.
      </p>
      <p>
        <span className="muted">Reply sent:</span> {replyText}
      </p>
      <DataTable<Replied>
        caption="Replies sent"
        rows={result.details}
        rowKey={(d) => `${d.user}/${d.chat}/${d.matched_text}`}
        empty="No reply was sent."
        columns={[
          { header: 'User', cell: (d) => d.user },
          { header: 'Chat', cell: (d) => d.chat },
          { header: 'Their message', cell: (d) => d.matched_text },
        ]}
      />
      {result.failed.length > 0 && (
        <>
          <h3>Replies that failed</h3>
          <DataTable<Failed>
            caption="Replies that failed"
            rows={result.failed}
            rowKey={(f) => f.user}
            columns={[
              { header: 'User', cell: (f) => f.user },
              { header: 'Reason', cell: (f) => f.error ?? 'unknown' },
            ]}
          />
        </>
      )}
    </>
  );
}
