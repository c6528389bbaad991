import { stringify } from 'csv-stringify';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { neutralizeCell } from '../domain/contacts';

/**
 * `records` as a CSV stream with a header of `columns`, every cell neutralised against formula
 * injection, produced as fast as the client reads; a failing read ends the stream with its error.
 */
export function csvStream(columns: readonly string[], records: AsyncIterable<string[]> | Iterable<string[]>): Readable {
  async function* safe() {
    for await (const record of records) yield record.map(neutralizeCell);
  }
  const out = new PassThrough();
  pipeline(Readable.from(safe()), stringify({ header: true, columns: [...columns] }), out).catch((err: unknown) => out.destroy(err as Error));
  return out;
}
