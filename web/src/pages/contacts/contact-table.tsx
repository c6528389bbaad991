import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Badge, Button, DataTable, ErrorNote, Loading, When } from '../../components/ui';
import { filterQuery, type Contact, type ContactFilters } from './types';

const PAGE_SIZE = 50;

/** Which platforms know the contact, from the identities it has. */
function platforms(c: Contact): string {
  const known = [c.username || c.telegram_id ? 'Telegram' : null, c.whatsapp_jid ? 'WhatsApp' : null].filter(Boolean);
  return known.length > 0 ? known.join(', ') : '—';
}

/** How to reach the contact: phone, Telegram username or id, WhatsApp JID. */
function reach(c: Contact) {
  const ways = [c.phone, c.username && `@${c.username}`, c.telegram_id && `tg ${c.telegram_id}`, c.whatsapp_jid].filter(Boolean);
  return ways.length > 0 ? ways.join(' · ') : '—';
}

/**
 * The contacts the filters keep, a page of 50 at a time, each deletable. `offset` is kept by the
 * caller so a change of filters can start again at the first page.
 */
export function ContactTable({
  filters,
  offset,
  onOffset,
  version,
  onChanged,
}: {
  filters: ContactFilters;
  offset: number;
  onOffset: (offset: number) => void;
  version: number;
  onChanged: () => void;
}) {
  const query = filterQuery(filters);
  const list = useApi(
    () => unwrap(api.GET('/api/contacts', { params: { query: { ...query, limit: PAGE_SIZE, offset } } })),
    [query.search, query.tag, query.segment, offset, version],
  );
  const action = useAction();
  const [deleting, setDeleting] = useState<string>();
  const remove = (contact: Contact) => {
    setDeleting(contact.id);
    void action
      .run(async () => {
        await unwrap(api.DELETE('/api/contacts/{id}', { params: { path: { id: contact.id } } }));
        // The last contact of a later page gone: show the page before rather than an empty one.
        if (list.data && list.data.count === 1 && offset > 0) onOffset(Math.max(0, offset - PAGE_SIZE));
        onChanged();
      })
      .finally(() => setDeleting(undefined));
  };

  if (!list.data) return list.error ? <ErrorNote error={list.error} /> : <Loading what="Loading contacts" />;
  const { contacts, total } = list.data;
  return (
    <>
      <ErrorNote error={list.error ?? action.error} />
      {total > 0 && (
        <p className="muted" role="status">
          {offset + 1}–{offset + contacts.length} of {total} contacts
        </p>
      )}
      <DataTable
        caption="Contacts"
        rows={contacts}
        rowKey={(c) => c.id}
        empty={filters.search || filters.tag || filters.segment ? 'No contact matches these filters.' : 'No contacts yet: add one or import a CSV file.'}
        columns={[
          {
            header: 'Name',
            cell: (c) => (
              <>
                {c.name ?? <span className="muted">(no name)</span>} {c.opted_out && <Badge tone="warn">opted out</Badge>}
              </>
            ),
          },
          { header: 'Phone / username', cell: reach },
          { header: 'Platform', cell: platforms },
          { header: 'Tags', cell: (c) => (c.tags.length > 0 ? c.tags.map((t) => <Badge key={t}>{t}</Badge>) : '—') },
          { header: 'Segment', cell: (c) => c.segment ?? '—' },
          // The list answers no interactions; the last change is the nearest it tells.
          { header: 'Last change', cell: (c) => <When at={c.updated_at} /> },
          {
            header: 'Actions',
            cell: (c) => (
              <Button variant="danger" onClick={() => remove(c)} disabled={deleting === c.id} aria-label={`Delete ${c.name ?? c.phone ?? c.username ?? 'contact'}`}>
                Delete
              </Button>
            ),
          },
        ]}
      />
      {total > PAGE_SIZE && (
        <div className="row">
          <Button onClick={() => onOffset(Math.max(0, offset - PAGE_SIZE))} disabled={offset === 0}>
            Previous page
          </Button>
          <Button onClick={() => onOffset(offset + PAGE_SIZE)} disabled={offset + contacts.length >= total}>
            Next page
          </Button>
        </div>
      )}
    </>
  );
}
