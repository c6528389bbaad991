import { Button, TextArea, TextField } from '../../components/ui';

/** A step as typed: its delay still text, so a half-typed number stays as it is. */
export interface StepDraft {
  key: number;
  delay: string;
  message: string;
}

let nextKey = 0;
export const newStep = (delay = '0'): StepDraft => ({ key: nextKey++, delay, message: '' });

/** The steps as the API takes them; each problem named by its step's number. */
export function stepsBody(steps: StepDraft[]): { message: string; delay_minutes: number }[] {
  return steps.map((s, i) => {
    const delay = Number(s.delay);
    if (s.delay.trim() === '' || !Number.isFinite(delay) || delay < 0) throw new Error(`Step ${i + 1}: the delay must be a number of minutes, 0 or more.`);
    if (!s.message.trim()) throw new Error(`Step ${i + 1}: write its message.`);
    return { message: s.message, delay_minutes: delay };
  });
}

/** The campaign's steps, in order, each sent its delay after the one before (the first: after enrolling). */
export function StepsEditor({ steps, onChange }: { steps: StepDraft[]; onChange: (steps: StepDraft[]) => void }) {
  const change = (key: number, patch: Partial<StepDraft>) => onChange(steps.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  return (
    <fieldset className="form">
      <legend>Steps</legend>
      {steps.map((step, i) => (
        <fieldset key={step.key} className="form">
          <legend>Step {i + 1}</legend>
          <TextField
            label="Delay (minutes)"
            type="number"
            min={0}
            max={525600}
            step="any"
            inputMode="decimal"
            value={step.delay}
            onChange={(delay) => change(step.key, { delay })}
            hint={i === 0 ? 'After the target is enrolled; 1440 is a day' : 'After the step before; 1440 is a day'}
          />
          <TextArea label="Message" value={step.message} onChange={(message) => change(step.key, { message })} />
          <div className="row">
            <Button variant="danger" onClick={() => onChange(steps.filter((s) => s.key !== step.key))} disabled={steps.length === 1} aria-label={`Remove step ${i + 1}`}>
              Remove step
            </Button>
          </div>
        </fieldset>
      ))}
      <div className="row">
        <Button onClick={() => onChange([...steps, newStep('1440')])} disabled={steps.length >= 50}>
          Add step
        </Button>
      </div>
    </fieldset>
  );
}
