import assert from 'node:assert/strict';
import { SIGNAL_KEY_TYPES, isPaired, makeAuthState } from '../../../../src/platforms/whatsapp/auth-state';
import { loadBaileys, type BaileysModule } from '../../../../src/platforms/whatsapp/baileys';
import { MemoryAuthStateStore } from '../../../../src/platforms/whatsapp/memory-auth-state-store';
import { pairedCredsJson } from './stub-socket';

describe('whatsapp auth state', () => {
  let baileys: BaileysModule;
  before(async () => {
    baileys = await loadBaileys();
  });

  it('starts from fresh creds when the store has none, and saves them as JSON text', async () => {
    const store = new MemoryAuthStateStore();
    const { state, saveCreds } = await makeAuthState(store, baileys);
    assert.equal(state.creds.registered, false);
    assert.ok(Buffer.isBuffer(state.creds.noiseKey.private) || state.creds.noiseKey.private instanceof Uint8Array);
    assert.equal(isPaired(state.creds), false);

    await saveCreds();
    assert.equal(typeof store.creds, 'string');
    const reloaded = await makeAuthState(store, baileys);
    assert.ok(Buffer.isBuffer(reloaded.state.creds.noiseKey.private));
    assert.deepEqual(
      Buffer.from(reloaded.state.creds.noiseKey.private),
      Buffer.from(state.creds.noiseKey.private),
    );
    assert.equal(reloaded.state.creds.registrationId, state.creds.registrationId);
    assert.equal(reloaded.state.creds.advSecretKey, state.creds.advSecretKey);
  });

  it('recognises creds of a completed login as paired', async () => {
    const store = new MemoryAuthStateStore();
    store.creds = pairedCredsJson(baileys);
    const { state } = await makeAuthState(store, baileys);
    assert.equal(isPaired(state.creds), true);
    assert.ok(Buffer.isBuffer(state.creds.account?.details));
  });

  it('saves creds in the order they changed', async () => {
    const store = new MemoryAuthStateStore();
    const { state, saveCreds } = await makeAuthState(store, baileys);
    state.creds.nextPreKeyId = 10;
    const first = saveCreds();
    state.creds.nextPreKeyId = 11;
    await Promise.all([first, saveCreds()]);
    assert.equal(JSON.parse(store.creds ?? '{}').nextPreKeyId, 11);
  });

  it('round-trips Buffer and Uint8Array key values through the string store', async () => {
    const store = new MemoryAuthStateStore();
    const { state } = await makeAuthState(store, baileys);
    const keyPair = { public: new Uint8Array([1, 2, 3]), private: Buffer.from([4, 5, 6]) };
    await state.keys.set({
      'pre-key': { '1': keyPair },
      session: { 'alice.0': new Uint8Array([9, 8, 7]) },
      tctoken: { 'bob@s.whatsapp.net': { token: Buffer.from('tok'), timestamp: '1700000000' } },
    });

    for (const json of store.keys.values()) assert.equal(typeof json, 'string');

    // A new auth state has an empty cache, so these values come back from the store's JSON.
    const fresh = await makeAuthState(store, baileys);
    const preKeys = await fresh.state.keys.get('pre-key', ['1', '2']);
    assert.deepEqual(Object.keys(preKeys), ['1']);
    assert.ok(Buffer.isBuffer(preKeys['1']?.public));
    assert.deepEqual([...(preKeys['1']?.public ?? [])], [1, 2, 3]);
    assert.deepEqual([...(preKeys['1']?.private ?? [])], [4, 5, 6]);
    const sessions = await fresh.state.keys.get('session', ['alice.0']);
    assert.deepEqual([...(sessions['alice.0'] ?? [])], [9, 8, 7]);
    const tokens = await fresh.state.keys.get('tctoken', ['bob@s.whatsapp.net']);
    assert.equal(tokens['bob@s.whatsapp.net']?.token.toString(), 'tok');
    assert.equal(tokens['bob@s.whatsapp.net']?.timestamp, '1700000000');
  });

  it('decodes app-state-sync-key values into the protobuf type Baileys expects', async () => {
    const store = new MemoryAuthStateStore();
    const { state } = await makeAuthState(store, baileys);
    const keyData = baileys.proto.Message.AppStateSyncKeyData.fromObject({
      keyData: Buffer.from('secret-key-data'),
      timestamp: 1_700_000_000,
    });
    await state.keys.set({ 'app-state-sync-key': { AAAA: keyData } });

    const fresh = await makeAuthState(store, baileys);
    const got = (await fresh.state.keys.get('app-state-sync-key', ['AAAA']))['AAAA'];
    assert.ok(got instanceof baileys.proto.Message.AppStateSyncKeyData);
    assert.equal(Buffer.from(got.keyData ?? []).toString(), 'secret-key-data');
  });

  it('stores every signal key type of Baileys 7', async () => {
    const store = new MemoryAuthStateStore();
    const { state } = await makeAuthState(store, baileys);
    await state.keys.set({
      'pre-key': { '1': { public: Buffer.from([1]), private: Buffer.from([2]) } },
      session: { s: Buffer.from([3]) },
      'sender-key': { g: Buffer.from([4]) },
      'sender-key-memory': { g: { 'alice@s.whatsapp.net': true } },
      'app-state-sync-key': { k: { keyData: Buffer.from([5]) } },
      'app-state-sync-version': { regular: { version: 3, hash: Buffer.alloc(128, 1), indexValueMap: { abc: { valueMac: Buffer.from([6]) } } } },
      'lid-mapping': { '4915100000001': '98765' },
      'device-list': { '4915100000001': ['0', '7'] },
      tctoken: { t: { token: Buffer.from([7]) } },
      'identity-key': { 'alice.0': Buffer.from([8]) },
    });
    const storedTypes = new Set([...store.keys.keys()].map((key) => key.split('/')[0]));
    assert.deepEqual([...storedTypes].sort(), [...SIGNAL_KEY_TYPES].sort());

    const fresh = (await makeAuthState(store, baileys)).state.keys;
    assert.deepEqual((await fresh.get('sender-key-memory', ['g']))['g'], { 'alice@s.whatsapp.net': true });
    assert.equal((await fresh.get('lid-mapping', ['4915100000001']))['4915100000001'], '98765');
    assert.deepEqual((await fresh.get('device-list', ['4915100000001']))['4915100000001'], ['0', '7']);
    const version = (await fresh.get('app-state-sync-version', ['regular']))['regular'];
    assert.equal(version?.version, 3);
    assert.ok(Buffer.isBuffer(version?.hash));
    assert.deepEqual([...(version?.indexValueMap['abc']?.valueMac ?? [])], [6]);
    assert.deepEqual([...((await fresh.get('identity-key', ['alice.0']))['alice.0'] ?? [])], [8]);
  });

  it('deletes keys set to null, in the same batch as upserts', async () => {
    const store = new MemoryAuthStateStore();
    const batches: number[] = [];
    const setKeys = store.setKeys.bind(store);
    store.setKeys = async (writes) => {
      batches.push(writes.length);
      await setKeys(writes);
    };
    const { state } = await makeAuthState(store, baileys);
    await state.keys.set({ session: { a: Buffer.from([1]), b: Buffer.from([2]) } });
    await state.keys.set({ session: { a: null, c: Buffer.from([3]) } });

    assert.deepEqual(batches, [2, 2]);
    assert.deepEqual([...store.keys.keys()].sort(), ['session/b', 'session/c']);
    // Through the cache a deleted key reads as null, which Baileys treats as absent.
    const cached = await state.keys.get('session', ['a', 'b', 'c']);
    assert.equal(cached['a'] ?? null, null);
    assert.deepEqual([...(cached['c'] ?? [])], [3]);
    const fresh = (await makeAuthState(store, baileys)).state.keys;
    assert.deepEqual(Object.keys(await fresh.get('session', ['a', 'b', 'c'])).sort(), ['b', 'c']);
  });

  it('serves repeated reads from the cache of makeCacheableSignalKeyStore', async () => {
    const store = new MemoryAuthStateStore();
    let reads = 0;
    const getKeys = store.getKeys.bind(store);
    store.getKeys = async (type, ids) => {
      reads += 1;
      return getKeys(type, ids);
    };
    const { state } = await makeAuthState(store, baileys);
    await state.keys.set({ session: { a: Buffer.from([1]) } });
    await state.keys.get('session', ['a']);
    await state.keys.get('session', ['a']);
    assert.equal(reads, 0);
  });

  it('clear wipes creds, keys and cache, and drops writes made after it', async () => {
    const store = new MemoryAuthStateStore();
    const auth = await makeAuthState(store, baileys);
    await auth.saveCreds();
    await auth.state.keys.set({ session: { a: Buffer.from([1]) } });

    await auth.clear();
    assert.equal(store.creds, null);
    assert.equal(store.keys.size, 0);
    assert.deepEqual(await auth.state.keys.get('session', ['a']), {});

    await auth.saveCreds();
    await auth.state.keys.set({ session: { b: Buffer.from([2]) } });
    assert.equal(store.creds, null);
    assert.equal(store.keys.size, 0);
  });
});
