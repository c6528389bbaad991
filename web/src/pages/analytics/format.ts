const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat();

/** A delivery rate (0..1) as a percentage; a dash when nothing was attempted (the API's null). */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : percent.format(rate);
}

export function formatCount(count: number): string {
  return whole.format(count);
}
