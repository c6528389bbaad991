import { useState } from 'react';
import { fetchText } from '../api/client';
import { useAction } from '../components/hooks';
import { Button, ErrorNote, Page, Section, download } from '../components/ui';
import { ContactFilterFields } from './contacts/contact-filters';
import { ContactTable } from './contacts/contact-table';
import { ImportContacts } from './contacts/import-contacts';
import { NewContact } from './contacts/new-contact';
import { filterQuery, type ContactFilters } from './contacts/types';
import { useDebounced } from './contacts/use-debounced';

/** The contact CRM: the caller's contacts filtered and paged, one added by hand, many imported from CSV, all exported. */
export function ContactsPage() {
  const [filters, setFilters] = useState<ContactFilters>({ search: '', tag: '', segment: '' });
  const [offset, setOffset] = useState(0);
  // Bumped by every change (a contact added, deleted, imported): the list and the filter options load again.
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  const searched = useDebounced(filters.search);
  const applied = { ...filters, search: searched };
  const exporting = useAction();

  const changeFilters = (next: ContactFilters) => {
    setFilters(next);
    setOffset(0);
  };
  const exportCsv = () =>
    exporting.run(async () => {
      const query = new URLSearchParams(filterQuery(filters)).toString();
      download('contacts.csv', await fetchText(`/api/contacts/export${query ? `?${query}` : ''}`));
    });

  return (
    <Page
      title="Contacts"
      actions={
        <Button onClick={() => void exportCsv()} disabled={exporting.busy} aria-busy={exporting.busy}>
          {exporting.busy ? 'Export CSV…' : 'Export CSV'}
        </Button>
      }
    >
      <ErrorNote error={exporting.error} />
      <Section title="Address book">
        <ContactFilterFields filters={filters} onChange={changeFilters} version={version} />
        <ContactTable filters={applied} offset={offset} onOffset={setOffset} version={version} onChanged={changed} />
      </Section>
      <div className="grid">
        <NewContact onCreated={changed} />
        <ImportContacts onImported={changed} />
      </div>
    </Page>
  );
}
