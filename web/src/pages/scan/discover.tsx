/**
 * "Discover groups": find public groups (and channels) by search terms or category through the
 * account's own platform search and the optional sources (POST /api/v1/scan/discover), ranked by
 * relevance. Each optional source fails soft; the table of sources says which answered.
 */
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Badge, Checkbox, DataTable, Form, Section, TextField } from '../../components/ui';
import { numberOrDefault } from './fields';
import { JobView, useLastJob, type DiscoverResult, type JobResult } from './job';

type Group = DiscoverResult['groups'][number];
type Source = DiscoverResult['sources'][number];

const pickDiscover = (r: JobResult): DiscoverResult | undefined => ('sources' in r ? r : undefined);

/** A `t.me/name` link as the API gives it, made absolute for the browser. */
const href = (link: string) => (/^https?:\/\//.test(link) ? link : `https://${link}`);

export function DiscoverSection({ accountId }: { accountId: string }) {
  const [terms, setTerms] = useState('');
  const [category, setCategory] = useState('');
  const [minMembers, setMinMembers] = useState('0');
  const [maxResults, setMaxResults] = useState('40');
  const [includeChannels, setIncludeChannels] = useState(false);
  const [onlyNew, setOnlyNew] = useState(true);
  const [useTgstat, setUseTgstat] = useState(true);
  const [useWeb, setUseWeb] = useState(true);
  const [useSearchee, setUseSearchee] = useState(true);
  const [job, setJob] = useLastJob<{ jobId: string }>('discover');
  const action = useAction();

  const start = async () => {
    const answer = await unwrap(
      api.POST('/api/v1/scan/discover', {
        body: {
          account_id: accountId,
          keywords: terms.trim() || undefined,
          category: category.trim() || undefined,
          min_members: numberOrDefault(minMembers),
          max_results: numberOrDefault(maxResults),
          include_channels: includeChannels,
          only_new: onlyNew,
          use_tgstat: useTgstat,
          use_web: useWeb,
          use_searchee: useSearchee,
          wait_seconds: 0,
        },
      }),
    );
    setJob({ jobId: answer.job_id });
  };

  return (
    <Section title="Discover groups">
      <Form action={action} onSubmit={start} submitLabel="Discover groups" label="Discover groups">
        <TextField label="Search terms" value={terms} onChange={setTerms} hint="e.g. crypto trading signals; give these or a category" />
        <TextField label="Category" value={category} onChange={setCategory} hint="A hint such as finance, tech, marketing" />
        <div className="grid">
          <TextField label="Fewest members" type="number" inputMode="numeric" min={0} value={minMembers} onChange={setMinMembers} />
          <TextField label="Groups at most" type="number" inputMode="numeric" min={1} max={200} value={maxResults} onChange={setMaxResults} />
        </div>
        <Checkbox label="Include channels" checked={includeChannels} onChange={setIncludeChannels} />
        <Checkbox label="Only chats not scanned yet" checked={onlyNew} onChange={setOnlyNew} />
        <fieldset className="form">
          <legend>Also search (besides the platform’s own search)</legend>
          <Checkbox label="TGStat" checked={useTgstat} onChange={setUseTgstat} />
          <Checkbox label="DuckDuckGo and Bing" checked={useWeb} onChange={setUseWeb} />
          <Checkbox label="SearcheeBot" checked={useSearchee} onChange={setUseSearchee} />
        </fieldset>
      </Form>
      {job && (
        <JobView key={job.jobId} jobId={job.jobId} pick={pickDiscover}>
          {(result) => <Discovered result={result} />}
        </JobView>
      )}
    </Section>
  );
}

function Discovered({ result }: { result: DiscoverResult }) {
  return (
    <>
      <p>
        {result.total} {result.total === 1 ? 'chat' : 'chats'} found, best first.
      </p>
      <DataTable<Group>
        caption="Groups discovered"
        rows={result.groups}
        rowKey={(g) => g.username ?? g.link ?? g.title}
        empty="No group found."
        columns={[
          { header: 'Title', cell: (g) => g.title },
          {
            header: 'Link',
            cell: (g) =>
              g.link ? (
                <a href={href(g.link)} target="_blank" rel="noreferrer">
                  {g.username ? `@${g.username}` : g.link}
                </a>
              ) : (
                (g.username && `@${g.username}`) || <span className="muted">—</span>
              ),
          },
          { header: 'Type', cell: (g) => g.type ?? <span className="muted">unknown</span> },
          { header: 'Members', cell: (g) => (g.members === null ? <span className="muted">unknown</span> : g.members.toLocaleString()) },
          { header: 'Relevance', cell: (g) => g.relevance_score.toFixed(2) },
        ]}
      />
      <h3>Sources asked</h3>
      <DataTable<Source>
        caption="Sources asked"
        rows={result.sources}
        rowKey={(s) => s.name}
        columns={[
          { header: 'Source', cell: (s) => s.name },
          { header: 'Answered', cell: (s) => (s.ok ? <Badge tone="good">yes</Badge> : <Badge tone="bad">no</Badge>) },
          { header: 'Found', cell: (s) => s.count },
          { header: 'Reason', cell: (s) => s.error ?? '' },
        ]}
      />
    </>
  );
}
