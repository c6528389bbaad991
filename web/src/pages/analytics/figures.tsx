import type { CSSProperties, ReactNode } from 'react';

export interface Figure {
  label: string;
  value: ReactNode;
}

// styles.css has no class for a figure grid; these few inline rules keep it narrow-screen safe.
const listStyle: CSSProperties = { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(9rem, 1fr))', gap: '0.75rem', margin: 0 };
const valueStyle: CSSProperties = { margin: 0, fontSize: '1.4rem', fontWeight: 600 };

/** Labelled numbers as a description list: each label is the term, its number the description. */
export function Figures({ figures, label }: { figures: Figure[]; label: string }) {
  return (
    <dl style={listStyle} aria-label={label}>
      {figures.map((f) => (
        <div key={f.label}>
          <dt className="muted">{f.label}</dt>
          <dd style={valueStyle}>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
