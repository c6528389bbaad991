import assert from 'node:assert/strict';
import { newSandboxAccount, newUser, type Client } from '../support/http';
import { getStack } from '../support/stack';

/** A real account of `userId` that has never logged in, straight in the database. */
async function realAccount(userId: string, platform: 'telegram' | 'whatsapp'): Promise<string> {
  const { db } = await getStack();
  const [row] = await db('accounts').insert({ user_id: userId, platform, name: 'real', phone: '+15550001111', sandbox: false, status: 'disconnected' }).returning('id');
  return row.id;
}

describe('POST /api/v1/accounts for real accounts (sandbox: false)', () => {
  let api: Client;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
  });

  it('answers 400 naming TELEGRAM_API_ID and TELEGRAM_API_HASH when the server has no Telegram credentials, creating nothing', async () => {
    for (const body of [
      { platform: 'telegram', phone: '+15550001111' },
      { platform: 'telegram', phone: '+15550001111', sandbox: false },
      { platform: 'telegram', login: 'qr' },
    ]) {
      const reply = await api.post('/api/v1/accounts', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, /TELEGRAM_API_ID and TELEGRAM_API_HASH/);
    }
    assert.equal((await api.get('/api/v1/accounts')).body.count, 0);
  });

  it('validates the login fields of each platform', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ platform: 'telegram' }, /^phone: a phone-code login needs/],
      [{ platform: 'telegram', login: 'phone' }, /^phone: /],
      [{ platform: 'telegram', login: 'pairing_code', phone: '+15550001111' }, /^login: telegram logs in with "phone" or "qr"/],
      [{ platform: 'whatsapp', login: 'phone', phone: '+15550001111' }, /^login: whatsapp logs in with "qr" or "pairing_code"/],
      [{ platform: 'whatsapp', login: 'pairing_code' }, /^phone: a pairing-code login needs/],
      [{ platform: 'whatsapp', login: 'sms' }, /^login: /],
      [{ platform: 'whatsapp', login: 'pairing_code', phone: '0151 123' }, /^phone: must be an international number/],
    ];
    for (const [body, error] of cases) {
      const reply = await api.post('/api/v1/accounts', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, error, JSON.stringify(body));
    }
    assert.equal((await api.get('/api/v1/accounts')).body.count, 0);
  });

  it('keeps creating sandbox accounts as before, whatever login fields come along', async () => {
    const reply = await api.post('/api/v1/accounts', { platform: 'telegram', sandbox: true, login: 'pairing_code' });
    assert.equal(reply.status, 201);
    assert.equal(reply.body.account.status, 'connected');
    assert.equal(reply.body.account.sandbox, true);
    assert.equal(reply.body.account.login, undefined);
  });
});

describe('POST /api/v1/accounts/:id/login', () => {
  let owner: { id: string; api: Client };
  let other: { id: string; api: Client };
  let telegram: string;
  let whatsapp: string;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    owner = await newUser();
    other = await newUser();
    telegram = await realAccount(owner.id, 'telegram');
    whatsapp = await realAccount(owner.id, 'whatsapp');
  });

  it('answers 404 for an unknown account and for another user’s account', async () => {
    const unknown = await owner.api.post('/api/v1/accounts/00000000-0000-4000-8000-000000000000/login', { code: '12345' });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error: 'not found' });
    assert.equal((await owner.api.post('/api/v1/accounts/not-an-id/login', { code: '12345' })).status, 404);
    const foreign = await other.api.post(`/api/v1/accounts/${telegram}/login`, { code: '12345' });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, { error: 'not found' });
  });

  it('answers 400 for a sandbox account, which has no login', async () => {
    const sandbox = await newSandboxAccount(owner.api, 'whatsapp');
    const reply = await owner.api.post(`/api/v1/accounts/${sandbox}/login`, { login: 'qr' });
    assert.equal(reply.status, 400);
    assert.match(reply.body.error, /sandbox account .* has no login/);
  });

  it('answers 400 for a code or password when no login is in progress', async () => {
    for (const body of [{ code: '12345' }, { password: 'secret' }]) {
      const reply = await owner.api.post(`/api/v1/accounts/${whatsapp}/login`, body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, /no login is in progress/);
    }
  });

  it('validates its body: exactly one of code, password or login, and phone only with login', async () => {
    const cases: Array<[object, RegExp]> = [
      [{}, /give exactly one of code, password or login/],
      [{ code: '1', password: 'x' }, /give exactly one of code, password or login/],
      [{ code: '' }, /code/],
      [{ code: '12345', phone: '+15550001111' }, /^phone: phone goes with login/],
      [{ login: 'magic' }, /^login: /],
      [{ login: 'pairing_code', phone: 'nope' }, /^phone: must be an international number/],
    ];
    for (const [body, error] of cases) {
      const reply = await owner.api.post(`/api/v1/accounts/${telegram}/login`, body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, error, JSON.stringify(body));
    }
  });

  it('refuses a new login the platform does not offer, or Telegram without credentials', async () => {
    const pairing = await owner.api.post(`/api/v1/accounts/${telegram}/login`, { login: 'pairing_code', phone: '+15550001111' });
    assert.equal(pairing.status, 400);
    assert.match(pairing.body.error, /telegram logs in with "phone" or "qr"/);
    const phone = await owner.api.post(`/api/v1/accounts/${whatsapp}/login`, { login: 'phone' });
    assert.equal(phone.status, 400);
    assert.match(phone.body.error, /whatsapp logs in with "qr" or "pairing_code"/);
    const unconfigured = await owner.api.post(`/api/v1/accounts/${telegram}/login`, { login: 'qr' });
    assert.equal(unconfigured.status, 400);
    assert.match(unconfigured.body.error, /TELEGRAM_API_ID and TELEGRAM_API_HASH/);
  });

  it('needs an API key', async () => {
    const { baseUrl } = await getStack();
    const reply = await fetch(`${baseUrl}/api/v1/accounts/${telegram}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: '12345' }),
    });
    assert.equal(reply.status, 401);
  });
});

describe('GET /api/v1/accounts/:id of a real account', () => {
  it('shows the account without login fields when no login ever ran', async () => {
    const user = await newUser();
    const id = await realAccount(user.id, 'whatsapp');
    const reply = await user.api.get(`/api/v1/accounts/${id}`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.account.status, 'disconnected');
    assert.equal(reply.body.account.sandbox, false);
    for (const field of ['qr', 'qr_png', 'qr_url', 'pairing_code', 'hint', 'login_error', 'login']) {
      assert.equal(field in reply.body.account, false, field);
    }
  });
});
