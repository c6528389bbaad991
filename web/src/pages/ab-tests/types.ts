import type { components } from '../../api/schema';

export type AbTest = components['schemas']['AbTest'];
export type AbDecision = NonNullable<components['schemas']['AbTestDecision']>;
export type AbStatus = AbTest['status'];

/** The tone of a test's status badge. */
export const STATUS_TONE: Record<AbStatus, 'neutral' | 'warn' | 'good'> = { draft: 'neutral', running: 'warn', completed: 'good' };

/** A share 0..1 as a percentage with one decimal. */
export const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** A statistic (z, p) the API may not have: "—" when it could not be computed. */
export function statistic(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined) return '—';
  // p values of a clear difference are tiny: show them in scientific notation rather than as 0.0000.
  return Math.abs(value) > 0 && Math.abs(value) < 10 ** -digits ? value.toExponential(2) : value.toFixed(digits);
}
