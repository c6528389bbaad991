import type { components, paths } from '../../api/schema';

export type Campaign = components['schemas']['DripCampaign'];
export type Enrollment = components['schemas']['DripEnrollment'];
export type Target = Campaign['targets'][number];
export type Step = Campaign['steps'][number];
export type CreateCampaignBody = NonNullable<paths['/api/drip-campaigns']['post']['requestBody']>['content']['application/json'];
export type SendWindow = NonNullable<CreateCampaignBody['send_window']>;

/** A delay in the largest unit it is a whole number of (fractions of a minute as they are). */
export function formatDelay(minutes: number): string {
  if (minutes >= 1440 && minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** A target as configured: a chat key or contact id, or every contact of a tag or segment. */
export function targetLabel(target: Target): string {
  if (typeof target === 'string') return target;
  return 'tag' in target ? `contacts tagged ${target.tag}` : `contacts in segment ${target.segment}`;
}

export const STATUS_TONE = { draft: 'neutral', active: 'good', paused: 'warn' } as const;

/** ISO weekdays, 1 = Monday, as the send window counts them. */
export const WEEKDAYS = [
  { day: 1, label: 'Monday' },
  { day: 2, label: 'Tuesday' },
  { day: 3, label: 'Wednesday' },
  { day: 4, label: 'Thursday' },
  { day: 5, label: 'Friday' },
  { day: 6, label: 'Saturday' },
  { day: 7, label: 'Sunday' },
] as const;
