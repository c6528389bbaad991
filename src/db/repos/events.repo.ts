import type { Knex } from 'knex';

/**
 * Records an event of an account for the account's owner (`account.restricted`, `inbound.message`
 * …): the one writer of account events, so every one names the same user. Answers false, writing
 * nothing, when the account no longer exists.
 */
export async function recordAccountEvent(db: Knex, event: { accountId: string; type: string; data: object }): Promise<boolean> {
  const result = await db.raw(
    `insert into events (user_id, account_id, type, data) select user_id, id, ?, ?::jsonb from accounts where id = ?`,
    [event.type, JSON.stringify(event.data), event.accountId],
  );
  return (result as { rowCount: number }).rowCount > 0;
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
