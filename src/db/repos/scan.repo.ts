import type { Knex } from 'knex';
import { ownedBy, type Scope } from './scope';

/** What a scan job does. */
export type ScanKind = 'chats' | 'messages' | 'search_reply' | 'discover';

/** Where a scan job stands. */
export type ScanStatus = 'running' | 'completed' | 'failed';

/** A scan job: one scan workflow's parameters and, once it ends, its result or error. */
export interface ScanJob<P = unknown> {
  id: string;
  userId: string;
  accountId: string;
  kind: ScanKind;
  status: ScanStatus;
  workflowId: string;
  params: P;
  /** The answer's fields (snake_case, as the API shows them) once completed. */
  result: Record<string, unknown> | null;
  error: string | null;
  /** The failure type the workflow raised; the API derives the HTTP status from it. */
  errorType: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

interface ScanJobRow {
  id: string;
  user_id: string;
  account_id: string;
  kind: ScanKind;
  status: ScanStatus;
  workflow_id: string;
  params: unknown;
  result: Record<string, unknown> | null;
  error: string | null;
  error_type: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const mapJob = <P>(r: ScanJobRow): ScanJob<P> => ({
  id: r.id,
  userId: r.user_id,
  accountId: r.account_id,
  kind: r.kind,
  status: r.status,
  workflowId: r.workflow_id,
  params: r.params as P,
  result: r.result,
  error: r.error,
  errorType: r.error_type,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

export async function insertScanJob(
  db: Knex,
  job: { id: string; userId: string; accountId: string; kind: ScanKind; workflowId: string; params: object },
): Promise<ScanJob> {
  const [row]: ScanJobRow[] = await db('scan_jobs')
    .insert({
      id: job.id,
      user_id: job.userId,
      account_id: job.accountId,
      kind: job.kind,
      status: 'running',
      workflow_id: job.workflowId,
      params: JSON.stringify(job.params),
    })
    .returning('*');
  return mapJob(row!);
}

/** The job, if `scope` may see it. */
export async function findScanJob<P = unknown>(db: Knex, id: string, scope: Scope): Promise<ScanJob<P> | undefined> {
  const row: ScanJobRow | undefined = await ownedBy(db('scan_jobs').where({ id }).first(), scope);
  return row && mapJob<P>(row);
}

/** Records a running job's result; a job already finished keeps what it had. */
export async function completeScanJob(db: Knex, id: string, result: object): Promise<void> {
  await db('scan_jobs')
    .where({ id, status: 'running' })
    .update({ status: 'completed', result: JSON.stringify(result), finished_at: db.fn.now() });
}

/** Records why a running job failed; a job already finished keeps what it had. */
export async function failScanJob(db: Knex, id: string, error: string, errorType: string | null): Promise<void> {
  await db('scan_jobs')
    .where({ id, status: 'running' })
    .update({ status: 'failed', error, error_type: errorType, finished_at: db.fn.now() });
}

/** Which of `usernames` name chats already known (scanned) for the account, lower-cased. */
export async function findKnownUsernames(db: Knex, accountId: string, usernames: string[]): Promise<string[]> {
  if (usernames.length === 0) return [];
  const lowered = [...new Set(usernames.map((u) => u.replace(/^@/, '').toLowerCase()))];
  const rows: Array<{ username: string }> = await db('chats')
    .where({ account_id: accountId })
    .whereNotNull('username')
    .whereRaw('lower(username) = any(?)', [lowered])
    .select(db.raw('lower(username) as username'));
  return rows.map((r) => r.username);
}
