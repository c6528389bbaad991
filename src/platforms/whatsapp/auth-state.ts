/**
 * Baileys auth state (creds + signal keys) on top of a pluggable, string-valued store.
 *
 * The store only ever sees JSON text, written with Baileys' `BufferJSON.replacer` so Buffers and
 * Uint8Arrays survive, which lets the PostgreSQL store encrypt values without knowing their shape.
 */
import type {
  AuthenticationCreds,
  AuthenticationState,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
} from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { BaileysModule } from './baileys';
import type { WhatsAppLogger } from './socket';

/** A signal key family Baileys 7 stores (`pre-key`, `session`, `app-state-sync-key`, …). */
export type SignalKeyType = keyof SignalDataTypeMap;

/** Every signal key family of Baileys 7, for stores that validate or index by type. */
export const SIGNAL_KEY_TYPES = [
  'pre-key',
  'session',
  'sender-key',
  'sender-key-memory',
  'app-state-sync-key',
  'app-state-sync-version',
  'lid-mapping',
  'device-list',
  'tctoken',
  'identity-key',
] as const satisfies readonly SignalKeyType[];

// Fails to compile when a Baileys upgrade adds a key family the list above does not name.
type UnlistedKeyTypes = Exclude<SignalKeyType, (typeof SIGNAL_KEY_TYPES)[number]>;
const allKeyTypesListed: [UnlistedKeyTypes] extends [never] ? true : UnlistedKeyTypes = true;
void allKeyTypesListed;

/** One key write: JSON text to upsert, or null to delete. */
export interface AuthKeyWrite {
  type: SignalKeyType;
  id: string;
  value: string | null;
}

/**
 * Where one account's WhatsApp auth state lives. Values are opaque JSON text.
 *
 * Implementations: {@link MemoryAuthStateStore} for tests; the PostgreSQL store encrypts each value.
 */
export interface AuthStateStore {
  /** The saved creds, or null when the account has none (never logged in, or wiped). */
  loadCreds(): Promise<string | null>;
  /** Replaces the saved creds. */
  saveCreds(json: string): Promise<void>;
  /** The stored values of `type` for those of `ids` that exist; absent ids are left out. */
  getKeys(type: SignalKeyType, ids: readonly string[]): Promise<Map<string, string>>;
  /** Applies all writes as one atomic batch: upserts for string values, deletes for null. */
  setKeys(writes: readonly AuthKeyWrite[]): Promise<void>;
  /** Deletes the creds and every key (the account logged out). */
  clear(): Promise<void>;
}

/** Baileys' `{ state, saveCreds }`, plus a way to wipe everything for a logout. */
export interface WhatsAppAuthState {
  state: AuthenticationState;
  /** Writes the current creds; calls are applied in order. */
  saveCreds(): Promise<void>;
  /**
   * Waits for pending writes, then deletes creds and keys from the store and the key cache.
   * Later saves and key writes through this state are dropped, so a socket still winding down
   * cannot write the old login back. Safe to call more than once.
   */
  clear(): Promise<void>;
}

/** True when the creds belong to a completed login (paired device), not a fresh or half-done one. */
export function isPaired(creds: AuthenticationCreds): boolean {
  // A pairing-code request sets `me` before the phone confirms; `account` only arrives on pair-success.
  return Boolean(creds.me?.id && creds.account);
}

/**
 * Builds Baileys' auth state for one account from `store`: creds are loaded (or freshly made),
 * keys are read and written through the store and cached with `makeCacheableSignalKeyStore`.
 */
export async function makeAuthState(
  store: AuthStateStore,
  baileys: BaileysModule,
  logger?: WhatsAppLogger,
): Promise<WhatsAppAuthState> {
  const { BufferJSON, initAuthCreds, makeCacheableSignalKeyStore, proto } = baileys;
  const encode = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
  const decode = (json: string): unknown => JSON.parse(json, BufferJSON.reviver);

  const savedCreds = await store.loadCreds();
  const creds = savedCreds === null ? initAuthCreds() : (decode(savedCreds) as AuthenticationCreds);

  let cleared = false;
  let writes: Promise<void> = Promise.resolve();
  // Chains a write after the previous one, so creds land in the order Baileys changed them.
  const enqueue = (write: () => Promise<void>): Promise<void> => {
    const next = writes.then(write);
    writes = next.catch(() => undefined);
    return next;
  };

  const storeKeys: SignalKeyStore = {
    async get<T extends SignalKeyType>(type: T, ids: string[]) {
      const found = await store.getKeys(type, ids);
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const [id, json] of found) {
        const value = decode(json);
        result[id] = (
          type === 'app-state-sync-key'
            ? proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>)
            : value
        ) as SignalDataTypeMap[T];
      }
      return result;
    },
    async set(data: SignalDataSet) {
      if (cleared) return;
      const batch: AuthKeyWrite[] = [];
      for (const type of Object.keys(data) as SignalKeyType[]) {
        for (const [id, value] of Object.entries(data[type] ?? {})) {
          batch.push({ type, id, value: value == null ? null : encode(value) });
        }
      }
      if (batch.length > 0) await store.setKeys(batch);
    },
    async clear() {
      await store.clear();
    },
  };
  const keys = makeCacheableSignalKeyStore(storeKeys, logger);

  let clearing: Promise<void> | undefined;
  return {
    state: { creds, keys },
    saveCreds() {
      if (cleared) return Promise.resolve();
      const json = encode(creds);
      return enqueue(() => (cleared ? Promise.resolve() : store.saveCreds(json)));
    },
    clear() {
      clearing ??= (async () => {
        cleared = true;
        await writes;
        // Through the cached store, so the in-memory key cache is flushed along with the store.
        await keys.clear?.();
      })();
      return clearing;
    },
  };
}
