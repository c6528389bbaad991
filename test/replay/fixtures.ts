import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { CollectedHistory } from './collect';
import { historyFromJSON, historyToJSON } from './history-json';
import { describePath, type HistoryPath } from './paths';

/** Where the committed histories live: `<workflowType>/<name>.json`. */
export const HISTORIES_DIR = path.join(__dirname, 'histories');
/** A committed history must stay small enough to review and to replay in a blink. */
export const MAX_FIXTURE_BYTES = 200 * 1024;

/** A history committed to the repository, recorded by an earlier version of the workflow code. */
export interface CommittedHistory {
  workflowType: string;
  name: string;
  /** Relative to the repository's test/replay directory, for messages. */
  file: string;
  bytes: number;
  history: History;
  path: HistoryPath;
}

/** Every committed history under `dir`. */
export function loadCommittedHistories(dir = HISTORIES_DIR): CommittedHistory[] {
  if (!existsSync(dir)) return [];
  const loaded: CommittedHistory[] = [];
  for (const workflowType of readdirSync(dir).sort()) {
    const typeDir = path.join(dir, workflowType);
    if (!statSync(typeDir).isDirectory()) continue;
    for (const file of readdirSync(typeDir).filter((f) => f.endsWith('.json')).sort()) {
      const text = readFileSync(path.join(typeDir, file), 'utf8');
      const history = historyFromJSON(JSON.parse(text));
      loaded.push({
        workflowType,
        name: file.slice(0, -'.json'.length),
        file: path.join('histories', workflowType, file),
        bytes: Buffer.byteLength(text),
        history,
        path: describePath(history),
      });
    }
  }
  return loaded;
}

/** A history the recording wrote. */
export interface RecordedHistory {
  file: string;
  bytes: number;
  events: number;
  path: HistoryPath;
  /** The execution it was taken from. */
  source: string;
}

/**
 * Writes, for every path of `fresh` that no committed history of its workflow type covers yet, the
 * shortest history that took it. Committed histories are never rewritten or removed: they stand
 * for workflows that may still be running on the version that recorded them.
 */
export function recordNewPaths(fresh: CollectedHistory[], committed: CommittedHistory[], dir = HISTORIES_DIR): RecordedHistory[] {
  const covered = new Set(committed.map((c) => `${c.workflowType}\n${c.path.key}`));
  const taken = new Set(committed.map((c) => `${c.workflowType}/${c.name}`));
  const shortest = new Map<string, { entry: CollectedHistory; path: HistoryPath; json: string; events: number }>();
  for (const entry of fresh) {
    const historyPath = describePath(entry.history);
    const id = `${entry.workflowType}\n${historyPath.key}`;
    if (covered.has(id)) continue;
    const candidate = { entry, path: historyPath, json: `${historyToJSON(entry.history)}\n`, events: entry.history.events?.length ?? 0 };
    const best = shortest.get(id);
    if (!best || candidate.events < best.events || (candidate.events === best.events && candidate.json.length < best.json.length)) {
      shortest.set(id, candidate);
    }
  }

  // Refused before anything is written, so a failed recording leaves no half of its files behind.
  for (const { entry, path: historyPath, json } of shortest.values()) {
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_FIXTURE_BYTES) {
      throw new Error(
        `the shortest ${entry.workflowType} history of path "${historyPath.key}" is ${bytes} bytes (over ${MAX_FIXTURE_BYTES}): ` +
          'make the test that produces it smaller rather than committing it',
      );
    }
  }
  const recorded: RecordedHistory[] = [];
  for (const { entry, path: historyPath, json, events } of shortest.values()) {
    let name = historyPath.name;
    for (let n = 2; taken.has(`${entry.workflowType}/${name}`); n++) name = `${historyPath.name}-${n}`;
    taken.add(`${entry.workflowType}/${name}`);
    mkdirSync(path.join(dir, entry.workflowType), { recursive: true });
    writeFileSync(path.join(dir, entry.workflowType, `${name}.json`), json);
    recorded.push({
      file: path.join('histories', entry.workflowType, `${name}.json`),
      bytes: Buffer.byteLength(json),
      events,
      path: historyPath,
      source: `${entry.namespace}/${entry.workflowId}/${entry.runId}`,
    });
  }
  return recorded;
}
