import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { DataTable, ErrorNote, Loading, When } from '../../components/ui';
import type { OutboxItem } from './types';

/** The API lists the outbox oldest first, up to 1,000 operations; the table shows the newest of them first. */
const FETCHED = 1000;
const SHOWN = 100;

/** Every operation the simulated platform performed for the account, refreshed every 2 s. */
export function Outbox({ accountId }: { accountId: string }) {
  const outbox = useApi(() => unwrap(api.GET('/api/v1/accounts/{id}/sandbox/outbox', { params: { path: { id: accountId }, query: { limit: FETCHED } } })), [accountId], 2000);
  const items = outbox.data ? [...outbox.data.items].reverse().slice(0, SHOWN) : [];
  return (
    <>
      <h3>Outbox</h3>
      <ErrorNote error={outbox.error} />
      {!outbox.data ? (
        !outbox.error && <Loading />
      ) : (
        <>
          {outbox.data.count > SHOWN && (
            <p className="muted">
              The newest {SHOWN} of {outbox.data.count} operations{outbox.data.count >= FETCHED ? ` (the API lists the first ${FETCHED})` : ''}.
            </p>
          )}
          <DataTable
            caption="Outbox"
            rows={items}
            rowKey={(i) => i.id}
            empty="Nothing sent yet."
            columns={[
              { header: 'Time', cell: (i) => <When at={i.at} /> },
              { header: 'Operation', cell: (i) => i.type },
              { header: 'Chat', cell: (i) => <code>{i.chat_key}</code> },
              { header: 'Text', cell: (i) => <OutboxText item={i} /> },
            ]}
          />
        </>
      )}
    </>
  );
}

/** What an operation carried: its text, the image sent with it, or the member it acted on. */
function OutboxText({ item }: { item: OutboxItem }) {
  return (
    <>
      {item.text}
      {item.media && (
        <span className="muted">
          {item.text ? ' · ' : ''}
          {item.media.mime_type}, {Math.round(item.media.size_bytes / 1024)} KiB
        </span>
      )}
      {item.user_id && <span className="muted">user {item.user_id}</span>}
      {item.reply_to && <span className="muted"> · in reply to {item.reply_to}</span>}
    </>
  );
}
