import type { ReactNode } from 'react';

export interface Figure {
  label: string;
  value: ReactNode;
}

/** Labelled numbers as a description list: each label is the term, its number the description. */
export function Figures({ figures, label }: { figures: Figure[]; label: string }) {
  return (
    <dl className="stat-grid" aria-label={label}>
      {figures.map((f) => (
        <div key={f.label}>
          <dt className="muted">{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
