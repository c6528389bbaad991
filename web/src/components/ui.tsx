/**
 * The dashboard's small component set: native elements with their labels, so every control is
 * reachable by keyboard and named for screen readers, styled by styles.css.
 */
import { useId, type ButtonHTMLAttributes, type FormEvent, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import type { Action } from './hooks';

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{title}</h1>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id}>
      <header className="card-header">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** The API's own message of a failed request, announced to screen readers. */
export function ErrorNote({ error }: { error: Error | undefined | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error.message}
    </p>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' };

export function Button({ variant = 'secondary', type = 'button', className, ...rest }: ButtonProps) {
  return <button type={type} className={`button ${variant} ${className ?? ''}`} {...rest} />;
}

/** A form whose submit runs `onSubmit` through `action`, showing its error and disabling the submit while it runs. */
export function Form({
  action,
  onSubmit,
  submitLabel,
  children,
  label,
  extraButtons,
}: {
  action: Action;
  onSubmit: () => Promise<unknown>;
  submitLabel: string;
  children: ReactNode;
  label?: string;
  extraButtons?: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(onSubmit);
  };
  return (
    <form className="form" onSubmit={submit} aria-label={label} noValidate>
      {children}
      <ErrorNote error={action.error} />
      <div className="form-buttons">
        <Button type="submit" variant="primary" disabled={action.busy} aria-busy={action.busy}>
          {action.busy ? `${submitLabel}…` : submitLabel}
        </Button>
        {extraButtons}
      </div>
    </form>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
};

export function TextField({ label, value, onChange, hint, ...rest }: InputProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined} {...rest} />
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

export function TextArea({
  label,
  value,
  onChange,
  hint,
  ...rest
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> & { label: string; value: string; onChange: (value: string) => void; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined} rows={4} {...rest} />
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

export function SelectField<T extends string>({
  label,
  value,
  onChange,
  options,
  ...rest
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> & {
  label: string;
  value: T;
  onChange: (value: T) => void;
  options: ReadonlyArray<{ value: T; label: string }>;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Checkbox({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
}

/** A table that scrolls sideways inside its card on a narrow screen rather than widening the page. */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  empty = 'Nothing here yet.',
}: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  empty?: string;
}) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} data-label={c.header}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A file chooser with its label. A new `resetKey` empties it (a file input's value cannot be set),
 * as after an upload.
 */
export function FileField({
  label,
  accept,
  hint,
  onChange,
  resetKey,
}: {
  label: string;
  accept: string;
  hint?: string;
  onChange: (file: File | undefined) => void;
  resetKey?: number;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input key={resetKey} id={id} type="file" accept={accept} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(e) => onChange(e.target.files?.[0])} />
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

/** A long operation that reports no figures while it runs (a scan job): a moving bar and what runs. */
export function WorkingBar({ label }: { label: string }) {
  const id = useId();
  return (
    <div className="progress" role="status" aria-live="polite">
      <label htmlFor={id}>{label}…</label>
      <progress id={id} />
    </div>
  );
}

/** Progress of a long operation: a native progress bar with its figures in words. */
export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const id = useId();
  return (
    <div className="progress">
      <label htmlFor={id}>
        {label}: {value} of {max}
      </label>
      <progress id={id} value={value} max={Math.max(max, 1)} />
    </div>
  );
}

export function Badge({ children, tone = 'neutral' }: { children: ReactNode; tone?: 'neutral' | 'good' | 'warn' | 'bad' }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

/** A secret the API shows once (a new API key, a webhook's signing secret), with a way to copy it. */
export function ShownOnce({ label, secret }: { label: string; secret: string }) {
  return (
    <div className="shown-once" role="status">
      <p>
        <strong>{label}</strong> — shown once; copy it now.
      </p>
      <code data-testid="secret">{secret}</code>
      <Button onClick={() => void navigator.clipboard?.writeText(secret)}>Copy</Button>
    </div>
  );
}

/** A date-time from the API, in the viewer's locale; a dash for none. */
export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span className="muted">—</span>;
  return <time dateTime={at}>{new Date(at).toLocaleString()}</time>;
}

/** Offers `text` (a CSV export) as a file download. */
export function download(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}
