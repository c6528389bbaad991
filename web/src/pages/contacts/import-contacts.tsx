import { useState } from 'react';
import { postForm } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Checkbox, ErrorNote, FileField, Form, Loading, Section, SelectField, TextField } from '../../components/ui';
import { outlineCsv, type CsvOutline } from './csv';
import { ImportReport } from './import-report';
import { IMPORT_FIELDS, type ImportAnswer, type ImportField } from './types';

type Mapping = Record<ImportField, string>;
type Mode = 'upsert' | 'create_only' | 'update_only';

/** Each field preset to the column named like it (any case, spaces around ignored), else none. */
function presetMapping(headers: string[]): Mapping {
  const column = (field: string) => headers.find((h) => h.trim().toLowerCase() === field) ?? '';
  return Object.fromEntries(IMPORT_FIELDS.map((f) => [f, column(f)])) as Mapping;
}

/** The API's mapping, CSV column → field, from the form's field → column; a column chosen twice is refused. */
function toApiMapping(mapping: Mapping): Record<string, ImportField> {
  const byColumn: Record<string, ImportField> = {};
  for (const field of IMPORT_FIELDS) {
    const column = mapping[field];
    if (!column) continue;
    const earlier = byColumn[column];
    if (earlier) throw new Error(`Column "${column}" is chosen for both ${earlier} and ${field}: a column fills one field.`);
    byColumn[column] = field;
  }
  if (Object.keys(byColumn).length === 0) throw new Error('Choose a column for at least one field.');
  return byColumn;
}

/**
 * CSV import: the file is read here first, so its header row can be mapped onto the contact
 * fields before it goes to the API; the answer is shown row by row.
 */
export function ImportContacts({ onImported }: { onImported: () => void }) {
  const [file, setFile] = useState<File>();
  const [outline, setOutline] = useState<CsvOutline>();
  const [readError, setReadError] = useState<Error>();
  const [mapping, setMapping] = useState<Mapping>(presetMapping([]));
  const [mode, setMode] = useState<Mode>('upsert');
  const [replaceTags, setReplaceTags] = useState(false);
  const [addTags, setAddTags] = useState('');
  const [report, setReport] = useState<{ answer: ImportAnswer; rowCount: number }>();
  const action = useAction();

  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    setOutline(undefined);
    setReadError(undefined);
    setReport(undefined);
    action.clear();
    if (!chosen) return;
    chosen
      .text()
      .then((text) => {
        const read = outlineCsv(text);
        setOutline(read);
        setMapping(presetMapping(read.headers));
      })
      .catch((err: Error) => setReadError(err));
  };

  const submit = async () => {
    if (!file || !outline) throw new Error('Choose a CSV file first.');
    const form = new FormData();
    form.append('file', file);
    form.append('mapping', JSON.stringify(toApiMapping(mapping)));
    form.append('mode', mode);
    form.append('replace_tags', String(replaceTags));
    const tags = addTags
      .split(/[,;]/)
      .map((t) => t.trim())
      .filter((t) => t.length > 0);
    form.append('add_tags', JSON.stringify(tags));
    const answer = await postForm<ImportAnswer>('/api/contacts/import', form);
    setReport({ answer, rowCount: outline.rowCount });
    onImported();
  };

  const columnOptions = [{ value: '', label: '(none)' }, ...(outline?.headers ?? []).filter((h) => h !== '').map((h) => ({ value: h, label: h }))];
  return (
    <Section title="Import contacts">
      <Form action={action} onSubmit={submit} submitLabel="Import" label="Import contacts">
        <FileField label="CSV file" accept=".csv,text/csv" onChange={choose} />
        <ErrorNote error={readError} />
        {outline && (
          <>
            <p className="muted">
              {outline.rowCount} rows; columns: {outline.headers.join(', ')}
            </p>
            <fieldset className="form">
              <legend>Column mapping</legend>
              <div className="grid">
                {IMPORT_FIELDS.map((field) => (
                  <SelectField
                    key={field}
                    label={`Column for ${field}`}
                    value={mapping[field]}
                    onChange={(column) => setMapping((old) => ({ ...old, [field]: column }))}
                    options={columnOptions}
                  />
                ))}
              </div>
            </fieldset>
            <SelectField
              label="Rows matching a contact"
              value={mode}
              onChange={setMode}
              options={[
                { value: 'upsert', label: 'Update it; create the others' },
                { value: 'create_only', label: 'Skip them; create only new contacts' },
                { value: 'update_only', label: 'Update it; skip new contacts' },
              ]}
            />
            <Checkbox label="Replace the tags of updated contacts (instead of adding)" checked={replaceTags} onChange={setReplaceTags} />
            <TextField label="Tags for every imported contact" value={addTags} onChange={setAddTags} hint="Separated by commas; optional" />
          </>
        )}
        {action.busy && outline && <Loading what={`Importing ${outline.rowCount} rows`} />}
      </Form>
      {report && <ImportReport answer={report.answer} rowCount={report.rowCount} />}
    </Section>
  );
}
