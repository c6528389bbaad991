import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { insertAccount } from '../../src/db/repos/accounts.repo';
import { insertInboundMessages, pruneInboundMessages, searchInboundMessages } from '../../src/db/repos/inbound-messages.repo';
import { PgPeerCache } from '../../src/db/repos/peer-cache.repo';
import {
  clearSessionSecret,
  completeLoginAttempt,
  failLoginAttempt,
  findAccountLogin,
  readSessionSecret,
  recordSessionStatus,
  startLoginAttempt,
  updateLoginAttempt,
} from '../../src/db/repos/sessions.repo';
import { PgAuthStateStore } from '../../src/db/repos/whatsapp-auth.repo';
import { upsertChats } from '../../src/db/repos/chats.repo';
import { SecretBox } from '../../src/db/secret-box';
import { SIGNAL_KEY_TYPES, makeAuthState } from '../../src/platforms/whatsapp/auth-state';
import { loadBaileys, type BaileysModule } from '../../src/platforms/whatsapp/baileys';
import { ensureSecretKey } from '../../src/runtime/bootstrap';
import { getStack } from '../support/stack';

// The suite's own key: its worker opens what these tests store when an account turns connected.
let secrets: SecretBox;

/** A real (non-sandbox) account of a fresh user, straight in the database. */
async function newAccount(db: Knex, platform: 'telegram' | 'whatsapp' = 'whatsapp'): Promise<string> {
  const [user] = await db('users').insert({ name: 'store-test', role: 'user' }).returning('id');
  const account = await insertAccount(db, { userId: user.id, platform, name: 'real', phone: '+4915100000001', sandbox: false, status: 'disconnected' });
  return account.id;
}

describe('PgAuthStateStore (whatsapp auth state in PostgreSQL)', () => {
  let db: Knex;
  let baileys: BaileysModule;
  before(async function () {
    this.timeout(120_000);
    const stack = await getStack();
    db = stack.db;
    secrets = new SecretBox(ensureSecretKey(stack.config));
    baileys = await loadBaileys();
  });

  it('round-trips creds and keys with Buffer and Uint8Array values through a restart', async () => {
    const accountId = await newAccount(db);
    const store = new PgAuthStateStore(db, secrets, accountId);
    const first = await makeAuthState(store, baileys);
    first.state.creds.me = { id: '4915100000001:7@s.whatsapp.net', name: 'Ada' };
    await first.saveCreds();
    await first.state.keys.set({
      'pre-key': { '1': { public: new Uint8Array([1, 2, 3]), private: Buffer.from([4, 5, 6]) } },
      session: { 'alice.0': new Uint8Array([9, 8, 7]) },
      'lid-mapping': { '4915111111111': '98765' },
      tctoken: { 'bob@s.whatsapp.net': { token: Buffer.from('tok'), timestamp: '1700000000' } },
    });

    // A new auth state over a new store object: everything comes back from the tables.
    const again = await makeAuthState(new PgAuthStateStore(db, secrets, accountId), baileys);
    assert.equal(again.state.creds.me?.id, '4915100000001:7@s.whatsapp.net');
    assert.ok(Buffer.isBuffer(again.state.creds.noiseKey.private));
    assert.deepEqual(Buffer.from(again.state.creds.noiseKey.private), Buffer.from(first.state.creds.noiseKey.private));
    const preKeys = await again.state.keys.get('pre-key', ['1', '2']);
    assert.deepEqual(Object.keys(preKeys), ['1']);
    assert.ok(Buffer.isBuffer(preKeys['1']?.public));
    assert.deepEqual([...(preKeys['1']?.public ?? [])], [1, 2, 3]);
    assert.deepEqual([...(preKeys['1']?.private ?? [])], [4, 5, 6]);
    assert.deepEqual([...((await again.state.keys.get('session', ['alice.0']))['alice.0'] ?? [])], [9, 8, 7]);
    assert.equal((await again.state.keys.get('lid-mapping', ['4915111111111']))['4915111111111'], '98765');
    const tokens = await again.state.keys.get('tctoken', ['bob@s.whatsapp.net']);
    assert.equal(tokens['bob@s.whatsapp.net']?.token.toString(), 'tok');
  });

  it('stores every key family of Baileys 7 and deletes keys set to null', async () => {
    const accountId = await newAccount(db);
    const store = new PgAuthStateStore(db, secrets, accountId);
    await store.setKeys(SIGNAL_KEY_TYPES.map((type) => ({ type, id: 'k1', value: JSON.stringify({ type }) })));
    for (const type of SIGNAL_KEY_TYPES) {
      assert.equal((await store.getKeys(type, ['k1'])).get('k1'), JSON.stringify({ type }), type);
    }
    await store.setKeys([
      { type: 'session', id: 'k1', value: null },
      { type: 'pre-key', id: 'k2', value: '"new"' },
      { type: 'pre-key', id: 'k1', value: '"replaced"' },
    ]);
    assert.equal((await store.getKeys('session', ['k1'])).size, 0);
    assert.deepEqual(Object.fromEntries(await store.getKeys('pre-key', ['k1', 'k2', 'k3'])), { k1: '"replaced"', k2: '"new"' });
  });

  it('keeps the last write of a key written twice in one batch', async () => {
    const store = new PgAuthStateStore(db, secrets, await newAccount(db));
    await store.setKeys([
      { type: 'sender-key', id: 'g', value: '"one"' },
      { type: 'sender-key', id: 'g', value: '"two"' },
      { type: 'device-list', id: 'd', value: '"x"' },
      { type: 'device-list', id: 'd', value: null },
    ]);
    assert.equal((await store.getKeys('sender-key', ['g'])).get('g'), '"two"');
    assert.equal((await store.getKeys('device-list', ['d'])).size, 0);
  });

  it('applies a batch as one transaction: a failing write leaves every other write of it undone', async () => {
    const accountId = await newAccount(db);
    const store = new PgAuthStateStore(db, secrets, accountId);
    await store.setKeys([{ type: 'session', id: 'keep', value: '"old"' }]);
    // PostgreSQL refuses NUL in text, so this key id fails the statement after the delete ran.
    await assert.rejects(
      store.setKeys([
        { type: 'session', id: 'keep', value: null },
        { type: 'pre-key', id: 'fine', value: '"v"' },
        { type: 'pre-key', id: 'bad\u0000id', value: '"v"' },
      ]),
    );
    assert.equal((await store.getKeys('session', ['keep'])).get('keep'), '"old"');
    assert.equal((await store.getKeys('pre-key', ['fine'])).size, 0);
  });

  it('seals every value: the tables hold no readable creds or keys', async () => {
    const accountId = await newAccount(db);
    const store = new PgAuthStateStore(db, secrets, accountId);
    await store.saveCreds(JSON.stringify({ secret: 'creds-plaintext-marker' }));
    await store.setKeys([{ type: 'session', id: 'alice.0', value: JSON.stringify('key-plaintext-marker') }]);
    const creds = await db('whatsapp_auth_creds').where({ account_id: accountId }).first();
    const keys = await db('whatsapp_auth_keys').where({ account_id: accountId });
    assert.match(creds.creds, /^v1\./);
    assert.doesNotMatch(creds.creds, /creds-plaintext-marker/);
    assert.equal(keys.length, 1);
    assert.match(keys[0].value, /^v1\./);
    assert.doesNotMatch(keys[0].value, /key-plaintext-marker/);
    assert.equal(keys[0].key_id, 'alice.0', 'ids stay readable: they are looked up');
    // Another key cannot open them.
    const other = new PgAuthStateStore(db, new SecretBox(randomBytes(32).toString('hex')), accountId);
    await assert.rejects(other.loadCreds());
  });

  it('clear wipes creds and keys of that account only', async () => {
    const [a, b] = [await newAccount(db), await newAccount(db)];
    for (const id of [a, b]) {
      const store = new PgAuthStateStore(db, secrets, id);
      await store.saveCreds('{"n":1}');
      await store.setKeys([{ type: 'session', id: 's', value: '"v"' }]);
    }
    await new PgAuthStateStore(db, secrets, a).clear();
    assert.equal(await new PgAuthStateStore(db, secrets, a).loadCreds(), null);
    assert.equal((await new PgAuthStateStore(db, secrets, a).getKeys('session', ['s'])).size, 0);
    assert.equal(await new PgAuthStateStore(db, secrets, b).loadCreds(), '{"n":1}');
    assert.equal((await new PgAuthStateStore(db, secrets, b).getKeys('session', ['s'])).size, 1);
  });

  it('reads many ids in one call', async () => {
    const store = new PgAuthStateStore(db, secrets, await newAccount(db));
    const ids = Array.from({ length: 1200 }, (_, i) => String(i));
    await store.setKeys(ids.map((id) => ({ type: 'pre-key' as const, id, value: `"${id}"` })));
    const found = await store.getKeys('pre-key', [...ids, 'missing']);
    assert.equal(found.size, 1200);
    assert.equal(found.get('1199'), '"1199"');
  });
});

describe('PgPeerCache (telegram peers in PostgreSQL)', () => {
  let db: Knex;
  before(async function () {
    this.timeout(120_000);
    ({ db } = await getStack());
  });

  it('gets what was put, per account, and a later entry for a key replaces the earlier one', async () => {
    const [a, b] = [await newAccount(db, 'telegram'), await newAccount(db, 'telegram')];
    const cache = new PgPeerCache(db);
    await cache.put(a, [
      { key: '@news', type: 'channel', id: '2222', accessHash: '-22227', username: 'news' },
      { key: '-1002222', type: 'channel', id: '2222', accessHash: '-22227', username: 'news' },
      { key: '-77', type: 'chat', id: '77', accessHash: null, username: null },
    ]);
    assert.deepEqual(await cache.get(a, '@news'), { key: '@news', type: 'channel', id: '2222', accessHash: '-22227', username: 'news' });
    assert.deepEqual(await cache.get(a, '-77'), { key: '-77', type: 'chat', id: '77', accessHash: null, username: null });
    assert.equal(await cache.get(b, '@news'), null, 'access hashes belong to the account that received them');

    // The username moved to another channel.
    await cache.put(a, [{ key: '@news', type: 'channel', id: '3333', accessHash: '-33337', username: 'news' }]);
    assert.equal((await cache.get(a, '@news'))?.id, '3333');
    assert.equal((await cache.get(a, '-1002222'))?.id, '2222');
  });

  it('keeps the last of duplicate keys within one put, and survives a new cache object', async () => {
    const account = await newAccount(db, 'telegram');
    await new PgPeerCache(db).put(account, [
      { key: '@bob', type: 'user', id: '1', accessHash: '11', username: 'bob' },
      { key: '@bob', type: 'user', id: '2', accessHash: '22', username: 'bob' },
    ]);
    assert.equal((await new PgPeerCache(db).get(account, '@bob'))?.id, '2');
  });
});

describe('sessions repository', () => {
  let db: Knex;
  before(async function () {
    this.timeout(120_000);
    const stack = await getStack();
    db = stack.db;
    secrets = new SecretBox(ensureSecretKey(stack.config));
  });

  it('stores the Telegram session sealed and reads it back opened', async () => {
    const accountId = await newAccount(db, 'telegram');
    await startLoginAttempt(db, { accountId, attempt: 'run-1', method: 'phone', state: { status: 'code_sent' } });
    assert.equal(await completeLoginAttempt(db, { accountId, attempt: 'run-1', sessionSecret: '1BVtsOKABu-session-marker', secrets }), true);
    const row = await db('accounts').where({ id: accountId }).first();
    assert.equal(row.status, 'connected');
    assert.doesNotMatch(row.session_secret, /session-marker/);
    assert.equal(await readSessionSecret(db, secrets, accountId), '1BVtsOKABu-session-marker');
    await assert.rejects(readSessionSecret(db, new SecretBox(randomBytes(32).toString('hex')), accountId), /cannot be decrypted/);
    assert.equal(await findAccountLogin(db, accountId), undefined, 'a finished login leaves no QR or code behind');
    await clearSessionSecret(db, accountId);
    assert.equal(await readSessionSecret(db, secrets, accountId), null);
  });

  it('moves the account status with the login, and ignores writes of a superseded attempt', async () => {
    const accountId = await newAccount(db, 'whatsapp');
    await startLoginAttempt(db, { accountId, attempt: 'old', method: 'qr', state: { status: 'qr', qr: '2@a', qrPng: 'data:image/png;base64,AA' } });
    assert.equal((await db('accounts').where({ id: accountId }).first()).status, 'qr');
    await startLoginAttempt(db, { accountId, attempt: 'new', method: 'pairing_code', state: { status: 'pairing_code', pairingCode: 'ABCD1234' } });
    assert.equal((await db('accounts').where({ id: accountId }).first()).status, 'code_sent');

    assert.equal(await updateLoginAttempt(db, accountId, 'old', { qr: '2@b' }), false);
    assert.equal(await failLoginAttempt(db, accountId, 'old', 'late failure'), false);
    assert.equal(await completeLoginAttempt(db, { accountId, attempt: 'old', secrets }), false);
    const login = await findAccountLogin(db, accountId);
    assert.equal(login?.attempt, 'new');
    assert.equal(login?.pairingCode, 'ABCD1234');
    assert.equal(login?.qr, null, 'a new attempt starts from a clean row');

    assert.equal(await failLoginAttempt(db, accountId, 'new', 'the code was not used in time'), true);
    const failed = await findAccountLogin(db, accountId);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.pairingCode, null);
    assert.equal((await db('accounts').where({ id: accountId }).first()).status, 'disconnected');
  });

  it('records a lost session as a status and an event, once', async () => {
    // A Telegram account: the suite's worker has no Telegram driver, so nothing else moves its status.
    const accountId = await newAccount(db, 'telegram');
    await startLoginAttempt(db, { accountId, attempt: 'run-1', method: 'qr', state: { status: 'qr', qr: '2@a' } });
    assert.equal(await recordSessionStatus(db, accountId, 'connected', null), true);
    assert.equal(await findAccountLogin(db, accountId), undefined, 'a connected session ends the login and its QR code');
    assert.equal(await recordSessionStatus(db, accountId, 'connected', null), false);
    assert.equal(await recordSessionStatus(db, accountId, 'replaced', 'another client opened this account'), true);
    assert.equal(await recordSessionStatus(db, accountId, 'replaced', 'again'), false);
    const events = await db('events').where({ account_id: accountId }).orderBy('id');
    assert.deepEqual(
      events.map((e: any) => [e.type, e.data.previous, e.data.status, e.data.reason]).slice(-2),
      [
        ['account.status_changed', 'qr', 'connected', null],
        ['account.status_changed', 'connected', 'replaced', 'another client opened this account'],
      ],
    );
  });
});

describe('inbound messages store', () => {
  let db: Knex;
  before(async function () {
    this.timeout(120_000);
    ({ db } = await getStack());
  });

  const GROUP = '120363000000000001@g.us';
  const DM = '4915111111111@s.whatsapp.net';
  const at = (daysAgo: number, minute = 0) => new Date(Date.now() - daysAgo * 86_400_000 + minute * 60_000);
  const message = (chatKey: string, messageId: number, text: string, date: Date) => ({
    chatKey,
    messageId,
    fromId: DM,
    fromUsername: null,
    fromName: 'Alice',
    text,
    date,
  });

  it('searches case-insensitively per chat, newest first, with per-chat limits and date bounds', async () => {
    const accountId = await newAccount(db);
    await upsertChats(db, accountId, [{ key: GROUP, id: GROUP, type: 'group', title: 'Friends', username: null, members: 3, lastActivityAt: null }]);
    await insertInboundMessages(db, accountId, [
      message(GROUP, 1, 'Price of the ZEBRA?', at(3)),
      message(GROUP, 2, 'zebra again', at(2)),
      message(GROUP, 3, 'no match here', at(1)),
      message(DM, 4, 'a zebra in private', at(1, 5)),
    ]);
    // A message delivered twice is stored once.
    await insertInboundMessages(db, accountId, [message(GROUP, 2, 'zebra again', at(2))]);

    const all = await searchInboundMessages(db, accountId, { query: 'zebra', chatKeys: [GROUP, DM], perChatLimit: 10, since: null, until: null });
    assert.deepEqual(all.map((m) => m.messageId), [4, 2, 1]);
    assert.equal(all[1]?.chatTitle, 'Friends');
    assert.equal(all[0]?.chatTitle, DM, 'chats not scanned yet are named by their key');
    assert.equal(all[0]?.fromName, 'Alice');

    const limited = await searchInboundMessages(db, accountId, { query: 'ZEBRA', chatKeys: [GROUP], perChatLimit: 1, since: null, until: null });
    assert.deepEqual(limited.map((m) => m.messageId), [2]);
    const bounded = await searchInboundMessages(db, accountId, { query: 'zebra', chatKeys: [GROUP, DM], perChatLimit: 10, since: at(2, -1), until: at(1, 1) });
    assert.deepEqual(bounded.map((m) => m.messageId), [2]);
    const otherAccount = await newAccount(db);
    assert.deepEqual(await searchInboundMessages(db, otherAccount, { query: 'zebra', chatKeys: [GROUP], perChatLimit: 10, since: null, until: null }), []);
  });

  it('prunes messages older than the retention', async () => {
    const accountId = await newAccount(db);
    await insertInboundMessages(db, accountId, [message(GROUP, 10, 'old news', at(40)), message(GROUP, 11, 'fresh news', at(1))]);
    assert.ok((await pruneInboundMessages(db, 30)) >= 1);
    const left = await searchInboundMessages(db, accountId, { query: 'news', chatKeys: [GROUP], perChatLimit: 10, since: null, until: null });
    assert.deepEqual(left.map((m) => m.text), ['fresh news']);
  });
});
