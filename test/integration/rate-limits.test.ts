import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { AutoHubStart } from '../support/autohub-start';
import { client, eventually } from '../support/http';
import { rawRequest, type RawReply } from '../support/raw-http';
import { freePort, getStack, stackProcessEnv } from '../support/stack';

const PER_KEY = 6;
const PER_IP = 4;

/** A loopback address of this test's own (any of 127.0.0.0/8 reaches 127.0.0.1), so no other request shares its count. */
const ownAddress = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

/**
 * Two `autohub api` processes on the suite's database, with low limits: one count per key and
 * per client address, shared through PostgreSQL. The first believes X-Forwarded-For
 * (AUTOHUB_TRUST_PROXY=true), the second does not.
 */
describe('rate limits across two API processes', () => {
  let trusting: AutoHubStart;
  let direct: AutoHubStart;
  let adminKey: string;
  let suiteApi: string;

  before(async function () {
    this.timeout(120_000);
    const stack = await getStack();
    adminKey = stack.adminKey;
    suiteApi = stack.baseUrl;
    const env = (trustProxy: string, port: number) =>
      stackProcessEnv(stack, {
        HOST: '127.0.0.1',
        PORT: String(port),
        AUTOHUB_RATE_LIMIT_PER_MINUTE: String(PER_KEY),
        AUTOHUB_RATE_LIMIT_IP_PER_MINUTE: String(PER_IP),
        AUTOHUB_TRUST_PROXY: trustProxy,
      });
    const [trustingPort, directPort] = [await freePort(), await freePort()];
    trusting = new AutoHubStart(env('true', trustingPort), `http://127.0.0.1:${trustingPort}`, adminKey, ['src/cli.ts', 'api']);
    direct = new AutoHubStart(env('false', directPort), `http://127.0.0.1:${directPort}`, adminKey, ['src/cli.ts', 'api']);
    await Promise.all([trusting.start(90_000), direct.start(90_000)]);
  });

  after(async () => {
    await Promise.all([trusting?.kill(), direct?.kill()]);
  });

  /** A new user's key, with its id. */
  const newKey = async (): Promise<{ key: string; keyId: string }> => {
    const admin = client(adminKey, suiteApi);
    const created = await admin.post('/api/admin/users', { name: `limited-${randomInt(1e9)}`, role: 'user' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const users = await admin.get('/api/admin/users');
    const user = users.body.users.find((u: { id: string }) => u.id === created.body.user.id);
    return { key: created.body.api_key, keyId: user.keys[0].id };
  };
  const get = (api: AutoHubStart, path: string, headers: Record<string, string>, from?: string) =>
    rawRequest(api.baseUrl, 'GET', path, headers, undefined, from);
  const remaining = (reply: RawReply) => Number(reply.headers['ratelimit-remaining']);
  /** A call of an inbound webhook that does not exist (404): a route without a key, limited per address. */
  const inbound = (api: AutoHubStart, headers: Record<string, string>, from: string) =>
    rawRequest(api.baseUrl, 'POST', '/api/webhooks/inbound/whk_unknownunknownunknownunknown', { ...headers, 'content-type': 'application/json' }, Buffer.from('{}'), from);

  it("counts a key's requests in both processes as one, then refuses it in both with 429 and Retry-After", async function () {
    this.timeout(30_000);
    const { key } = await newKey();
    for (let i = 0; i < PER_KEY; i++) {
      const reply = await get(i % 2 ? direct : trusting, '/api/templates', { 'x-api-key': key });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.headers['ratelimit-limit'], String(PER_KEY));
      assert.equal(reply.headers['ratelimit-policy'], `${PER_KEY};w=60`);
      assert.equal(remaining(reply), PER_KEY - 1 - i, `request ${i + 1}`);
    }
    for (const api of [trusting, direct]) {
      const refused = await get(api, '/api/templates', { 'x-api-key': key });
      assert.equal(refused.status, 429, refused.text);
      assert.deepEqual(Object.keys(JSON.parse(refused.text)), ['error']);
      assert.match(JSON.parse(refused.text).error, new RegExp(`^rate limit exceeded: ${PER_KEY} requests per minute for this API key; retry in \\d+ s$`));
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.headers['retry-after']}`);
      assert.equal(remaining(refused), 0);
    }
    // Counted per key: another user's key is untouched.
    const other = await newKey();
    const fresh = await get(direct, '/api/templates', { 'x-api-key': other.key });
    assert.equal(fresh.status, 200);
    assert.equal(remaining(fresh), PER_KEY - 1);
  });

  it("applies a key's own limit, set by an admin in another process, in both processes from the next requests on", async function () {
    this.timeout(30_000);
    const { key, keyId } = await newKey();
    const admin = client(adminKey, suiteApi);
    for (let i = 0; i < PER_KEY; i++) assert.equal((await get(trusting, '/api/templates', { 'x-api-key': key })).status, 200);
    assert.equal((await get(direct, '/api/templates', { 'x-api-key': key })).status, 429);

    const raised = await admin.patch(`/api/admin/keys/${keyId}`, { rate_limit_per_minute: 20 });
    assert.equal(raised.status, 200, JSON.stringify(raised.body));
    assert.equal(raised.body.key.rate_limit_per_minute, 20);
    for (const api of [trusting, direct]) {
      const reply = await eventually(async () => {
        const r = await get(api, '/api/templates', { 'x-api-key': key });
        return r.status === 200 ? r : undefined;
      }, 10_000, 'the raised limit to apply');
      assert.equal(reply.headers['ratelimit-limit'], '20');
    }
    const listed = await admin.get('/api/admin/users');
    const shown = listed.body.users.flatMap((u: { keys: Array<{ id: string }> }) => u.keys).find((k: { id: string }) => k.id === keyId);
    assert.equal(shown.rate_limit_per_minute, 20);

    assert.equal((await admin.patch(`/api/admin/keys/${keyId}`, { rate_limit_per_minute: 0 })).status, 200);
    await eventually(async () => ((await get(direct, '/api/templates', { 'x-api-key': key })).headers['ratelimit-limit'] === undefined ? true : undefined), 10_000, 'unlimited');

    assert.equal((await admin.patch(`/api/admin/keys/${keyId}`, { rate_limit_per_minute: null })).status, 200);
    await eventually(async () => ((await get(direct, '/api/templates', { 'x-api-key': key })).status === 429 ? true : undefined), 10_000, 'the default limit again');
  });

  it('refuses bad limits and unknown keys', async () => {
    const admin = client(adminKey, suiteApi);
    const { keyId } = await newKey();
    for (const limit of [-1, 1.5, '10', 1e12]) {
      const reply = await admin.patch(`/api/admin/keys/${keyId}`, { rate_limit_per_minute: limit });
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.match(reply.body.error, /rate_limit_per_minute/);
    }
    assert.equal((await admin.patch(`/api/admin/keys/${keyId}`, {})).status, 400);
    assert.equal((await admin.patch('/api/admin/keys/00000000-0000-4000-8000-000000000000', { rate_limit_per_minute: 5 })).status, 404);
    const { key } = await newKey();
    assert.equal((await client(key, suiteApi).patch(`/api/admin/keys/${keyId}`, { rate_limit_per_minute: 5 })).status, 403);
  });

  it("counts an address's requests to routes without a key in both processes as one; probes are never limited", async function () {
    this.timeout(30_000);
    const from = ownAddress();
    for (let i = 0; i < PER_IP; i++) {
      const reply = await inbound(i % 2 ? direct : trusting, {}, from);
      assert.equal(reply.status, 404, reply.text);
      assert.equal(remaining(reply), PER_IP - 1 - i);
    }
    for (const api of [trusting, direct]) {
      const refused = await inbound(api, {}, from);
      assert.equal(refused.status, 429, refused.text);
      assert.match(JSON.parse(refused.text).error, /requests per minute for this address/);
      assert.ok(Number(refused.headers['retry-after']) >= 1);
    }
    for (const probe of ['/healthz', '/readyz', '/metrics']) {
      const reply = await get(direct, probe, {}, from);
      assert.equal(reply.status, 200, `${probe}: ${reply.text.slice(0, 200)}`);
      assert.equal(reply.headers['ratelimit-limit'], undefined);
    }
  });

  it('believes X-Forwarded-For only where AUTOHUB_TRUST_PROXY says so', async function () {
    this.timeout(30_000);
    const from = ownAddress();
    const forwarded = { 'x-forwarded-for': `198.51.100.${randomInt(1, 255)}, ${ownAddress()}` };
    // The direct process counts the connection's address, whatever the header says…
    for (let i = 0; i < PER_IP; i++) assert.equal(remaining(await inbound(direct, forwarded, from)), PER_IP - 1 - i);
    assert.equal((await inbound(direct, {}, from)).status, 429);
    // …the trusting one the address its proxy (the header's last entry) saw, which has a count of its own.
    const behindProxy = await inbound(trusting, forwarded, from);
    assert.notEqual(behindProxy.status, 429, behindProxy.text);
    assert.equal(remaining(behindProxy), PER_IP - 1);
    assert.equal(remaining(await inbound(trusting, forwarded, ownAddress())), PER_IP - 2);
  });
});
