import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Form, Notice, Section, SelectField, TextField } from '../../components/ui';

/** Adds counts of a variant measured elsewhere (POST …/results); they add to the ledger's own. */
export function RecordResults({ testId, variants, onRecorded }: { testId: string; variants: string[]; onRecorded: () => void }) {
  const [variant, setVariant] = useState('');
  const [sent, setSent] = useState('');
  const [delivered, setDelivered] = useState('');
  const [failed, setFailed] = useState('');
  const [recorded, setRecorded] = useState<string>();
  const action = useAction();
  const chosen = variant || variants[0] || '';
  const count = (text: string) => (text.trim() === '' ? 0 : Number(text));
  const record = async () => {
    setRecorded(undefined);
    await unwrap(
      api.POST('/api/ab-tests/{id}/results', {
        params: { path: { id: testId } },
        body: { variant: chosen, sent: count(sent), delivered: count(delivered), failed: count(failed) },
      }),
    );
    setRecorded(`Recorded ${count(sent)} sends of variant ${chosen}.`);
    setSent('');
    setDelivered('');
    setFailed('');
    onRecorded();
  };
  const numberField = (label: string, value: string, onChange: (v: string) => void) => (
    <TextField label={label} type="number" inputMode="numeric" min={0} step={1} value={value} onChange={onChange} />
  );
  return (
    <Section title="Record results measured elsewhere">
      <Form action={action} onSubmit={record} submitLabel="Record results" label="Record results">
        <SelectField label="Variant" value={chosen} onChange={setVariant} options={variants.map((v) => ({ value: v, label: v }))} />
        <div className="row">
          {numberField('Sent', sent, setSent)}
          {numberField('Delivered', delivered, setDelivered)}
          {numberField('Failed', failed, setFailed)}
        </div>
        {recorded && <Notice>{recorded}</Notice>}
      </Form>
    </Section>
  );
}
