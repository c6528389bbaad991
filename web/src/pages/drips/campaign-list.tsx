import { Link } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { Badge, DataTable, ErrorNote, Loading, Page, ProgressBar, When } from '../../components/ui';
import { STATUS_TONE, type Campaign } from './types';

/**
 * How far a campaign's targets are: the list answers no enrollments, so each row asks for its
 * campaign's detail (a draft has none to ask for).
 */
function CampaignProgress({ campaign }: { campaign: Campaign }) {
  const started = campaign.status !== 'draft';
  const detail = useApi(
    () => (started ? unwrap(api.GET('/api/drip-campaigns/{id}', { params: { path: { id: campaign.id } } })) : Promise.resolve(undefined)),
    [campaign.id, started],
  );
  if (!started) return <span className="muted">not started</span>;
  if (detail.error) return <ErrorNote error={detail.error} />;
  if (!detail.data) return <Loading />;
  const { enrollments } = detail.data;
  const done = enrollments.filter((e) => e.status !== 'active' && e.status !== 'paused').length;
  return <ProgressBar label="Targets done" value={done} max={enrollments.length} />;
}

/** Every drip campaign of the caller with its state and progress; each opens its detail. */
export function CampaignList() {
  const list = useApi(() => unwrap(api.GET('/api/drip-campaigns')), []);
  return (
    <Page
      title="Drip campaigns"
      actions={
        <Link href="/new" className="button primary">
          New campaign
        </Link>
      }
    >
      <ErrorNote error={list.error} />
      {!list.data ? (
        !list.error && <Loading />
      ) : (
        <DataTable
          caption="Drip campaigns"
          rows={list.data.campaigns}
          rowKey={(c) => c.id}
          empty="No drip campaigns yet: create one."
          columns={[
            { header: 'Name', cell: (c) => <Link href={`/${c.id}`}>{c.name}</Link> },
            { header: 'Status', cell: (c) => <Badge tone={STATUS_TONE[c.status]}>{c.status}</Badge> },
            { header: 'Steps', cell: (c) => c.steps.length },
            { header: 'Targets', cell: (c) => c.targets.length },
            { header: 'Progress', cell: (c) => <CampaignProgress campaign={c} /> },
            { header: 'Created', cell: (c) => <When at={c.created_at} /> },
          ]}
        />
      )}
    </Page>
  );
}
