import type { Knex } from 'knex';
import type pg from 'pg';

/**
 * A statement PostgreSQL prepares once per pooled connection and then runs without planning it
 * again: for a statement run at each send whose planning costs more than its execution (several
 * CTEs), as knex plans every statement anew. `name` is the statement's for good: one text per
 * name. Runs outside any transaction, on a connection of `db`'s pool (autocommit).
 */
export async function queryPrepared<Row>(db: Knex, name: string, text: string, values: unknown[]): Promise<Row[]> {
  if (db.isTransaction) throw new Error(`prepared statement ${name} runs outside transactions`);
  const connection = (await db.client.acquireConnection()) as pg.Client;
  try {
    const result = await connection.query<Row & pg.QueryResultRow>({ name, text, values });
    return result.rows;
  } finally {
    await db.client.releaseConnection(connection);
  }
}
