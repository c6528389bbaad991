import { Checkbox, TextField } from '../../components/ui';
import { WEEKDAYS, type SendWindow } from './types';

/** The send window as typed: blank hours for all day, no days ticked for every day, blank zone for UTC. */
export interface WindowDraft {
  from: string;
  to: string;
  weekdays: number[];
  timezone: string;
}

export const NO_WINDOW: WindowDraft = { from: '', to: '', weekdays: [], timezone: '' };

/** The window as the API takes it, or undefined when nothing limits it. */
export function windowBody(w: WindowDraft): SendWindow | undefined {
  if (Boolean(w.from) !== Boolean(w.to)) throw new Error('Send window: give both the time it opens and the time it closes, or neither.');
  const window: SendWindow = {
    ...(w.from && { hours: { from: w.from, to: w.to } }),
    ...(w.weekdays.length > 0 && { weekdays: [...w.weekdays].sort((a, b) => a - b) }),
    ...(w.timezone.trim() && { timezone: w.timezone.trim() }),
  };
  return Object.keys(window).length > 0 ? window : undefined;
}

/** When steps may send: a step due outside the window waits for its next opening. */
export function SendWindowFields({ value, onChange }: { value: WindowDraft; onChange: (value: WindowDraft) => void }) {
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <fieldset className="form">
      <legend>Send window (optional)</legend>
      <div className="row">
        <TextField label="Window opens" type="time" value={value.from} onChange={(from) => onChange({ ...value, from })} />
        <TextField label="Window closes" type="time" value={value.to} onChange={(to) => onChange({ ...value, to })} hint="Exclusive; earlier than it opens to run past midnight" />
      </div>
      <fieldset className="row">
        <legend>Days (none: every day)</legend>
        {WEEKDAYS.map(({ day, label }) => (
          <Checkbox
            key={day}
            label={label}
            checked={value.weekdays.includes(day)}
            onChange={(on) => onChange({ ...value, weekdays: on ? [...value.weekdays, day] : value.weekdays.filter((d) => d !== day) })}
          />
        ))}
      </fieldset>
      <TextField label="Time zone" value={value.timezone} onChange={(timezone) => onChange({ ...value, timezone })} placeholder={browserZone} hint={`An IANA zone such as ${browserZone}; blank for UTC`} />
    </fieldset>
  );
}
