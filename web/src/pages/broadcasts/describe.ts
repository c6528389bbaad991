/** The broadcasts page's types (from the API's own schema) and the words it shows for them. */
import type { paths } from '../../api/schema';

type Ok<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

export type BroadcastSummary = Ok<'/api/v1/broadcasts', 'get'>['broadcasts'][number];
export type BroadcastView = Ok<'/api/v1/broadcast/{id}', 'get'>['broadcast'];
export type LastRun = NonNullable<BroadcastView['last_run']>;
export type TargetResult = LastRun['results'][number];
export type Run = NonNullable<BroadcastView['runs'][number]>;
export type DryRun = Ok<'/api/v1/broadcast', 'post'>;
export type DryRunTarget = DryRun['targets'][number];
export type CreateBody = NonNullable<paths['/api/v1/broadcast']['post']['requestBody']>['content']['application/json'];
export type ScheduleType = NonNullable<CreateBody['schedule_type']>;

type Tone = 'neutral' | 'good' | 'warn' | 'bad';

/** What decides a broadcast's status: its schedule, whether it is enabled, and its last run. */
type StatusOf = Pick<BroadcastSummary, 'schedule_type' | 'enabled' | 'schedule_error'> & { last_run: { status: Run['status'] } | null };

/**
 * The broadcast's status in one word. The API has no such field: a run going on is "running";
 * a recurring broadcast is "scheduled" or, disabled, "paused"; a one-off shows its run's status.
 */
export function broadcastStatus(b: StatusOf): { label: string; tone: Tone } {
  if (b.last_run?.status === 'running') return { label: 'running', tone: 'warn' };
  if (b.schedule_type !== 'now') {
    if (!b.enabled) return { label: 'paused', tone: 'neutral' };
    return b.schedule_error ? { label: 'schedule error', tone: 'bad' } : { label: 'scheduled', tone: 'good' };
  }
  if (!b.last_run) return { label: 'not run', tone: 'neutral' };
  return { label: b.last_run.status, tone: runTone(b.last_run.status) };
}

export function runTone(status: Run['status'] | TargetResult['status']): Tone {
  if (status === 'completed' || status === 'sent') return 'good';
  if (status === 'failed') return 'bad';
  if (status === 'running' || status === 'pending') return 'warn';
  return 'neutral';
}

/** "now", "every 120 minutes" or "daily at 09:30 (Europe/Berlin)". */
export function describeSchedule(b: Pick<BroadcastSummary, 'schedule_type' | 'interval_minutes' | 'daily_time' | 'timezone'>): string {
  if (b.schedule_type === 'interval') {
    const minutes = b.interval_minutes ?? 0;
    return minutes === 1 ? 'every minute' : `every ${Number(minutes.toFixed(2))} minutes`;
  }
  if (b.schedule_type === 'daily') return `daily at ${b.daily_time ?? '?'} (${b.timezone ?? 'UTC'})`;
  return 'now';
}

/** The broadcast's name, or else the start of its message, to tell it apart in a list. */
export function broadcastTitle(b: Pick<BroadcastSummary, 'name' | 'message' | 'template_id' | 'image_id'>, length = 60): string {
  if (b.name) return b.name;
  if (b.message) return b.message.length > length ? `${b.message.slice(0, length - 1)}…` : b.message;
  if (b.template_id) return 'From a template';
  return b.image_id ? 'An image' : 'Broadcast';
}

/** A number of seconds in words: "0 s", "42 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}
