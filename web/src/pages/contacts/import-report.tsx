import { DataTable } from '../../components/ui';
import type { ImportAnswer } from './types';

/** Beyond this many rows, only the skipped ones are listed: a table of 100,000 rows helps no one. */
const MAX_LISTED_ROWS = 1000;

interface ReportRow {
  key: string;
  row: string;
  result: string;
  message: string;
}

/**
 * What an import did, row by row. The API names each skipped row and its reason, and counts the
 * created and updated ones without saying which is which: a row that was not skipped is "created"
 * or "updated" when all such rows were, else "created or updated".
 */
export function ImportReport({ answer, rowCount }: { answer: ImportAnswer; rowCount: number }) {
  const skipped = new Map(answer.skipped_rows.map((s) => [s.row, s.reason]));
  const imported = answer.created + answer.updated;
  const importedResult = answer.updated === 0 ? 'created' : answer.created === 0 ? 'updated' : 'created or updated';
  const listAll = rowCount <= MAX_LISTED_ROWS;
  const perRow: ReportRow[] = listAll
    ? Array.from({ length: rowCount }, (_, i) => {
        const reason = skipped.get(i + 1);
        return { key: String(i + 1), row: String(i + 1), result: reason === undefined ? importedResult : 'skipped', message: reason ?? '' };
      })
    : answer.skipped_rows.map((s) => ({ key: String(s.row), row: String(s.row), result: 'skipped', message: s.reason }));
  const total: ReportRow = {
    key: 'total',
    row: 'All rows',
    result: `${answer.created} created, ${answer.updated} updated, ${answer.skipped} skipped`,
    message: imported + answer.skipped === 0 ? 'The file had no rows.' : '',
  };
  return (
    <>
      <DataTable
        caption="Import report"
        rows={[total, ...perRow]}
        rowKey={(r) => r.key}
        columns={[
          { header: 'Row', cell: (r) => (r.key === 'total' ? <strong>{r.row}</strong> : r.row) },
          { header: 'Result', cell: (r) => (r.key === 'total' ? <strong>{r.result}</strong> : r.result) },
          { header: 'Error', cell: (r) => r.message || '—' },
        ]}
      />
      {!listAll && (
        <p className="muted">
          The file has {rowCount} rows: only the skipped ones are listed one by one.
        </p>
      )}
    </>
  );
}
