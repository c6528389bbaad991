import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

/** The repository's root, where docker-compose.yml and the Dockerfile are. */
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');

/** What an operator's .env holds, as stand-ins; nothing else from this machine reaches the file. */
export const STAND_IN_KEYS = { AUTOHUB_ADMIN_KEY: 'stand-in-admin-key-for-tests', AUTOHUB_SECRET_KEY: 'ab'.repeat(32) };

/** The part of a Compose service the tests read. */
export interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  restart?: string;
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
  stop_grace_period?: string;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Thrown when a `${NAME:?message}` variable has no value, as Compose refuses it. */
export class MissingVariableError extends Error {
  override readonly name = 'MissingVariableError';
  constructor(readonly variable: string, detail: string) {
    super(`required variable ${variable} is missing a value: ${detail}`);
  }
}

/**
 * docker-compose.yml as Compose reads it: merge keys (`<<: *anchor`) resolved and every string
 * interpolated from `variables` alone (never this process's environment), so the answer does not
 * depend on the machine the test runs on.
 */
export function readComposeFile(variables: Record<string, string>, file = COMPOSE_FILE): ComposeFile {
  const raw: unknown = parse(readFileSync(file, 'utf8'), { merge: true });
  return interpolate(raw, variables) as ComposeFile;
}

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}` and `$$`, as the Compose spec defines them. */
export function interpolateString(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced, colon, kind, arg, bare) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = variables[name];
    // With the colon an empty value counts as unset; without it only an absent one does.
    const unset = value === undefined || (colon === ':' && value === '');
    if (kind === '-') return unset ? (arg as string) : value!;
    if (kind === '?') {
      if (unset) throw new MissingVariableError(name, arg as string);
      return value!;
    }
    return value ?? '';
  });
}

function interpolate(node: unknown, variables: Record<string, string>): unknown {
  if (typeof node === 'string') return interpolateString(node, variables);
  if (Array.isArray(node)) return node.map((item) => interpolate(item, variables));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolate(value, variables)]));
  }
  return node;
}

/** A service's environment as the process inside sees it: every value a string. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) throw new Error('environment as a list is not used in docker-compose.yml; keep it a mapping');
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** The services `service` depends on, with the condition each must reach first. */
export function dependenciesOf(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition]));
}

/** An image reference split into its repository and tag (`registry:5000/a/b:1.2` → `registry:5000/a/b`, `1.2`). */
export function imageTag(image: string): { repository: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= slash) return { repository: withoutDigest, tag: undefined };
  return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
}

/**
 * Docker Compose v2 to validate the file with: AUTOHUB_COMPOSE_BIN (set by .ci/run), else the
 * binary .ci/run builds into the cache; undefined when neither exists.
 */
export function composeBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AUTOHUB_COMPOSE_BIN) return env.AUTOHUB_COMPOSE_BIN;
  const cached = path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'autohub', 'compose-2.29.7', 'cmd');
  return existsSync(cached) ? cached : undefined;
}
