import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type pg from 'pg';

/** Each statement text's name, derived once: a statement's name is for good, one text per name. */
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `autohub-${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs `text` (parameters `$1`, `$2` …) as a statement PostgreSQL prepares once per pooled
 * connection and then runs without planning it again, for statements run at every send or event
 * whose planning costs more than their execution (several CTEs: planning the event log's emit
 * statement took 8 ms here, several times its execution), as knex plans every statement anew. `text`
 * must be one of a bounded set of constant texts, since each is kept prepared on every
 * connection. Inside a transaction it runs on the transaction's connection.
 */
export async function queryPrepared<Row>(db: Knex, text: string, values: readonly unknown[]): Promise<Row[]> {
  // A transaction's client hands out the transaction's connection and releases nothing.
  const connection = (await db.client.acquireConnection()) as pg.Client;
  try {
    const result = await connection.query<Row & pg.QueryResultRow>({ name: nameOf(text), text, values: [...values] });
    return result.rows;
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/** `sql` with knex's `?` placeholders numbered as PostgreSQL's `$1`, `$2` …, for {@link queryPrepared}. */
export function numberedPlaceholders(sql: string): string {
  if (sql.includes('??')) throw new Error('identifier placeholders (??) cannot be prepared');
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
