import { Client, type ConnectionLike, type WorkflowExecutionInfo } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';

/** The server's own namespace: it runs Temporal's internal workflows, not AutoHub's. */
const SYSTEM_NAMESPACE = 'temporal-system';

/** One closed workflow execution of the server, with its full event history. */
export interface CollectedHistory {
  namespace: string;
  workflowType: string;
  workflowId: string;
  runId: string;
  /** How the execution closed, e.g. COMPLETED or CANCELLED. */
  status: string;
  history: History;
}

/** Every namespace of the server but Temporal's own. */
export async function listNamespaces(connection: ConnectionLike): Promise<string[]> {
  const names: string[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await connection.workflowService.listNamespaces({ pageSize: 100, nextPageToken });
    for (const ns of page.namespaces) {
      const name = ns.namespaceInfo?.name;
      if (name && name !== SYSTEM_NAMESPACE) names.push(name);
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return names;
}

/**
 * The histories of the executions of `workflowTypes` that started at or after `since` and have
 * closed, from every namespace of the server (the suite runs some stacks in namespaces of their
 * own). With `perType`, at most that many per type: the most recently closed of each close status
 * first, so a rarer ending (cancelled, failed) is not crowded out by many completed runs, then the
 * most recent of the rest. Without it, all of them.
 */
export async function collectHistories(
  connection: ConnectionLike,
  options: { workflowTypes: readonly string[]; since: Date; perType?: number },
): Promise<CollectedHistory[]> {
  const clients = (await listNamespaces(connection)).map((namespace) => new Client({ connection, namespace }));
  const collected: CollectedHistory[] = [];
  for (const workflowType of options.workflowTypes) {
    const found: Array<{ client: Client; info: WorkflowExecutionInfo }> = [];
    for (const client of clients) {
      const query = `WorkflowType = "${workflowType}" AND ExecutionStatus != "Running" AND StartTime >= "${options.since.toISOString()}"`;
      for await (const info of client.workflow.list({ query })) found.push({ client, info });
    }
    for (const { client, info } of pick(found, options.perType)) {
      const history = await client.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
      collected.push({
        namespace: client.options.namespace,
        workflowType,
        workflowId: info.workflowId,
        runId: info.runId,
        status: info.status.name,
        history,
      });
    }
  }
  return collected;
}

function pick<T extends { info: WorkflowExecutionInfo }>(found: T[], limit: number | undefined): T[] {
  if (limit === undefined) return found;
  const newestFirst = [...found].sort((a, b) => (b.info.closeTime?.getTime() ?? 0) - (a.info.closeTime?.getTime() ?? 0));
  const chosen = new Set<T>();
  const statuses = new Set<string>();
  for (const entry of newestFirst) {
    if (statuses.has(entry.info.status.name)) continue;
    statuses.add(entry.info.status.name);
    chosen.add(entry);
  }
  for (const entry of newestFirst) chosen.add(entry);
  return [...chosen].slice(0, limit);
}
