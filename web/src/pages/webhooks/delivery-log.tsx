import { useState } from 'react';
// The published retry schedule; the log does not say when a pending delivery is tried next, so it is estimated from it.
import { DEFAULT_RETRY_SCHEDULE_MS } from '../../../../src/domain/webhook-retry';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Badge, Button, DataTable, ErrorNote, Loading, Notice, Section, SelectField, When } from '../../components/ui';
import { DELIVERY_TONE, type Delivery, type DeliveryStatus, type Webhook } from './types';

/** Deliveries are attempted within a second or so of their event: the log is read again this often. */
const LOG_POLL_MS = 2000;

type StatusFilter = '' | DeliveryStatus;
const ROW_LIMITS = ['25', '50', '100', '500'] as const;
type RowLimit = (typeof ROW_LIMITS)[number];

/** When a pending delivery is about to be tried next: at once before its first attempt, else after the schedule's wait. */
function NextRetry({ delivery }: { delivery: Delivery }) {
  if (delivery.status !== 'pending') return <span className="muted">—</span>;
  const last = delivery.attempt_log.at(-1);
  if (!last) return <>first attempt due now</>;
  const wait = DEFAULT_RETRY_SCHEDULE_MS[Math.max(0, last.attempt - 1)];
  if (wait === undefined) return <>retrying</>;
  const due = new Date(Date.parse(last.at) + wait);
  return (
    <span title="Estimated from the published schedule (±10 % jitter; a longer Retry-After is honoured)">
      attempt {last.attempt + 1}, ≈ {due <= new Date() ? 'now' : <When at={due.toISOString()} />}
    </span>
  );
}

/** Every attempt of a delivery: when, the answer's status code or the error, how long it took. */
function Attempts({ delivery }: { delivery: Delivery }) {
  if (delivery.attempt_log.length === 0) return <>0</>;
  return (
    <details>
      <summary>
        {delivery.attempts} {delivery.attempts === 1 ? 'attempt' : 'attempts'}
      </summary>
      <ol>
        {delivery.attempt_log.map((a) => (
          <li key={a.attempt}>
            <When at={a.at} />: {a.status_code ?? 'no answer'}
            {a.error && ` — ${a.error}`} ({a.duration_ms} ms)
          </li>
        ))}
      </ol>
    </details>
  );
}

/** The deliveries of the caller's hooks, newest first, each with its attempts; a failed one can be replayed. */
export function DeliveryLog({ hooks }: { hooks: Webhook[] }) {
  const [hookId, setHookId] = useState('');
  const [status, setStatus] = useState<StatusFilter>('');
  const [limit, setLimit] = useState<RowLimit>('25');
  const log = useApi(
    () => unwrap(api.GET('/api/webhooks/log', { params: { query: { limit: Number(limit), webhook_id: hookId || undefined, status: status || undefined } } })),
    [hookId, status, limit],
    LOG_POLL_MS,
  );
  const action = useAction();
  const [replayed, setReplayed] = useState<string>();
  const replay = (delivery: Delivery) =>
    action.run(async () => {
      setReplayed(undefined);
      await unwrap(api.POST('/api/webhooks/log/{delivery_id}/replay', { params: { path: { delivery_id: delivery.id } } }));
      setReplayed(`The ${delivery.event_type} delivery to ${delivery.webhook_name} is sent again, with the same webhook-id.`);
      log.reload();
    });

  return (
    <Section title="Delivery log">
      <div className="row">
        <SelectField label="Hook" value={hookId} onChange={setHookId} options={[{ value: '', label: 'All hooks' }, ...hooks.map((h) => ({ value: h.id, label: h.name }))]} />
        <SelectField<StatusFilter>
          label="Status"
          value={status}
          onChange={setStatus}
          options={[
            { value: '', label: 'Any status' },
            { value: 'pending', label: 'Pending' },
            { value: 'delivered', label: 'Delivered' },
            { value: 'failed', label: 'Failed' },
          ]}
        />
        <SelectField<RowLimit> label="Rows" value={limit} onChange={setLimit} options={ROW_LIMITS.map((n) => ({ value: n, label: `newest ${n}` }))} />
      </div>
      <ErrorNote error={log.error} />
      <ErrorNote error={action.error} />
      {replayed && <Notice>{replayed}</Notice>}
      {!log.data ? (
        <Loading />
      ) : (
        <DataTable<Delivery>
          caption="Delivery log"
          rows={log.data.deliveries}
          rowKey={(d) => d.id}
          empty={hookId || status ? 'No delivery matches these filters.' : 'No deliveries yet: send a test event to a hook.'}
          columns={[
            { header: 'Time', cell: (d) => <When at={d.created_at} /> },
            { header: 'Hook', cell: (d) => d.webhook_name },
            { header: 'Event type', cell: (d) => <code style={{ whiteSpace: 'nowrap', wordBreak: 'normal' }}>{d.event_type}</code> },
            { header: 'Attempts', cell: (d) => <Attempts delivery={d} /> },
            { header: 'Status code', cell: (d) => d.last_status_code ?? '—' },
            {
              header: 'Result',
              cell: (d) => (
                <>
                  <Badge tone={DELIVERY_TONE[d.status]}>{d.status}</Badge>
                  {d.delivered_at && (
                    <>
                      {' '}
                      <When at={d.delivered_at} />
                    </>
                  )}
                  {d.status !== 'delivered' && d.last_error && <div>{d.last_error}</div>}
                </>
              ),
            },
            { header: 'Next retry', cell: (d) => <NextRetry delivery={d} /> },
            {
              header: 'Actions',
              cell: (d) =>
                d.status === 'failed' ? (
                  <Button onClick={() => void replay(d)} disabled={action.busy}>
                    Replay
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
      <p className="muted">
        Failed attempts are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (±10 %); then the delivery fails. The next retry shown is estimated from that
        schedule.
      </p>
    </Section>
  );
}
