import type { Knex } from 'knex';

/** Records a domain event (analytics, webhooks and reports read them). */
export async function insertEvent(
  db: Knex,
  event: { userId: string | null; accountId: string | null; type: string; data: object },
): Promise<void> {
  await db('events').insert({ user_id: event.userId, account_id: event.accountId, type: event.type, data: event.data });
}

export async function listEvents(
  db: Knex,
  filter: { accountId?: string; type?: string; limit: number },
): Promise<Array<{ id: number; type: string; accountId: string | null; data: Record<string, unknown>; createdAt: Date }>> {
  const query = db('events').orderBy('id', 'desc').limit(filter.limit);
  if (filter.accountId) query.where({ account_id: filter.accountId });
  if (filter.type) query.where({ type: filter.type });
  const rows = await query;
  return rows.map((r: { id: number; type: string; account_id: string | null; data: Record<string, unknown>; created_at: Date }) => ({
    id: r.id,
    type: r.type,
    accountId: r.account_id,
    data: r.data,
    createdAt: r.created_at,
  }));
}
