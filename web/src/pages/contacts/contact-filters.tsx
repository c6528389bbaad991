import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { ErrorNote, SelectField, TextField } from '../../components/ui';
import type { ContactFilters } from './types';

/** Search, tag and segment filters; the options are the caller's own tags and segments with their counts. */
export function ContactFilterFields({ filters, onChange, version }: { filters: ContactFilters; onChange: (filters: ContactFilters) => void; version: number }) {
  const tags = useApi(() => unwrap(api.GET('/api/contacts/tags')), [version]);
  const segments = useApi(() => unwrap(api.GET('/api/contacts/segments')), [version]);
  const tagOptions = [{ value: '', label: 'All tags' }, ...(tags.data?.tags ?? []).map((t) => ({ value: t.tag, label: `${t.tag} (${t.count})` }))];
  // A filter whose last contact went (deleted, retagged) stays chosen and visible until changed.
  if (filters.tag && !tagOptions.some((o) => o.value === filters.tag)) tagOptions.push({ value: filters.tag, label: `${filters.tag} (0)` });
  // Contacts without a segment cannot be asked for by the list's query, so they are no option.
  const segmentOptions = [
    { value: '', label: 'All segments' },
    ...(segments.data?.segments ?? []).flatMap((s) => (s.segment === null ? [] : [{ value: s.segment, label: `${s.segment} (${s.count})` }])),
  ];
  if (filters.segment && !segmentOptions.some((o) => o.value === filters.segment)) segmentOptions.push({ value: filters.segment, label: `${filters.segment} (0)` });
  return (
    <>
      <div className="row">
        <TextField label="Search" type="search" value={filters.search} onChange={(search) => onChange({ ...filters, search })} hint="A part of the name, phone or username" maxLength={200} />
        <SelectField label="Tag" value={filters.tag} onChange={(tag) => onChange({ ...filters, tag })} options={tagOptions} />
        <SelectField label="Segment" value={filters.segment} onChange={(segment) => onChange({ ...filters, segment })} options={segmentOptions} />
      </div>
      <ErrorNote error={tags.error ?? segments.error} />
    </>
  );
}
