import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Scope } from '../db/repos/scope';
import type { User } from '../db/repos/users.repo';
import type { SecretBox } from '../db/secret-box';
import type { Account } from '../db/repos/accounts.repo';
import type { TtlCache } from './ttl-cache';
import type { TemporalOutbox } from '../services/temporal-outbox';
import type { Authenticator } from './middleware/auth';
import type { BrowserSession } from '../db/repos/browser-sessions.repo';

/** What the API's routes are built from. */
export interface ApiDeps {
  config: Config;
  db: Knex;
  temporal: Client;
  logger: Logger;
  version: string;
  auth: Authenticator;
  /** Each user's own accounts, cleared whenever any account changes. */
  accountsCache: TtlCache<string, Account[]>;
  /** Carries out what routes enqueue for Temporal with their rows (workflow starts, schedule syncs). */
  outbox: TemporalOutbox;
  /** Seals secrets that travel to the worker (a 2FA password) under `AUTOHUB_SECRET_KEY`. */
  secrets: SecretBox;
  /** The dashboard's build (web/dist), served at `/`; without it, only the API and its docs are served. */
  webDist?: string;
}

/** The authenticated caller of a request. */
export interface Caller {
  user: User;
  keyId: string;
  /** The key's own requests per minute; null: the server's default. */
  rateLimitPerMinute: number | null;
  scope: Scope;
  /** The browser session the request came with, when it came with its cookie rather than a key. */
  session?: BrowserSession;
}

/** Koa state of an AutoHub request. */
export interface ApiState {
  requestId: string;
  caller?: Caller;
  /** The unparsed JSON body of a route that declares `rawBody`. */
  rawBody?: Buffer;
}
