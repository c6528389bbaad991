import { OpenApiGeneratorV31, type OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { ErrorStatus, RouteDefinition } from './route';

/** A response of raw bytes (an image's content), documented with its media type instead of JSON. */
export const BinaryContent = z.string().meta({ format: 'binary', description: 'The bytes, with their own content type' });
/** A response of CSV text (an export), streamed, documented as `text/csv`. */
export const CsvContent = z.string().meta({ description: 'CSV with a header row, UTF-8' });
/** A response in the Prometheus text exposition format (`/metrics`), documented as `text/plain`. */
export const PrometheusText = z.string().meta({ description: 'Metrics in the Prometheus text exposition format, version 0.0.4' });

const CSV_ALTERNATIVES = new WeakSet<z.ZodType>();

/**
 * `schema`, marked as a JSON answer whose route answers CSV instead when asked (`?format=csv`):
 * documented with both media types, and a CSV stream passes its response check.
 */
export function csvOrJson<T extends z.ZodType>(schema: T): T {
  CSV_ALTERNATIVES.add(schema);
  return schema;
}

/** True for a schema marked by {@link csvOrJson}. */
export function hasCsvAlternative(schema: z.ZodType): boolean {
  return CSV_ALTERNATIVES.has(schema);
}

/** The body of every error answer. */
export const ErrorBody = z.object({ error: z.string() }).strict().meta({ id: 'Error' });

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid request; the message names the field',
  401: 'Missing or invalid API key',
  403: 'The key may not do this, or a browser session sent no valid X-CSRF-Token',
  404: 'Not found, or not yours',
  405: 'Method not allowed on this path',
  409: 'Conflicts with the current state',
  413: 'Body or upload too large',
  415: 'Unsupported content type or encoding',
  422: 'Understood but cannot be carried out',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'An upstream service failed',
  503: 'A service AutoHub depends on is unavailable',
};

const SUCCESS_DESCRIPTIONS: Record<number, string> = {
  200: 'Success',
  201: 'Created',
  202: 'Accepted; carried out in the background',
  204: 'Done; no body',
};

/** What each tag of the document groups; a route's `tag` must be one of these. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  System: 'Version, limits, endpoints and the caller\'s status',
  Admin: 'Users and API keys (admins only)',
  Session: "The dashboard's browser sessions: an API key exchanged for an HttpOnly, SameSite=Strict cookie every route accepts; unsafe requests with it repeat the CSRF token in X-CSRF-Token",
  Accounts: 'Telegram and WhatsApp accounts, their logins and send budgets',
  Sandbox: 'The simulated platform of sandbox accounts: injected inbound events, the outbox, faults',
  Profile: "An account's profile: names, about, username, photo",
  Groups: 'Chats known from scans',
  Templates: 'Message templates with per-target variables',
  Images: 'The image library broadcasts send from',
  Broadcasts: 'Broadcasts now, every N minutes or daily, with their runs and per-target results',
  Scan: 'Chat scans, message search, search-and-reply and group discovery',
  'Auto-replies': 'Keyword auto-reply rules the inbound pipeline answers messages with, and a dry test of a message against them',
  'Anti-spam': 'Anti-spam settings the inbound pipeline moderates messages by (delete, warn, mute, ban, or the ladder), the ban list, and a dry check of a message',
  'Welcome messages': 'Welcome and goodbye messages per group or _default, which the inbound pipeline greets joins (one message per burst) and leaves with',
  Contacts: 'The contact CRM: contacts with tags, segments and custom fields, their interactions, bulk import (JSON or CSV) and CSV export',
  'A/B tests': 'Variants of a message split among groups, their results from the ledger, and the winner by a two-proportion z-test, sent to the rest of a sample test',
  'Drip campaigns': 'Sequences of steps every target goes through on durable timers, in a send window, paused and resumed where each target was',
  Webhooks: 'Outbound webhooks: events POSTed to your URLs, signed per Standard Webhooks, retried on a published schedule, every attempt logged, replayable and recoverable',
  'Inbound webhooks':
    'URLs outside systems POST to without an API key (signed per Standard Webhooks when the hook has a secret), each running an action: run a broadcast, send a message, create or update a contact, enroll a contact in a drip campaign',
  Analytics: 'Numbers from the hourly and daily rollups of the event log: summaries, per chat and account, peak hours, the daily CSV export, and custom events',
  Events: 'The event log: every domain event with its public id, type, time, account and payload, newest first',
  Reports: 'Reports as JSON or CSV: every automation action from the event log, the scanned chats, and the system summary',
  Automation: 'The automation log: every action auto-replies, welcome/goodbye and anti-spam took or would have taken, and its result',
  Legacy: 'The routes of the legacy dashboard, kept as the reference shows them',
};

/** The three ways to present an API key, and the browser session's cookie; any one of them authenticates. */
const SECURITY_SCHEMES = {
  ApiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
  BearerAuth: { type: 'http', scheme: 'bearer', description: 'The API key as a bearer token' },
  ApiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key' },
  SessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'autohub_session',
    description: 'The browser session POST /api/session sets; POST, PUT, PATCH and DELETE with it also need its X-CSRF-Token header',
  },
} as const;

/**
 * The error statuses `def` can answer: those of its own handler plus those its kind of route
 * always can (401 for any route behind a key, 400 for one that validates input, 413/415 for one
 * that reads a body, 403 for admin routes, 404 for one that names a resource in its path, 409
 * for one that honours an Idempotency-Key, 429 for one under a rate limit, 500), and 403 for an
 * unsafe method behind a key, which a browser session calls only with its CSRF token.
 */
export function errorStatuses(def: RouteDefinition): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>([...(def.access === 'public' ? [] : [401 as const]), 500, ...(def.errors ?? [])]);
  if (def.idempotent) statuses.add(409);
  if (def.body || def.rawBody || def.query || def.multipart) statuses.add(400);
  if (def.body || def.rawBody || def.multipart) {
    statuses.add(413);
    statuses.add(415);
  }
  if (def.access === 'admin' || (def.access !== 'public' && def.method !== 'get')) statuses.add(403);
  if (!def.unlimited) statuses.add(429);
  if (pathParamNames(def.path).length > 0) statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

/** Records `def` as an operation of the OpenAPI document. */
export function documentRoute(registry: OpenAPIRegistry, def: RouteDefinition): void {
  const responses: RouteConfig['responses'] = {};
  for (const [status, schema] of Object.entries(def.responses)) {
    const mediaType = schema === BinaryContent ? '*/*' : schema === CsvContent ? 'text/csv' : schema === PrometheusText ? 'text/plain' : 'application/json';
    const content = { [mediaType]: { schema: schema! }, ...(hasCsvAlternative(schema!) && { 'text/csv': { schema: CsvContent } }) };
    responses[status] = { description: SUCCESS_DESCRIPTIONS[Number(status)] ?? 'Success', content };
  }
  for (const status of errorStatuses(def)) {
    responses[status] = { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: ErrorBody } } };
  }
  if (!TAG_DESCRIPTIONS[def.tag]) throw new Error(`route ${def.method.toUpperCase()} ${def.path}: tag ${def.tag} has no description in openapi.ts`);
  registry.registerPath({
    method: def.method,
    path: def.path.replace(/:(\w+)/g, '{$1}'),
    operationId: def.operationId,
    summary: def.summary,
    tags: [def.tag],
    // A public route takes no key: an empty list says so, overriding nothing (no global security is set).
    security: def.access === 'public' ? [] : Object.keys(SECURITY_SCHEMES).map((name) => ({ [name]: [] })),
    request: {
      params: pathParams(def.path),
      query: def.query instanceof z.ZodObject ? def.query : undefined,
      body: requestBodyDoc(def),
    },
    parameters: def.idempotent
      ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' }, description: 'Replays the first answer for 24 hours' }]
      : undefined,
    responses,
  });
}

/** The OpenAPI 3.1 document of every route recorded in `registry`. */
export function buildDocument(registry: OpenAPIRegistry, options: { version: string; publicUrl: string }): object {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) registry.registerComponent('securitySchemes', name, scheme);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'AutoHub API',
      version: options.version,
      description: 'Telegram and WhatsApp automation. Authenticate with X-API-Key, Authorization: Bearer, or ?api_key=.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: options.publicUrl, description: 'This AutoHub' }],
    tags: Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
  });
}

/** The body of a `rawBody` route: any JSON, read by its handler. */
const RawJsonBody = z.unknown().meta({ description: 'Any JSON; the operation says what it reads of it' });

function requestBodyDoc(def: RouteDefinition) {
  if (def.rawBody) return { content: { 'application/json': { schema: RawJsonBody } } };
  if (!def.body && !def.multipart) return undefined;
  const content: Record<string, { schema: z.ZodType }> = {};
  if (def.body) content['application/json'] = { schema: def.body };
  if (def.multipart) {
    const { files: names, maxFileBytes } = def.multipart;
    const fields = def.body instanceof z.ZodObject ? def.body.shape : {};
    const files = Object.fromEntries(
      names.map((name) => [name, z.string().meta({ format: 'binary', description: `at most ${maxFileBytes} bytes` })]),
    );
    content['multipart/form-data'] = { schema: z.object({ ...fields, ...files }).partial() };
  }
  return { content };
}

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

function pathParams(path: string): z.ZodObject | undefined {
  const names = pathParamNames(path);
  if (names.length === 0) return undefined;
  return z.object(Object.fromEntries(names.map((n) => [n, z.string()])));
}
