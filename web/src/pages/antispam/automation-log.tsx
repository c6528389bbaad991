import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useApi } from '../../components/hooks';
import { Badge, Button, DataTable, ErrorNote, Loading, SelectField, When } from '../../components/ui';
import { FEATURE_LABELS, RESULTS, RESULT_TONES, type AutomationFeature, type AutomationLogEntry, type AutomationResult } from './labels';
import { accountLabel } from '../../components/accounts';

type Account = components['schemas']['Account'];

const PAGE_SIZE = 50;
/** The most lines the API answers at once. */
const MAX_LIMIT = 500;
const POLL_MS = 5000;

interface Filters {
  feature: AutomationFeature | '';
  result: AutomationResult | '';
  accountId: string;
}

/**
 * The newest `wanted` lines matching `filters`, paged back with `before` in the API's largest
 * pages. Every poll reloads the whole window shown, so lines older than the first page keep
 * their results up to date too (a `pending` delete becoming `done`) and no line is skipped
 * when new ones push the window down.
 */
async function loadLog(filters: Filters, wanted: number): Promise<{ entries: AutomationLogEntry[]; more: boolean }> {
  const entries: AutomationLogEntry[] = [];
  let before: number | undefined;
  while (entries.length < wanted) {
    const limit = Math.min(MAX_LIMIT, wanted - entries.length);
    const page = await unwrap(
      api.GET('/api/automation/log', {
        params: {
          query: {
            limit,
            before,
            feature: filters.feature || undefined,
            result: filters.result || undefined,
            account_id: filters.accountId || undefined,
          },
        },
      }),
    );
    entries.push(...page.entries);
    const last = page.entries.at(-1);
    if (page.entries.length < limit || !last) return { entries, more: false };
    before = last.id;
  }
  return { entries, more: true };
}

const KIND_OPTIONS: { value: Filters['feature']; label: string }[] = [
  { value: '', label: 'All kinds' },
  ...(Object.entries(FEATURE_LABELS) as [AutomationFeature, string][]).map(([value, label]) => ({ value, label })),
];
const RESULT_OPTIONS: { value: Filters['result']; label: string }[] = [{ value: '', label: 'All results' }, ...RESULTS.map((r) => ({ value: r, label: r.replace('_', ' ') }))];

/** What the inbound automations did (GET /api/automation/log), newest first, refreshed every 5 seconds. */
export function AutomationLog({ accounts }: { accounts: Account[] }) {
  const [filters, setFilters] = useState<Filters>({ feature: '', result: '', accountId: '' });
  const [pages, setPages] = useState(1);
  const log = useApi(() => loadLog(filters, pages * PAGE_SIZE), [filters, pages], POLL_MS);
  const accountName = (id: string) => accounts.find((a) => a.id === id)?.name ?? id;
  // A new filter starts again from the newest page.
  const filter = <K extends keyof Filters>(field: K) => (value: Filters[K]) => {
    setFilters((f) => ({ ...f, [field]: value }));
    setPages(1);
  };

  return (
    <>
      <div className="row">
        <SelectField label="Kind" value={filters.feature} onChange={filter('feature')} options={KIND_OPTIONS} />
        <SelectField label="Result" value={filters.result} onChange={filter('result')} options={RESULT_OPTIONS} />
        <SelectField
          label="Account"
          value={filters.accountId}
          onChange={filter('accountId')}
          options={[{ value: '', label: 'All accounts' }, ...accounts.map((a) => ({ value: a.id, label: accountLabel(a) }))]}
        />
      </div>
      <ErrorNote error={log.error} />
      {log.data ? (
        <>
          <DataTable
            caption="Automation log"
            rows={log.data.entries}
            rowKey={(e) => String(e.id)}
            empty="Nothing logged yet: actions show here as the automations take them."
            columns={[
              { header: 'Time', cell: (e) => <When at={e.created_at} /> },
              { header: 'Kind', cell: (e) => FEATURE_LABELS[e.feature] },
              { header: 'Account', cell: (e) => accountName(e.account_id) },
              { header: 'Chat', cell: (e) => <code>{e.chat_key}</code> },
              { header: 'User', cell: (e) => (e.user_id ? <code>{e.user_id}</code> : <span className="muted">—</span>) },
              { header: 'Action', cell: (e) => e.action },
              { header: 'Rule', cell: (e) => e.rule_id ?? <span className="muted">—</span> },
              { header: 'Reason', cell: (e) => e.reason ?? <span className="muted">—</span> },
              {
                header: 'Result',
                cell: (e) => (
                  <>
                    <Badge tone={RESULT_TONES[e.result]}>{e.result.replace('_', ' ')}</Badge>
                    {e.error && (
                      <>
                        <br />
                        <small className="muted">{e.error}</small>
                      </>
                    )}
                  </>
                ),
              },
            ]}
          />
          {log.data.more && (
            <Button onClick={() => setPages((p) => p + 1)} disabled={log.loading} aria-busy={log.loading}>
              Load more
            </Button>
          )}
        </>
      ) : (
        !log.error && <Loading what="Loading the automation log" />
      )}
    </>
  );
}
