import { parse } from 'csv-parse/browser/esm/sync';

/**
 * The outline of a CSV file before it is imported: its header row, for the column mapping, and
 * how many records follow, for the per-row report. Parsed by csv-parse with the options the API
 * parses imports with, so the row numbers here are the API's (1 = the first record after the header).
 */
export interface CsvOutline {
  headers: string[];
  rowCount: number;
}

/** The header row of a CSV file and the number of records below it. */
export function outlineCsv(text: string): CsvOutline {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
  } catch (err) {
    throw new Error(`The file is not CSV: ${(err as Error).message}`);
  }
  const [headers, ...rows] = records;
  if (!headers || headers.every((h) => h.trim() === '')) throw new Error('The file has no header row.');
  return { headers, rowCount: rows.length };
}
