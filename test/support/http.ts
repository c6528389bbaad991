import assert from 'node:assert/strict';
import { getStack } from './stack';

export interface Reply<T = any> {
  status: number;
  body: T;
}

/** Sends a request to the running API; bodies are JSON unless `raw` is given. */
export async function request<T = any>(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string>; baseUrl?: string } = {},
): Promise<Reply<T>> {
  const baseUrl = options.baseUrl ?? (await getStack()).baseUrl;
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers['X-API-Key'] = options.key;
  let body: string | Buffer | undefined = options.raw;
  if (options.body !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as T };
}

/** POSTs `data` to `path` as the multipart file field `field`, with a declared type and file name, and text `fields`. */
export async function postFile(
  key: string | undefined,
  path: string,
  field: string,
  data: Buffer,
  options: { type?: string; name?: string; fields?: Record<string, string> } = {},
): Promise<Reply> {
  const { baseUrl } = await getStack();
  const form = new FormData();
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  form.append(field, new Blob([data], { type: options.type ?? 'image/png' }), options.name ?? 'image.png');
  const response = await fetch(baseUrl + path, { method: 'POST', headers: key ? { 'X-API-Key': key } : {}, body: form });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A client bound to one API key, of the suite's API or of the one at `baseUrl`. */
export function client(key: string, baseUrl?: string) {
  return {
    key,
    get: <T = any>(path: string) => request<T>('GET', path, { key, baseUrl }),
    post: <T = any>(path: string, body?: unknown) => request<T>('POST', path, { key, body, baseUrl }),
    put: <T = any>(path: string, body?: unknown) => request<T>('PUT', path, { key, body, baseUrl }),
    patch: <T = any>(path: string, body?: unknown) => request<T>('PATCH', path, { key, body, baseUrl }),
    delete: <T = any>(path: string) => request<T>('DELETE', path, { key, baseUrl }),
  };
}

export type Client = ReturnType<typeof client>;

let users = 0;

/** A new user with its own key, created through the admin API. */
export async function newUser(name = `user-${++users}`): Promise<{ id: string; key: string; api: Client }> {
  const { adminKey } = await getStack();
  const reply = await client(adminKey).post('/api/admin/users', { name, role: 'user' });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return { id: reply.body.user.id, key: reply.body.api_key, api: client(reply.body.api_key) };
}

/** A new connected sandbox account of `api`'s user. */
export async function newSandboxAccount(api: Client, platform: 'telegram' | 'whatsapp' = 'telegram'): Promise<string> {
  const reply = await api.post('/api/v1/accounts', { platform, name: `Sandbox ${platform}`, sandbox: true });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body.account.id;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the broadcast's last run has finished; returns the broadcast. */
export async function finishedBroadcast(api: Client, id: string, timeoutMs = 30_000): Promise<any> {
  return eventually(
    async () => {
      const reply = await api.get(`/api/v1/broadcast/${id}`);
      const run = reply.body.broadcast?.last_run;
      return run && run.status !== 'running' ? reply.body.broadcast : undefined;
    },
    timeoutMs,
    `broadcast ${id} to finish`,
  );
}

/** Starts the stack if need be, then makes a new user with one connected sandbox account. */
export async function userWithAccount(
  platform: 'telegram' | 'whatsapp' = 'telegram',
): Promise<{ id: string; key: string; api: Client; accountId: string }> {
  await getStack();
  const user = await newUser();
  return { ...user, accountId: await newSandboxAccount(user.api, platform) };
}

/** The keys of the first `count` groups of a sandbox account. */
export async function groupKeys(api: Client, accountId: string, count: number): Promise<string[]> {
  const reply = await api.get(`/api/v1/groups?account_id=${accountId}&type=group`);
  return reply.body.groups.slice(0, count).map((g: { key: string }) => g.key);
}

/** Everything the sandbox platform did for an account, oldest first. */
export async function outboxItems(api: Client, accountId: string): Promise<any[]> {
  const reply = await api.get(`/api/v1/accounts/${accountId}/sandbox/outbox?limit=1000`);
  assert.equal(reply.status, 200);
  return reply.body.items;
}
