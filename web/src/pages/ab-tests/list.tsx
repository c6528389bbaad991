import { Link } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { Badge, DataTable, ErrorNote, Loading, Page, Section, When } from '../../components/ui';
import { STATUS_TONE, type AbTest } from './types';

/** The caller's A/B tests, newest first, each linking to its results. */
export function AbTestList() {
  const tests = useApi(() => unwrap(api.GET('/api/ab-tests')), []);
  return (
    <Page title="A/B tests" actions={<Link href="/new">New A/B test</Link>}>
      <Section title="Tests">
        <ErrorNote error={tests.error} />
        {!tests.data ? (
          <Loading />
        ) : (
          <DataTable<AbTest>
            caption="A/B tests"
            rows={tests.data.tests}
            rowKey={(t) => t.id}
            empty="No A/B tests yet: create one to compare two or more versions of a message."
            columns={[
              { header: 'Name', cell: (t) => <Link href={`/${t.id}`}>{t.name}</Link> },
              { header: 'Status', cell: (t) => <Badge tone={STATUS_TONE[t.status]}>{t.status}</Badge> },
              { header: 'Variants', cell: (t) => t.variants.map((v) => v.name).join(', ') },
              { header: 'Targets', cell: (t) => t.groups.length },
              { header: 'Winner', cell: (t) => (t.decision ? (t.decision.winner ?? `none (${t.decision.reason})`) : '—') },
              { header: 'Created', cell: (t) => <When at={t.created_at} /> },
            ]}
          />
        )}
      </Section>
    </Page>
  );
}
