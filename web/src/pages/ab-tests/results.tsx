import type { paths } from '../../api/schema';
import { Badge, DataTable, Section, When } from '../../components/ui';
import { percent, statistic, type AbTest } from './types';

type Counts = paths['/api/ab-tests/{id}']['get']['responses']['200']['content']['application/json']['results'][number];

const METRIC_NAME = { delivery: 'delivery rate', reply: 'reply rate' } as const;

/** Each variant's counts, and the decision: the z-test's z and p, and the winner (or why there is none). */
export function Results({ test, results }: { test: AbTest; results: Counts[] }) {
  const decision = test.decision;
  return (
    <Section title="Results">
      <DataTable<Counts>
        caption="Results"
        rows={results}
        rowKey={(r) => r.name}
        empty="No variants."
        columns={[
          {
            header: 'Variant',
            cell: (r) => (
              <>
                {r.name} {decision?.winner === r.name && <Badge tone="good">winner</Badge>}
              </>
            ),
          },
          { header: 'Sent', cell: (r) => r.sent },
          { header: 'Delivered', cell: (r) => r.delivered },
          { header: 'Failed', cell: (r) => r.failed },
          { header: 'Delivery rate', cell: (r) => (r.sent === 0 ? '—' : percent(r.delivery_rate)) },
        ]}
      />
      <h3>Decision</h3>
      <p aria-live="polite">
        <strong>z = {statistic(decision?.z, 2)}</strong> · <strong>p = {statistic(decision?.p, 4)}</strong>
        {!decision && <span className="muted"> (computed when the test completes)</span>}
      </p>
      {decision ? (
        <dl className="figures">
          <dt>Winner</dt>
          <dd>{decision.winner ?? 'none'}</dd>
          <dt>Why</dt>
          <dd>{decision.reason}</dd>
          <dt>Compared by</dt>
          <dd>
            {METRIC_NAME[decision.metric]}: {Object.entries(decision.rates).map(([name, rate]) => `${name} ${percent(rate)}`).join(', ')}
          </dd>
          <dt>Significant</dt>
          <dd>{decision.significant ? 'yes (p < 0.05)' : 'no'}</dd>
          {decision.sent_to_rest !== null && (
            <>
              <dt>Sent to the rest</dt>
              <dd>{decision.sent_to_rest}</dd>
            </>
          )}
          <dt>Decided</dt>
          <dd>
            <When at={decision.decided_at} />
          </dd>
        </dl>
      ) : (
        <p className="muted">
          Winner: not decided yet. The best delivery rate wins against the runner-up when p &lt; 0.05 with at least 30 sends each.
        </p>
      )}
    </Section>
  );
}
