import type { components, paths } from '../../api/schema';

export type Contact = components['schemas']['Contact'];
export type ImportAnswer = paths['/api/contacts/import']['post']['responses']['200']['content']['application/json'];
export type NewContactBody = NonNullable<paths['/api/contacts']['post']['requestBody']>['content']['application/json'];

/** The list's filters, which the export takes too; '' is no filter. */
export interface ContactFilters {
  search: string;
  tag: string;
  segment: string;
}

/** The filters as a query: blank ones left out, so the API does not filter on an empty value. */
export function filterQuery({ search, tag, segment }: ContactFilters): { search?: string; tag?: string; segment?: string } {
  return {
    ...(search.trim() && { search: search.trim() }),
    ...(tag && { tag }),
    ...(segment && { segment }),
  };
}

/** The contact fields a CSV column can fill (the API's importable fields). */
export const IMPORT_FIELDS = ['name', 'phone', 'username', 'telegram_id', 'whatsapp_jid', 'tags', 'segment', 'opted_out'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
