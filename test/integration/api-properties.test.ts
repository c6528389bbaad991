/**
 * Properties of every operation of the served OpenAPI document, under generated hostile input:
 * bad bodies, queries, headers and path ids, from a user with resources of its own and from a
 * caller without a valid key. Whatever is sent: no answer is a 5xx, every error body is exactly
 * `{"error": "<non-empty string>"}`, and nothing of another user's shows up in any answer.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { client, groupKeys, newSandboxAccount, newUser, postFile } from '../support/http';
import { JPEG, PNG } from '../support/images';
import { rawRequest, type RawReply } from '../support/raw-http';
import { getStack } from '../support/stack';

type Schema = { [key: string]: any };

/** One operation of the document, with what the generators need to know of it. */
interface Operation {
  method: string;
  /** The OpenAPI path, `{id}` placeholders and all. */
  path: string;
  name: string;
  body?: Schema;
  multipartFiles: string[];
  query: Array<{ name: string; schema: Schema }>;
  /** Documented with no security requirement (an inbound webhook receiver): it takes no key. */
  public: boolean;
}

/** The resources of one user, by kind, and the texts only that user's data contains. */
interface Holdings {
  userId: string;
  key: string;
  ids: { account: string; template: string; broadcast: string; image: string };
  chatKeys: string[];
  /** Names and contents the generators never send: seeing one in an answer is a leak. */
  secrets: string[];
}

/**
 * Generated requests per operation and caller: the whole file stays well under a minute.
 * `API_PROPERTY_RUNS` raises the first for a longer hunt.
 */
const RUNS_AUTHENTICATED = Number(process.env.API_PROPERTY_RUNS ?? 40);
const RUNS_UNAUTHENTICATED = 8;

describe('every operation of the OpenAPI document under generated input', () => {
  let baseUrl: string;
  let operations: Operation[];
  let fuzzer: Holdings;
  let other: Holdings;
  let sent = 0;
  const statuses = new Map<number, number>();

  before(async function () {
    this.timeout(120_000);
    ({ baseUrl } = await getStack());
    const document = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as Schema;
    operations = operationsOf(document);
    // The suite's admin is never the fuzzed caller: its keys and users must survive for later tests.
    fuzzer = await holdings('fuzzer', PNG);
    other = await holdings('other', JPEG);
  });

  after(() => {
    console.log(`      api-properties: ${sent} generated requests sent; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  });

  it('reads a document that lists every mounted operation', () => {
    // The document is the list the properties run over: an empty or truncated one would prove nothing.
    assert.ok(operations.length >= 40, `only ${operations.length} operations in the document`);
    assert.ok(operations.some((op) => op.body), 'no operation with a JSON body');
    assert.ok(operations.some((op) => op.multipartFiles.length > 0), 'no operation with a multipart body');
    assert.ok(operations.some((op) => op.query.length > 0), 'no operation with query parameters');
  });

  it('never answers 5xx, always answers errors as {"error"}, and never shows another user’s data — with a valid key', async function () {
    this.timeout(RUNS_AUTHENTICATED * 5_000);
    // Deletions run last, so the operations before them find the fuzzer's resources in place.
    const ordered = [...operations].sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    for (const op of ordered) {
      await check(
        op,
        fc.asyncProperty(requestFor(op, fuzzer, other, true), async (req) => {
          const reply = await send(req);
          assertWellBehaved(op, req, reply);
        }),
        RUNS_AUTHENTICATED,
      );
    }
  });

  it('never answers 5xx and always answers errors as {"error"} on the admin operations, with an admin key', async function () {
    this.timeout(RUNS_AUTHENTICATED * 5_000);
    // A dedicated admin, not the suite's: path ids come from the two users' resources or are random,
    // so no generated request can revoke a key another test relies on.
    const created = await client((await getStack()).adminKey).post('/api/admin/users', { name: `fuzz-admin-${randomUUID().slice(0, 8)}`, role: 'admin' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const admin = { ...fuzzer, key: created.body.api_key as string };
    const adminOperations = operations.filter((op) => op.path.startsWith('/api/admin/'));
    assert.ok(adminOperations.length >= 4, `only ${adminOperations.length} admin operations`);
    for (const op of adminOperations) {
      await check(
        op,
        fc.asyncProperty(requestFor(op, admin, other, true), async (req) => {
          // An admin sees every user, so the other user's data may show: only the answer's shape is checked.
          assertWellBehaved(op, req, await send(req), { checkLeaks: false });
        }),
        RUNS_AUTHENTICATED,
      );
    }
  });

  it('answers 401 without a valid key whatever else the request holds', async function () {
    this.timeout(60_000);
    const publicRoutes = new Set(operations.filter((op) => op.public).map((op) => `${op.method.toUpperCase()} ${op.path}`));
    for (const op of operations) {
      await check(
        op,
        fc.asyncProperty(requestFor(op, fuzzer, other, false), async (req) => {
          const reply = await send(req);
          assertWellBehaved(op, req, reply);
          // A public operation asks for no key, so it answers as it would anyone (well-behaved still),
          // whichever operation's request reached it (POST /api/session, the sign-in, beside GET);
          // HEAD is answered by the GET route.
          if (publicRoutes.has(`${req.method === 'HEAD' ? 'GET' : req.method} ${op.path}`)) return;
          // Another method on the same path may be answered by the router before any key is looked
          // at, and a request line over Node's header limit by Node itself (431).
          const allowed = req.method === op.method.toUpperCase() ? [401, 431] : [401, 431, 405, 200, 204];
          assert.ok(allowed.includes(reply.status), `${describeRequest(req)} answered ${reply.status}: ${reply.text}`);
        }),
        RUNS_UNAUTHENTICATED,
      );
    }
  });

  async function send(req: GeneratedRequest): Promise<RawReply> {
    sent += 1;
    const reply = await rawRequest(baseUrl, req.method, req.path, req.headers, req.body).catch((err: Error) => {
      throw new Error(`${describeRequest(req)} got no answer: ${err.message}`);
    });
    statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    return reply;
  }

  function assertWellBehaved(op: Operation, req: GeneratedRequest, reply: RawReply, { checkLeaks = true } = {}): void {
    const what = `${op.name}: ${describeRequest(req)} answered ${reply.status}: ${reply.text.slice(0, 500)}`;
    assert.ok(reply.status < 500, what);
    if (reply.status >= 400 && req.method !== 'HEAD') {
      const body = JSON.parse(reply.text) as unknown;
      assert.ok(body !== null && typeof body === 'object' && !Array.isArray(body), what);
      assert.deepEqual(Object.keys(body), ['error'], what);
      const { error } = body as { error: unknown };
      assert.ok(typeof error === 'string' && error.length > 0, what);
    }
    if (!checkLeaks) return;
    // The other user's names and contents are never sent, so they may never come back; its ids
    // only come back when the request itself carried them (an echo of the caller's own input).
    for (const secret of other.secrets) assert.ok(!reply.text.includes(secret), `${what}\nleaks ${secret}`);
    const sentText = `${safeDecode(req.path)} ${(req.plain ?? req.body)?.toString('utf8') ?? ''}`;
    for (const id of Object.values(other.ids)) {
      if (!sentText.includes(id)) assert.ok(!reply.text.includes(id), `${what}\nleaks ${id}`);
    }
    if (!sentText.includes(other.userId)) assert.ok(!reply.text.includes(other.userId), `${what}\nleaks ${other.userId}`);
  }
});

/**
 * Runs `property` `numRuns` times; a failure names the operation, the seed to replay it and the
 * (truncated) request, rather than fast-check's full counterexample, which can be megabytes long.
 */
async function check(op: Operation, property: fc.IAsyncProperty<[GeneratedRequest]>, numRuns: number): Promise<void> {
  const result = await fc.check(property, { numRuns, endOnFailure: true });
  if (result.failed) {
    const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    throw new Error(`${op.name} (seed ${result.seed}, path ${result.counterexamplePath}): ${cause}`);
  }
}

/** Percent-encodes the UTF-8 of `text`; unlike encodeURIComponent, it takes lone surrogates too (as U+FFFD). */
function encode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A user with a sandbox account, a template, a disabled interval broadcast and an image, each named after `label`. */
async function holdings(label: string, image: Buffer): Promise<Holdings> {
  const tag = `${label}-${randomUUID().slice(0, 8)}`;
  const user = await newUser(`${tag}-user`);
  const account = await newSandboxAccount(user.api);
  const api = client(user.key);
  const chatKeys = await groupKeys(api, account, 2);
  const template = await api.post('/api/templates', { name: `${tag}-template`, content: `${tag}-content {{date}}` });
  assert.equal(template.status, 201, JSON.stringify(template.body));
  const broadcast = await api.post('/api/v1/broadcast', {
    account_id: account,
    target_keys: chatKeys,
    message: `${tag}-message`,
    schedule_type: 'interval',
    interval_minutes: 600,
    enabled: false,
    name: `${tag}-broadcast`,
  });
  assert.equal(broadcast.status, 201, JSON.stringify(broadcast.body));
  const uploaded = await postFile(user.key, '/api/v1/images', 'image', image, { type: image === PNG ? 'image/png' : 'image/jpeg' });
  assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
  return {
    userId: user.id,
    key: user.key,
    ids: { account, template: template.body.id, broadcast: broadcast.body.schedule_id, image: uploaded.body.image.id },
    chatKeys,
    secrets: [`${tag}-user`, `${tag}-template`, `${tag}-content`, `${tag}-message`, `${tag}-broadcast`],
  };
}

/** Every operation of an OpenAPI 3.1 document, with its JSON body schema, file fields and query parameters. */
function operationsOf(document: Schema): Operation[] {
  const resolve = (schema: Schema | undefined): Schema | undefined => {
    if (!schema?.$ref) return schema;
    const name = String(schema.$ref).replace('#/components/schemas/', '');
    return resolve(document.components?.schemas?.[name]);
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Schema>)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const multipart = resolve(content['multipart/form-data']?.schema);
      const multipartFiles = Object.entries((multipart?.properties ?? {}) as Record<string, Schema>)
        .filter(([, s]) => s.format === 'binary')
        .map(([name]) => name);
      const query = ((op.parameters ?? []) as Schema[])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: String(p.name), schema: resolve(p.schema) ?? {} }));
      ops.push({
        method,
        path,
        name: op.operationId ?? `${method.toUpperCase()} ${path}`,
        body: withResolvedRefs(resolve(content['application/json']?.schema), resolve),
        multipartFiles,
        query,
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return ops;
}

/** `schema` with every nested `$ref` replaced by its target (the documents' schemas are not recursive). */
function withResolvedRefs(schema: Schema | undefined, resolve: (s: Schema | undefined) => Schema | undefined): Schema | undefined {
  if (schema === undefined) return undefined;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      const target = (value as Schema).$ref ? resolve(value as Schema) : value;
      return Object.fromEntries(Object.entries(target as Schema).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return walk(schema) as Schema;
}

/** A request as sent: method, percent-encoded path with query, headers and body bytes. */
interface GeneratedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The body before any Content-Encoding: what the caller said, for telling echoes from leaks. */
  plain?: Buffer;
}

function describeRequest(req: GeneratedRequest): string {
  const body = req.body ? ` body(${req.body.length}) ${req.body.subarray(0, 300).toString('latin1')}` : '';
  return `${req.method} ${req.path.slice(0, 300)} ${JSON.stringify(req.headers)}${body}`;
}

// --- generators -------------------------------------------------------------------------------

/** Strings no field should be able to store or choke on. */
const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '   \t\n', 'a\u0000b', '\u0000', '\ud800', 'x\udc00y', '\ud83d', 'é', '😀', '{{name}}', '{{nope}}', '../../etc/passwd', "1' or '1'='1"),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

/** Numbers out of any sensible range, and numbers of the wrong kind. */
const hostileNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, 1e15, 2 ** 53, -1, 0, 0.5, -0.000001, 1e-300, 525_601, 525_600, 86_401, 2 ** 31, Number.MAX_SAFE_INTEGER),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Values of any shape, nested a little. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(true, false, null, [], {}, [[[[[]]]]], { a: { b: { c: {} } } }),
  fc.jsonValue({ maxDepth: 3 }),
);

/**
 * Strings to draw from: `ids` (both users' resource ids) for fields that name a resource, which
 * the API must check for ownership and never store when not owned; `texts` (the fuzzer's own ids
 * and chat keys) for every other field, which the API may store and show back to the fuzzer.
 */
interface Pools {
  ids: fc.Arbitrary<string>;
  texts: fc.Arbitrary<string>;
}

/** True for a field that names a resource by id (`account_id`, `template_id`, `id`). */
const namesResource = (field: string) => /(^|_)id$/.test(field);

/** Values for a schema: mostly of its shape (so requests get past the first check), often hostile. */
function valueFor(schema: Schema | undefined, pools: Pools, depth = 0, field = ''): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return junk;
  const alternatives = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valueFor(s, pools, depth + 1, field)));
  if (schema.allOf) return valueFor(Object.assign({}, ...(schema.allOf as Schema[])), pools, depth + 1, field);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  let shaped: fc.Arbitrary<unknown>;
  if (schema.enum) shaped = fc.constantFrom(...(schema.enum as unknown[]));
  else if (schema.const !== undefined) shaped = fc.constant(schema.const);
  else if (type === 'string') shaped = fc.oneof(namesResource(field) ? pools.ids : pools.texts, fc.string({ maxLength: 20 }), fc.constantFrom('08:30', '25:99', 'Europe/Berlin', 'Not/AZone'));
  else if (type === 'integer') shaped = fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000 });
  else if (type === 'number') shaped = fc.double({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000, noNaN: true });
  else if (type === 'boolean') shaped = fc.boolean();
  else if (type === 'array') shaped = fc.array(valueFor(schema.items, pools, depth + 1, field), { maxLength: 4 });
  else if (type === 'object' || schema.properties) shaped = objectFor(schema, pools, depth);
  else shaped = junk;
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: junk });
}

/** An object with some of the schema's properties (each shaped or hostile) and now and then an unknown one. */
function objectFor(schema: Schema, pools: Pools, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  const fields = Object.fromEntries(properties.map(([name, s]) => [name, valueFor(s, pools, depth + 1, name)]));
  return fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.option(fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'a\u0000', '\ud800')), junk, { maxKeys: 2 }), {
        freq: 4,
      }),
    )
    .map(([known, extra]) => ({ ...(extra ?? {}), ...known }));
}

/** A path id: the fuzzer's own resource of any kind, the other user's, a random id, or junk. */
function pathIdFor(fuzzer: Holdings, other: Holdings): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...Object.values(fuzzer.ids)).map(encode) },
    { weight: 3, arbitrary: fc.constantFrom(...Object.values(other.ids), other.userId).map(encode) },
    { weight: 1, arbitrary: fc.uuid().map(encode) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom('%00', '%ED%A0%80', '%ZZ', '%', 'x'.repeat(2000), '..', '%2F..%2F', encode("1' or '1'='1"), '%C0%AF', 'NaN'),
        fc.string({ maxLength: 40 }).filter((s) => s !== '').map(encode),
      ),
    },
  );
}

/** A query string of the operation's parameters and others, some encoded badly on purpose. */
function queryFor(op: Operation, pools: Pools): fc.Arbitrary<string> {
  const value = (schema: Schema, name: string) =>
    fc.oneof(
      valueFor(schema, pools, 0, name).map((v) => encode(typeof v === 'string' ? v : JSON.stringify(v) ?? '')),
      fc.constantFrom('%00', '%ED%A0%80', '%ZZ', '1e308', '-1', 'Infinity', 'true', ''),
    );
  const known = op.query.map((p) => fc.option(value(p.schema, p.name).map((v) => `${p.name}=${v}`), { nil: undefined }));
  const extra = fc.option(fc.constantFrom('junk=%00', 'limit=1e308', 'type[]=x&type[]=y', 'api_key=%00', 'a=%ED%A0%80', '%00=1'), { nil: undefined });
  return fc.tuple(fc.tuple(...known), extra).map(([pairs, more]) => [...pairs, more].filter((p) => p !== undefined).join('&'));
}

/** Body bytes with the headers they go with: JSON of the schema's shape, hostile JSON, non-JSON, encodings, multipart. */
function bodyFor(op: Operation, pools: Pools): fc.Arbitrary<{ body?: Buffer; plain?: Buffer; headers: Record<string, string> }> {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null');
  const shapedJson = valueFor(op.body ?? { type: 'object' }, pools).map(json);
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'multipart/form-data; boundary=zzz',
        'application/json; charset=latin1',
        'application/merge-patch+json',
        'application/xml',
        'garbage',
      ),
    },
  );
  const encoded = fc.tuple(shapedJson, fc.constantFrom('gzip', 'deflate', 'br')).map(([bytes, encoding]) => ({
    body: encoding === 'gzip' ? gzipSync(bytes) : encoding === 'deflate' ? deflateSync(bytes) : brotliCompressSync(bytes),
    plain: bytes,
    headers: { 'content-type': 'application/json', 'content-encoding': encoding },
  }));
  const variants: Array<fc.WeightedArbitrary<{ body?: Buffer; plain?: Buffer; headers: Record<string, string> }>> = [
    { weight: 8, arbitrary: fc.tuple(shapedJson, contentType).map(([body, type]) => ({ body, headers: { 'content-type': type } })) },
    { weight: 1, arbitrary: junk.map((v) => ({ body: json(v), headers: { 'content-type': 'application/json' } })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{"a":', 'hello', '', '   ', 'null', '[1,2', '\u0000', 'name=x&content=y', '['.repeat(5000) + ']'.repeat(5000))
        .map((text) => ({ body: Buffer.from(text), headers: { 'content-type': 'application/json' } })),
    },
    { weight: 1, arbitrary: fc.constant({ body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]), headers: { 'content-type': 'application/json' } }) },
    { weight: 1, arbitrary: encoded },
    {
      weight: 1,
      arbitrary: fc.tuple(shapedJson, fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'gzip, br', 'x-unknown', 'identity')).map(([body, encoding]) => ({
        body,
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      })),
    },
    { weight: 1, arbitrary: fc.constant({ headers: {} }) },
  ];
  if (op.multipartFiles.length > 0) variants.push({ weight: 3, arbitrary: multipartFor(op) });
  return fc.oneof(...variants);
}

/** A multipart body: the route's file field, another one, two files in one field, an empty file, text fields. */
function multipartFor(op: Operation): fc.Arbitrary<{ body: Buffer; headers: Record<string, string> }> {
  const field = op.multipartFiles[0]!;
  const file = fc.constantFrom(PNG, JPEG, Buffer.from('not an image'), Buffer.alloc(0));
  const parts = fc.array(
    fc.oneof(
      fc.tuple(fc.constantFrom(field, field, 'other', ''), file).map(([name, data]) => ({ name, data })),
      fc.tuple(fc.constantFrom('path', 'url', 'photo_path', 'junk'), hostileString).map(([name, text]) => ({ name, text })),
    ),
    { minLength: 0, maxLength: 3 },
  );
  return parts.map((list) => {
      const boundary = `----fuzz${list.length}boundary`;
      const chunks: Buffer[] = [];
      for (const part of list) {
        const disposition = 'data' in part ? `form-data; name="${part.name}"; filename="f.png"` : `form-data; name="${part.name}"`;
        chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n`));
        if ('data' in part) chunks.push(Buffer.from('Content-Type: image/png\r\n'));
        chunks.push(Buffer.from('\r\n'), 'data' in part ? part.data! : Buffer.from(part.text!), Buffer.from('\r\n'));
      }
      chunks.push(Buffer.from(`--${boundary}--\r\n`));
      return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  });
}

/** Odd but sendable header values: long, Latin-1, and random. */
const oddHeaderValue = fc.oneof(
  fc.constantFrom('x'.repeat(1000), 'caf\u00e9', '\u00ff\u00fe', ' ', 'ok-id-123'),
  fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);

/** A whole request for `op`, with the fuzzer's key (`authenticated`) or with none, a junk one, or a junk query key. */
function requestFor(op: Operation, fuzzer: Holdings, other: Holdings, authenticated: boolean): fc.Arbitrary<GeneratedRequest> {
  const pools: Pools = {
    ids: fc.constantFrom(...Object.values(fuzzer.ids), ...Object.values(other.ids), other.userId, randomUUID()),
    texts: fc.constantFrom(...Object.values(fuzzer.ids), ...fuzzer.chatKeys, randomUUID()),
  };
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map(() => pathIdFor(fuzzer, other));
  const auth = authenticated
    ? fc.constant({ header: { 'x-api-key': fuzzer.key } as Record<string, string>, query: '' })
    : fc.oneof(
        fc.constant({ header: {} as Record<string, string>, query: '' }),
        fc.constant({ header: { 'x-api-key': 'ahk_not_a_key' } as Record<string, string>, query: '' }),
        fc.constant({ header: { authorization: 'Bearer \u00e9' } as Record<string, string>, query: '' }),
        fc.constant({ header: {} as Record<string, string>, query: 'api_key=%00' }),
      );
  const method = fc.oneof(
    { weight: 9, arbitrary: fc.constant(op.method.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
  );
  const extraHeaders = fc.record(
    { 'x-request-id': oddHeaderValue, 'idempotency-key': oddHeaderValue, accept: fc.constantFrom('*/*', 'text/html', 'application/xml') },
    { requiredKeys: [] },
  );
  return fc
    .tuple(method, fc.tuple(...pathParams), queryFor(op, pools), bodyFor(op, pools), auth, extraHeaders)
    .map(([verb, ids, query, { body, plain, headers }, credentials, extra]) => {
      let i = 0;
      const path = op.path.replace(/\{\w+\}/g, () => ids[i++]!);
      const search = [query, credentials.query].filter((q) => q !== '').join('&');
      return {
        method: verb,
        path: search ? `${path}?${search}` : path,
        headers: { ...extra, ...headers, ...credentials.header },
        body,
        plain,
      };
    });
}
