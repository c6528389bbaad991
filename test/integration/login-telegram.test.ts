import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { Api } from 'telegram';
import { readSessionSecret } from '../../src/db/repos/sessions.repo';
import { AutoHubKind } from '../../src/temporal/search-attributes';
import { SecretBox } from '../../src/db/secret-box';
import { ensureSecretKey } from '../../src/runtime/bootstrap';
import { eventually } from '../support/http';
import { rpcError, type StubClient } from '../unit/platforms/telegram/stub-client';
import { SrpServer } from '../unit/platforms/telegram/srp-server';
import { TELEGRAM_ME, newStackUser, startLoginStack, telegramServer, type LoginStack, type StackClient } from './login-stack';

/** Every payload of a workflow's history, decoded as text. */
async function historyText(stack: LoginStack, workflowId: string): Promise<string> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const history = await new Client({ connection, namespace: stack.config.temporal.namespace }).workflow.getHandle(workflowId).fetchHistory();
    const texts: string[] = [];
    const walk = (value: unknown): void => {
      if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(history);
    return texts.join('\n');
  } finally {
    await connection.close();
  }
}

describe('Telegram login through HTTP, Temporal and the worker (stubbed Telegram)', () => {
  let stack: LoginStack;
  let api: StackClient;
  before(async function () {
    this.timeout(180_000);
    stack = await startLoginStack();
    ({ api } = await newStackUser(stack));
  });
  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
  });

  const account = async (id: string) => (await api.get(`/api/v1/accounts/${id}`)).body.account;
  const liveClient = (): StubClient => {
    const client = stack.telegram.clients.at(-1);
    if (!client) throw new Error('no Telegram client was built');
    return client;
  };

  it('logs in with the code and the 2FA password, storing the session sealed and connecting it', async () => {
    const password = 'correct horse battery staple';
    stack.telegram.respond = telegramServer({ code: '12345', srp: new SrpServer(password, 'the usual') });

    const created = await api.post('/api/v1/accounts', { platform: 'telegram', phone: '+15550001111', name: 'Alice' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.success, true);
    const id: string = created.body.account.id;
    assert.equal(created.body.account.status, 'code_sent');
    assert.equal(created.body.account.connected, false);
    assert.equal((await account(id)).status, 'code_sent');

    const wrongCode = await api.post(`/api/v1/accounts/${id}/login`, { code: '99999' });
    assert.equal(wrongCode.status, 400);
    assert.match(wrongCode.body.error, /PHONE_CODE_INVALID/);
    const early = await api.post(`/api/v1/accounts/${id}/login`, { password });
    assert.equal(early.status, 400);
    assert.match(early.body.error, /no 2FA password is awaited/);

    const needsPassword = await api.post(`/api/v1/accounts/${id}/login`, { code: '12 345' });
    assert.equal(needsPassword.status, 200, JSON.stringify(needsPassword.body));
    assert.equal(needsPassword.body.status, 'password_required');
    assert.equal(needsPassword.body.hint, 'the usual');
    assert.equal(needsPassword.body.account.status, 'password_required');
    assert.equal((await account(id)).hint, 'the usual');

    const wrongPassword = await api.post(`/api/v1/accounts/${id}/login`, { password: 'battery staple' });
    assert.equal(wrongPassword.status, 400);
    assert.match(wrongPassword.body.error, /PASSWORD_HASH_INVALID/);

    const done = await api.post(`/api/v1/accounts/${id}/login`, { password });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, 'connected');
    assert.equal(done.body.account.status, 'connected');
    assert.equal(done.body.account.connected, true);
    assert.equal(done.body.account.hint, undefined, 'nothing of the login is left on the account');

    const row = await stack.db('accounts').where({ id }).first();
    assert.match(row.session_secret, /^v1\./);
    const login = stack.telegram.clients.find((c) => c.sent(Api.auth.CheckPassword).length > 0);
    const saved = login?.params?.session.save() ?? '';
    assert.ok(saved.length > 100 && !row.session_secret.includes(saved), 'the StringSession is stored sealed');

    // The worker's pool opens the stored session: a new client on the same auth key.
    await eventually(async () => (stack.roles.worker?.pool.has(id) ? true : undefined), 30_000, 'the session to connect');
    const session = await stack.roles.worker!.pool.get(id);
    assert.equal(session.accountId, id);
    const live = liveClient();
    assert.notEqual(live, login);
    assert.equal(await readSessionSecret(stack.db, new SecretBox(ensureSecretKey(stack.config)), id), saved);
    assert.deepEqual(live.requests.map((r) => r.className), ['users.GetUsers'], 'the stored session is opened, not logged in again');
    assert.equal(login?.destroyed, true, 'the login client is closed once the session is handed over');

    const history = await historyText(stack, `login-${id}`);
    assert.ok(history.includes(id), 'the history is the login’s');
    assert.match(history, /"v1\.[\w-]+\.[\w-]+\.[\w-]+"/, 'the password went through sealed');
    assert.ok(!history.includes(password), 'the 2FA password never appears in the workflow history');
  });

  it('ends the login when the code has expired, and says so on the account', async () => {
    stack.telegram.respond = telegramServer({ code: '12345', expired: true });
    const created = await api.post('/api/v1/accounts', { platform: 'telegram', phone: '+15550002222' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: string = created.body.account.id;

    const expired = await api.post(`/api/v1/accounts/${id}/login`, { code: '12345' });
    assert.equal(expired.status, 400);
    assert.match(expired.body.error, /PHONE_CODE_EXPIRED/);
    const shown = await account(id);
    assert.equal(shown.status, 'disconnected');
    assert.match(shown.login_error, /PHONE_CODE_EXPIRED/);

    const again = await api.post(`/api/v1/accounts/${id}/login`, { code: '12345' });
    assert.equal(again.status, 400);
    assert.match(again.body.error, /no login is in progress|no login code is awaited/);

    // Starting over sends a new code on a new client.
    stack.telegram.respond = telegramServer({ code: '54321' });
    const restarted = await api.post(`/api/v1/accounts/${id}/login`, { login: 'phone' });
    assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
    assert.equal(restarted.body.status, 'code_sent');
    assert.equal(restarted.body.account.login_error, undefined);
    const done = await api.post(`/api/v1/accounts/${id}/login`, { code: '54321' });
    assert.equal(done.body.status, 'connected');
  });

  it('answers 429 with Telegram’s wait when it refuses to send more codes, leaving no account behind', async () => {
    stack.telegram.respond = (request) => {
      if (request instanceof Api.auth.SendCode) throw rpcError('FLOOD_WAIT_3600', request, 420);
      throw new Error(`unexpected request ${request.className}`);
    };
    const before = (await api.get('/api/v1/accounts')).body.count;
    const refused = await api.post('/api/v1/accounts', { platform: 'telegram', phone: '+15550003333' });
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.match(refused.body.error, /FLOOD_WAIT_3600/);
    assert.equal((await api.get('/api/v1/accounts')).body.count, before);
  });

  it('logs in by QR code: shows the tg://login url and its PNG, refreshes it, and connects once scanned', async () => {
    let scanned = false;
    let token = 0;
    stack.telegram.respond = telegramServer({
      code: 'unused',
      qr: () => {
        if (scanned) return new Api.auth.LoginTokenSuccess({ authorization: new Api.auth.Authorization({ user: TELEGRAM_ME }) });
        token += 1;
        // Expires at once, so the login asks for the next token a second later.
        return new Api.auth.LoginToken({ expires: Math.floor(Date.now() / 1000), token: Buffer.from([0xfb, token]) });
      },
    });

    const created = await api.post('/api/v1/accounts', { platform: 'telegram', login: 'qr' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: string = created.body.account.id;
    const first = created.body.account;
    assert.equal(first.status, 'qr');
    assert.equal(first.qr_url, `tg://login?token=${Buffer.from([0xfb, 1]).toString('base64url')}`);
    assert.equal(first.qr, first.qr_url);
    assert.match(first.qr_png, /^data:image\/png;base64,/);

    const refreshed = await eventually(
      async () => {
        const shown = await account(id);
        return shown.qr_url !== first.qr_url ? shown : undefined;
      },
      30_000,
      'the QR code to refresh',
    );
    assert.match(refreshed.qr_url, /^tg:\/\/login\?token=/);

    scanned = true;
    const loginClient = stack.telegram.clients.find((c) => c.sent(Api.auth.ExportLoginToken).length > 0)!;
    await loginClient.emit(new Api.UpdateLoginToken());
    const connected = await eventually(async () => {
      const shown = await account(id);
      return shown.status === 'connected' ? shown : undefined;
    }, 30_000, 'the QR login to connect');
    assert.equal(connected.qr, undefined);
    assert.equal(connected.qr_png, undefined);
    assert.ok((await stack.db('accounts').where({ id }).first()).session_secret);
  });

  it('restores connected sessions after a restart without a new login', async () => {
    stack.telegram.respond = telegramServer({ code: '11111' });
    const created = await api.post('/api/v1/accounts', { platform: 'telegram', phone: '+15550004444' });
    const id: string = created.body.account.id;
    assert.equal((await api.post(`/api/v1/accounts/${id}/login`, { code: '11111' })).body.status, 'connected');
    await eventually(async () => (stack.roles.worker?.pool.has(id) ? true : undefined), 30_000, 'the session to connect');
    const secret = (await stack.db('accounts').where({ id }).first()).session_secret;

    const clientsBefore = stack.telegram.clients.length;
    await stack.restart();
    await eventually(async () => (stack.roles.worker?.pool.has(id) ? true : undefined), 30_000, 'the session to reconnect');
    await stack.roles.worker!.pool.get(id);
    const opened = stack.telegram.clients.slice(clientsBefore);
    assert.ok(opened.length >= 1, 'the restarted worker opened the stored sessions');
    for (const client of opened) assert.deepEqual(client.requests.map((r) => r.className), ['users.GetUsers'], 'no new login');
    assert.equal((await account(id)).status, 'connected');
    assert.equal((await stack.db('accounts').where({ id }).first()).session_secret, secret);
  });

  it('DELETE logs the session out at Telegram and forgets it', async () => {
    stack.telegram.respond = telegramServer({ code: '22222' });
    const created = await api.post('/api/v1/accounts', { platform: 'telegram', phone: '+15550005555' });
    const id: string = created.body.account.id;
    assert.equal((await api.post(`/api/v1/accounts/${id}/login`, { code: '22222' })).body.status, 'connected');
    await eventually(async () => (stack.roles.worker?.pool.has(id) ? true : undefined), 30_000, 'the session to connect');
    const session = liveClient();

    const deleted = await api.delete(`/api/v1/accounts/${id}`);
    assert.equal(deleted.status, 200);
    assert.equal(session.sent(Api.auth.LogOut).length, 1);
    assert.equal(session.destroyed, true);
    assert.equal(stack.roles.worker?.pool.has(id), false);
    assert.equal((await api.get(`/api/v1/accounts/${id}`)).status, 404);

    // The Temporal UI finds the account's login and logout by its search attributes.
    const connection = await Connection.connect({ address: stack.temporalAddress });
    try {
      const temporal = new Client({ connection, namespace: stack.config.temporal.namespace });
      const kinds = await eventually(async () => {
        const found: string[] = [];
        for await (const w of temporal.workflow.list({ query: `AutoHubAccountId = "${id}"` })) found.push(String(w.typedSearchAttributes.get(AutoHubKind)));
        return found.includes('login') && found.includes('logout') ? found.sort() : undefined;
      }, 15_000, "the account's login and logout in the visibility store");
      assert.deepEqual(kinds, ['login', 'logout']);
    } finally {
      await connection.close();
    }
  });
});
