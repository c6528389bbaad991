import { useEffect } from 'react';
import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { Badge, Button, DataTable, ErrorNote, Loading, When } from '../../components/ui';
import type { InboundHook, Receipt } from './types';

/** While a receipt's action still runs, the receipts are read again this often. */
const RUNNING_POLL_MS = 2000;

const TONE: Record<Receipt['status'], 'neutral' | 'warn' | 'good' | 'bad'> = { pending: 'neutral', sending: 'warn', succeeded: 'good', failed: 'bad' };

/** What each request to an inbound hook did: its status, and the action's result or error. */
export function InboundReceipts({ hook }: { hook: InboundHook }) {
  const receipts = useApi(() => unwrap(api.GET('/api/inbound-webhooks/{id}/receipts', { params: { path: { id: hook.id }, query: { limit: 50 } } })), [hook.id]);
  const unfinished = receipts.data?.receipts.some((r) => r.status === 'pending' || r.status === 'sending') ?? false;
  const { reload } = receipts;
  useEffect(() => {
    if (!unfinished) return;
    const timer = setInterval(reload, RUNNING_POLL_MS);
    return () => clearInterval(timer);
  }, [unfinished, reload]);

  return (
    <div>
      <h3>Receipts of {hook.name}</h3>
      <p className="muted">
        Requests POSTed to <code>{hook.url}</code>, newest first.
      </p>
      <Button onClick={reload} disabled={receipts.loading}>
        Refresh receipts
      </Button>
      <ErrorNote error={receipts.error} />
      {!receipts.data ? (
        <Loading />
      ) : (
        <DataTable<Receipt>
          caption={`Receipts of ${hook.name}`}
          rows={receipts.data.receipts}
          rowKey={(r) => r.id}
          empty="No requests yet."
          columns={[
            { header: 'Received', cell: (r) => <When at={r.received_at} /> },
            { header: 'Status', cell: (r) => <Badge tone={TONE[r.status]}>{r.status}</Badge> },
            { header: "Sender's webhook-id", cell: (r) => (r.webhook_id ? <code>{r.webhook_id}</code> : <span className="muted">none</span>) },
            { header: 'Result', cell: (r) => r.error ?? (r.result ? <code>{JSON.stringify(r.result)}</code> : '—') },
            { header: 'Finished', cell: (r) => <When at={r.finished_at} /> },
          ]}
        />
      )}
    </div>
  );
}
