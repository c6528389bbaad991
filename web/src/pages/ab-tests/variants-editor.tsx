import { Button, SelectField, TextArea, TextField } from '../../components/ui';

/** A variant as the form holds it; `key` keeps React's rows stable while variants are added and removed. */
export interface VariantDraft {
  key: number;
  name: string;
  message: string;
  /** A saved template of the caller's instead of the message; '' for none. */
  templateId: string;
  /** Its share of the targets relative to the others, as typed; '' for the default (1). */
  weight: string;
}

export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 10;

let nextKey = 0;
/** A new variant, named by the first letter (A, B, C …) no other variant has. */
export function newVariant(others: readonly VariantDraft[] = []): VariantDraft {
  const taken = new Set(others.map((v) => v.name));
  const letter = Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i)).find((l) => !taken.has(l)) ?? '';
  return { key: nextKey++, name: letter, message: '', templateId: '', weight: '' };
}

/** The test's variants: each a name and a message (or a saved template), with an optional weight. */
export function VariantsEditor({
  variants,
  onChange,
  templates,
}: {
  variants: VariantDraft[];
  onChange: (variants: VariantDraft[]) => void;
  templates: ReadonlyArray<{ id: string; name: string }>;
}) {
  const change = (key: number, patch: Partial<VariantDraft>) => onChange(variants.map((v) => (v.key === key ? { ...v, ...patch } : v)));
  const templateOptions = [{ value: '', label: 'None: use the message' }, ...templates.map((t) => ({ value: t.id, label: t.name }))];
  return (
    <fieldset>
      <legend>Variants</legend>
      <p className="muted">
        Two to ten versions of the message. Messages may use the template variables ({'{{name}}'}, {'{{username}}'}, {'{{date}}'} …).
      </p>
      {variants.map((variant, index) => (
        <fieldset key={variant.key}>
          <legend>Variant {index + 1}</legend>
          <TextField label="Variant name" value={variant.name} onChange={(name) => change(variant.key, { name })} required maxLength={50} />
          {templates.length > 0 && (
            <SelectField label="Saved template" value={variant.templateId} onChange={(templateId) => change(variant.key, { templateId })} options={templateOptions} />
          )}
          {variant.templateId === '' && (
            <TextArea label="Message" value={variant.message} onChange={(message) => change(variant.key, { message })} required />
          )}
          <TextField
            label="Weight"
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            value={variant.weight}
            onChange={(weight) => change(variant.key, { weight })}
            hint="Its share of the targets relative to the other variants; empty for 1."
          />
          <Button
            variant="danger"
            onClick={() => onChange(variants.filter((v) => v.key !== variant.key))}
            disabled={variants.length <= MIN_VARIANTS}
          >
            Remove variant
          </Button>
        </fieldset>
      ))}
      <Button onClick={() => onChange([...variants, newVariant(variants)])} disabled={variants.length >= MAX_VARIANTS}>
        Add variant
      </Button>
    </fieldset>
  );
}
