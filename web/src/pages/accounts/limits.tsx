import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Form, Notice, ProgressBar, Section, TextField, When } from '../../components/ui';
import { wholeNumber, type Budget } from './types';

type Limits = NonNullable<Budget>['limits'];
const NO_LIMITS: Limits = { min_gap_seconds: 0, jitter_seconds: 0, per_minute: 0, per_day: 0 };

/** The account's send budget: what it sent today against its caps, when it may send next, and its pacing. */
export function LimitsSection({ accountId, budget, onSaved }: { accountId: string; budget: Budget; onSaved: () => void }) {
  const limits = budget?.limits ?? NO_LIMITS;
  return (
    <Section title="Budget and limits">
      {budget ? <BudgetFigures budget={budget} /> : <p className="muted">No send budget yet: the account sends without pacing.</p>}
      <LimitsForm accountId={accountId} limits={limits} onSaved={onSaved} />
    </Section>
  );
}

function BudgetFigures({ budget }: { budget: NonNullable<Budget> }) {
  const { limits } = budget;
  return (
    <>
      {limits.per_day > 0 && <ProgressBar label="Sent today" value={budget.sent_today} max={limits.per_day} />}
      <dl className="figures">
        <dt>Sent today</dt>
        <dd>
          {budget.sent_today} {limits.per_day > 0 ? `of ${limits.per_day}` : '(no daily cap)'}
        </dd>
        <dt>Per minute</dt>
        <dd>{limits.per_minute > 0 ? `at most ${limits.per_minute}` : 'no cap'}</dd>
        <dt>Gap between sends</dt>
        <dd>
          {limits.min_gap_seconds === 0 && limits.jitter_seconds === 0 ? 'none' : `${limits.min_gap_seconds} s + up to ${limits.jitter_seconds} s at random`}
        </dd>
        <dt>Next send at</dt>
        <dd>
          <When at={budget.next_send_at} />
        </dd>
        <dt>Paused until</dt>
        <dd>{budget.paused_until ? <When at={budget.paused_until} /> : 'not paused'}</dd>
      </dl>
    </>
  );
}

function LimitsForm({ accountId, limits, onSaved }: { accountId: string; limits: Limits; onSaved: () => void }) {
  const [minGap, setMinGap] = useState(String(limits.min_gap_seconds));
  const [jitter, setJitter] = useState(String(limits.jitter_seconds));
  const [perMinute, setPerMinute] = useState(String(limits.per_minute));
  const [perDay, setPerDay] = useState(String(limits.per_day));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const save = async () => {
    setSaved(false);
    const body = {
      min_gap_seconds: wholeNumber('Minimum gap (seconds)', minGap),
      jitter_seconds: wholeNumber('Jitter (seconds)', jitter),
      per_minute: wholeNumber('Sends per minute', perMinute),
      per_day: wholeNumber('Sends per day', perDay),
    };
    await unwrap(api.PUT('/api/v1/accounts/{id}/limits', { params: { path: { id: accountId } }, body }));
    setSaved(true);
    onSaved();
  };
  const number = { type: 'number', min: 0, step: 1, inputMode: 'numeric' } as const;
  return (
    <Form action={action} onSubmit={save} submitLabel="Save limits" label="Send limits">
      <p className="muted">0 means no limit (or no gap). Every send of every broadcast waits for this budget.</p>
      <div className="grid">
        <TextField label="Minimum gap (seconds)" value={minGap} onChange={setMinGap} {...number} />
        <TextField label="Jitter (seconds)" value={jitter} onChange={setJitter} hint="A random extra wait of up to this many seconds." {...number} />
        <TextField label="Sends per minute" value={perMinute} onChange={setPerMinute} {...number} />
        <TextField label="Sends per day" value={perDay} onChange={setPerDay} {...number} />
      </div>
      {saved && <Notice>Limits saved.</Notice>}
    </Form>
  );
}
