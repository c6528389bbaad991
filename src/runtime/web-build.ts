/**
 * The dashboard's build (web/): its typed API client is generated from the OpenAPI document the
 * API serves, so the two cannot drift, then Vite bundles it into web/dist, which the API serves
 * at `/`. `npm start` rebuilds only when the sources, or the document, changed since the last
 * build: a hash of them is kept beside the build.
 */
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { createApp } from '../api/app';
import { Authenticator } from '../api/middleware/auth';
import { TtlCache } from '../api/ttl-cache';
import { loadConfig } from '../config';
import { createDb } from '../db/knex';
import { SecretBox } from '../db/secret-box';
import { createLogger } from '../logger';
import { TemporalOutbox } from '../services/temporal-outbox';
import { APP_ROOT, version } from './version';

export const WEB_ROOT = path.join(APP_ROOT, 'web');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
/** The generated types of the API; committed, so the dashboard typechecks on a clean clone. */
export const WEB_SCHEMA_FILE = path.join(WEB_ROOT, 'src/api/schema.d.ts');
const STAMP_FILE = path.join(WEB_DIST, '.source-hash');
/**
 * What the build reads, from the checkout's root: a change to any of them makes the build stale.
 * The dashboard may import pure domain modules of the API (the event types, say), so src/domain counts too.
 */
const BUILD_INPUTS = ['web/src', 'web/index.html', 'web/vite.config.mts', 'web/tsconfig.json', 'web/public', 'src/domain'];

/**
 * The OpenAPI document exactly as the API serves it, from an app built offline: its routes only
 * describe themselves here, so nothing is connected (the database client connects lazily, and
 * only /api/openapi.json is asked for).
 */
export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({ AUTOHUB_HOME: path.join(WEB_ROOT, '.no-home') });
  const logger = createLogger('silent', { pretty: false });
  const db = createDb('postgres://127.0.0.1:1/offline');
  const temporal = { options: { namespace: config.temporal.namespace } } as Client;
  const app = createApp({
    config,
    db,
    temporal,
    logger,
    version,
    auth: new Authenticator(db, logger),
    accountsCache: new TtlCache(1),
    outbox: new TemporalOutbox(db, temporal, logger),
    secrets: new SecretBox('0'.repeat(64)),
  });
  const server = app.listen(0, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/api/openapi.json`);
    if (!response.ok) throw new Error(`the OpenAPI document answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  } finally {
    server.close();
    await db.destroy();
  }
}

/** The TypeScript types of `document`, as openapi-typescript writes them for openapi-fetch. */
export async function schemaTypes(document: Record<string, unknown>): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(document as never, { alphabetize: true });
  return `/* Generated from AutoHub's OpenAPI document by src/runtime/web-build.ts: do not edit. */\n\n${astToString(ast)}`;
}

/** Regenerates web/src/api/schema.d.ts; true when it changed. */
export async function writeSchemaTypes(): Promise<boolean> {
  const types = await schemaTypes(await servedOpenApiDocument());
  const before = existsSync(WEB_SCHEMA_FILE) ? await readFile(WEB_SCHEMA_FILE, 'utf8') : '';
  if (before === types) return false;
  await writeFile(WEB_SCHEMA_FILE, types);
  return true;
}

/** A hash of everything the build reads (the generated types among them). */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await Promise.all(BUILD_INPUTS.map((name) => filesUnder(path.join(APP_ROOT, name))))).flat();
  for (const file of files.sort()) {
    hash.update(path.relative(APP_ROOT, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

async function filesUnder(target: string): Promise<string[]> {
  if (!existsSync(target)) return [];
  const entries = await readdir(target, { withFileTypes: true, recursive: true }).catch(() => undefined);
  if (!entries) return [target]; // a file, not a directory
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Whether web/dist holds a build of the current sources. */
export async function webBuildIsCurrent(): Promise<boolean> {
  if (!existsSync(STAMP_FILE)) return false;
  return (await readFile(STAMP_FILE, 'utf8')).trim() === (await sourceHash());
}

/** Regenerates the API types and bundles the dashboard into web/dist. */
export async function buildWeb(logger?: Logger): Promise<void> {
  await writeSchemaTypes();
  await bundle(logger);
}

/** Bundles web/ as it is into web/dist, stamped with the hash of what it was built from. */
async function bundle(logger?: Logger): Promise<void> {
  const hash = await sourceHash();
  const { build } = await import('vite');
  await build({ root: WEB_ROOT, configFile: path.join(WEB_ROOT, 'vite.config.mts'), logLevel: 'warn' });
  await writeFile(STAMP_FILE, `${hash}\n`);
  logger?.info({ dist: WEB_DIST }, 'dashboard built');
}

/**
 * Builds the dashboard unless web/dist already holds a build of these sources and of the API's
 * current document. Where there are no sources (an image that ships web/dist alone) the build
 * there is served as it is.
 */
export async function ensureWebBuild(logger: Logger): Promise<void> {
  if (!existsSync(path.join(WEB_ROOT, 'src'))) return;
  await writeSchemaTypes();
  if (await webBuildIsCurrent()) return;
  logger.info('building the dashboard (web/): web/dist holds no build of its current sources');
  await bundle(logger);
}

// `npm run build:web`
if (require.main === module) {
  buildWeb(createLogger('info')).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
