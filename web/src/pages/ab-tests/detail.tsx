import { useEffect } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Badge, Button, ErrorNote, Loading, Notice, Page, Section, When } from '../../components/ui';
import { RecordResults } from './record-results';
import { Results } from './results';
import { STATUS_TONE, type AbTest } from './types';

/** While a test runs its sends settle and its counts grow: its results are read again this often. */
const RUNNING_POLL_MS = 3000;

/** One A/B test: what it sends where, Start / Complete / Delete, and its results with the decision. */
export function AbTestDetail({ id }: { id: string }) {
  const loaded = useApi(() => unwrap(api.GET('/api/ab-tests/{id}', { params: { path: { id } } })), [id]);
  const running = loaded.data?.test.status === 'running';
  const { reload } = loaded;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, RUNNING_POLL_MS);
    return () => clearInterval(timer);
  }, [running, reload]);

  const action = useAction();
  const [, navigate] = useLocation();
  const path = { params: { path: { id } } };
  const start = () =>
    action.run(async () => {
      await unwrap(api.POST('/api/ab-tests/{id}/start', path));
      reload();
    });
  const complete = () =>
    action.run(async () => {
      await unwrap(api.POST('/api/ab-tests/{id}/complete', path));
      reload();
    });
  const remove = () =>
    window.confirm('Delete this test? Its sends not made yet are cancelled; those made stay in the ledger.') &&
    action.run(async () => {
      await unwrap(api.DELETE('/api/ab-tests/{id}', path));
      navigate('/');
    });

  if (!loaded.data) {
    return (
      <Page title="A/B test" actions={<Link href="/">All A/B tests</Link>}>
        <ErrorNote error={loaded.error} />
        {!loaded.error && <Loading />}
      </Page>
    );
  }
  const { test, results } = loaded.data;
  return (
    <Page
      title={test.name}
      actions={
        <>
          <Link href="/">All A/B tests</Link>
          {test.status === 'draft' && (
            <Button variant="primary" onClick={() => void start()} disabled={action.busy}>
              Start
            </Button>
          )}
          {test.status === 'running' && (
            <Button variant="primary" onClick={() => void complete()} disabled={action.busy}>
              Complete
            </Button>
          )}
          <Button variant="danger" onClick={() => void remove()} disabled={action.busy}>
            Delete
          </Button>
        </>
      }
    >
      <ErrorNote error={action.error ?? loaded.error} />
      <Overview test={test} />
      <Results test={test} results={results} />
      <Variants test={test} />
      <RecordResults testId={test.id} variants={test.variants.map((v) => v.name)} onRecorded={reload} />
    </Page>
  );
}

function Overview({ test }: { test: AbTest }) {
  return (
    <Section title="Test">
      <dl className="figures">
        <dt>Status</dt>
        <dd>
          <Badge tone={STATUS_TONE[test.status]}>{test.status}</Badge>
        </dd>
        <dt>Targets</dt>
        <dd>{test.groups.length}</dd>
        {test.sample_percent !== null && (
          <>
            <dt>Sample</dt>
            <dd>
              {test.sample_percent} % of the targets first, deciding after {test.decide_after_minutes} min
              {test.rest && ` (${test.rest.length} held back for the winner)`}
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>
          <When at={test.created_at} />
        </dd>
        <dt>Started</dt>
        <dd>
          <When at={test.started_at} />
        </dd>
        <dt>Completed</dt>
        <dd>
          <When at={test.completed_at} />
        </dd>
      </dl>
      {test.status === 'draft' && <Notice>Not started: Start splits the targets among the variants and sends each its message.</Notice>}
      {test.status === 'running' && (
        <p className="muted" role="status">
          Running: the counts below update every few seconds. Complete decides the winner now.
        </p>
      )}
    </Section>
  );
}

function Variants({ test }: { test: AbTest }) {
  return (
    <Section title="Variants">
      {test.variants.map((variant) => {
        const targets = test.split?.[variant.name];
        return (
          <article key={variant.name}>
            <h3>
              {variant.name} <span className="muted">(weight {variant.weight})</span>
            </h3>
            {variant.template !== undefined ? <p className="pre-wrap">{variant.template}</p> : <p className="muted">Saved template {variant.template_id}</p>}
            <p className="muted">
              {targets ? `Sent to ${targets.length}: ${targets.join(', ') || 'no target'}` : 'Its targets are chosen when the test starts.'}
            </p>
          </article>
        );
      })}
      {test.status === 'draft' && <p className="muted">Targets: {test.groups.join(', ')}</p>}
    </Section>
  );
}
