/**
 * A second AutoHub for the real-login tests: its own database and Temporal namespace on the
 * suite's servers, Telegram credentials set, and a worker whose Telegram and WhatsApp drivers
 * talk to stub clients and sockets instead of the platforms. Everything else (HTTP, Temporal,
 * the workflows, the activities, the session pool, the PostgreSQL stores) is the real thing.
 */
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { Knex } from 'knex';
import { loadConfig, type Config } from '../../src/config';
import { createDb, migrateLatest } from '../../src/db/knex';
import { createLogger } from '../../src/logger';
import { bootstrapAdmin } from '../../src/runtime/bootstrap';
import { runStops, startRoles, type RunningRoles } from '../../src/runtime/roles';
import { loadBaileys } from '../../src/platforms/whatsapp/baileys';
import { getStack } from '../support/stack';
import { stubPlatforms, type StubPlatforms } from '../support/stub-platforms';

import { Api } from 'telegram';
import { rpcError, type Responder } from '../unit/platforms/telegram/stub-client';
import type { SrpServer } from '../unit/platforms/telegram/srp-server';
import { TELEGRAM_ME } from '../support/stub-platforms';

export { TELEGRAM_ME, WHATSAPP_ME } from '../support/stub-platforms';

const ADMIN_KEY = 'ahk_login_stack_admin_key_for_tests';
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'error');
let stacks = 0;

/** A database of its own on the suite's PostgreSQL server, migrated, dropped by `drop`. */
export interface ScratchDatabase {
  url: string;
  db: Knex;
  drop(): Promise<void>;
}

/** Creates and migrates a new database on the server of the suite's stack. */
export async function scratchDatabase(name: string): Promise<ScratchDatabase> {
  const main = await getStack();
  const database = `${name}_${process.pid}_${Date.now()}`;
  await main.db.raw(`create database ${database}`);
  const url = new URL(main.databaseUrl);
  url.pathname = `/${database}`;
  const db = createDb(url.toString(), { max: 5 });
  await migrateLatest(db);
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.destroy();
      await main.db.raw(`drop database if exists ${database} with (force)`);
    },
  };
}

/** The second AutoHub; see the module comment. */
export interface LoginStack {
  baseUrl: string;
  db: Knex;
  config: Config;
  roles: RunningRoles;
  temporalAddress: string;
  telegram: StubPlatforms['telegram'];
  whatsapp: StubPlatforms['whatsapp'];
  /** Stops the API and worker and starts them again on the same database and namespace. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the second AutoHub. Stub sockets behave like a phone that is around: a socket with a
 * saved login opens at once, one without shows a QR code (or gets its pairing code); tests
 * complete logins with `pair()` and end them with `close(...)`.
 */
export async function startLoginStack(): Promise<LoginStack> {
  const main = await getStack();
  const baileys = await loadBaileys();
  const n = ++stacks;
  const scratch = await scratchDatabase(`autohub_login_${n}`);
  const namespace = `autohub-login-${process.pid}-${Date.now()}-${n}`;
  const connection = await Connection.connect({ address: main.temporalAddress });
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await connection.close();

  const home = mkdtempSync(path.join(tmpdir(), 'autohub-login-'));
  chmodSync(home, 0o755);
  const config = loadConfig({
    AUTOHUB_HOME: home,
    PORT: '0',
    HOST: '127.0.0.1',
    AUTOHUB_ADMIN_KEY: ADMIN_KEY,
    AUTOHUB_SANDBOX: 'true',
    TEMPORAL_NAMESPACE: namespace,
    TELEGRAM_API_ID: '12345',
    TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
  });
  await bootstrapAdmin(scratch.db, config);

  const { factories, telegram, whatsapp } = stubPlatforms(baileys);

  const start = () =>
    startRoles({
      config,
      databaseUrl: scratch.url,
      temporalAddress: main.temporalAddress,
      logger,
      api: true,
      worker: true,
      driverFactories: factories,
    });
  let roles = await start();

  const stack: LoginStack = {
    baseUrl: roles.apiUrl!,
    db: scratch.db,
    config,
    roles,
    temporalAddress: main.temporalAddress,
    telegram,
    whatsapp,
    async restart() {
      await runStops(roles.stops, logger);
      roles = await start();
      stack.roles = roles;
      stack.baseUrl = roles.apiUrl!;
    },
    async stop() {
      await runStops(roles.stops, logger);
      await scratch.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return stack;
}

/** What the login stack's API answered. */
export interface StackReply {
  status: number;
  body: any;
}

/** A client of the login stack's API bound to one key. */
export interface StackClient {
  get(route: string): Promise<StackReply>;
  post(route: string, body?: unknown): Promise<StackReply>;
  delete(route: string): Promise<StackReply>;
}

/** A client of the login stack's API for `key`, following the stack across restarts. */
export function stackClient(stack: LoginStack, key: string): StackClient {
  const call = async (method: string, route: string, body?: unknown): Promise<StackReply> => {
    const headers: Record<string, string> = { 'X-API-Key': key };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(stack.baseUrl + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (route) => call('GET', route),
    post: (route, body) => call('POST', route, body),
    delete: (route) => call('DELETE', route),
  };
}

/** A new user of the login stack, with a client bound to its key. */
export async function newStackUser(stack: LoginStack): Promise<{ id: string; key: string; api: StackClient }> {
  const admin = stackClient(stack, ADMIN_KEY);
  const reply = await admin.post('/api/admin/users', { name: `login-user-${Date.now()}`, role: 'user' });
  if (reply.status !== 201) throw new Error(`creating a user failed: ${JSON.stringify(reply.body)}`);
  return { id: reply.body.user.id, key: reply.body.api_key, api: stackClient(stack, reply.body.api_key) };
}

/** Telegram's side of a phone login, plus what a logged-in session is asked. */
export function telegramServer(options: { code: string; srp?: SrpServer; expired?: boolean; qr?: () => unknown }): Responder {
  return async (request) => {
    if (request instanceof Api.auth.SendCode) {
      return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeApp({ length: 5 }), phoneCodeHash: 'hash-1' });
    }
    if (request instanceof Api.auth.SignIn) {
      if (options.expired) throw rpcError('PHONE_CODE_EXPIRED', request);
      if (request.phoneCode !== options.code) throw rpcError('PHONE_CODE_INVALID', request);
      if (options.srp) throw rpcError('SESSION_PASSWORD_NEEDED', request, 401);
      return new Api.auth.Authorization({ user: TELEGRAM_ME });
    }
    if (request instanceof Api.account.GetPassword && options.srp) return options.srp.passwordParams();
    if (request instanceof Api.auth.CheckPassword && options.srp) {
      const verdict = await options.srp.verify(request.password);
      if (verdict === 'wrong') throw rpcError('PASSWORD_HASH_INVALID', request);
      if (verdict === 'stale') throw rpcError('SRP_ID_INVALID', request);
      return new Api.auth.Authorization({ user: TELEGRAM_ME });
    }
    if (request instanceof Api.auth.ExportLoginToken && options.qr) return options.qr();
    if (request instanceof Api.auth.LogOut) return new Api.auth.LoggedOut({});
    // The dashboard's account page shows the profile as soon as the account connects.
    if (request instanceof Api.users.GetFullUser) {
      const fullUser = new Api.UserFull({ id: TELEGRAM_ME.id, about: '', settings: new Api.PeerSettings({}), notifySettings: new Api.PeerNotifySettings({}), commonChatsCount: 0 });
      return new Api.users.UserFull({ fullUser, chats: [], users: [TELEGRAM_ME] });
    }
    throw new Error(`unexpected request ${request.className}`);
  };
}
