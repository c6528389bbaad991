import type { AuthKeyWrite, AuthStateStore, SignalKeyType } from './auth-state';

/**
 * An {@link AuthStateStore} kept in memory: for tests, and for trying the driver without a database.
 *
 * Fields are public so tests can look at exactly what would have been persisted.
 */
export class MemoryAuthStateStore implements AuthStateStore {
  /** The saved creds JSON, or null. */
  creds: string | null = null;
  /** Saved key JSON by `<type>/<id>`. */
  readonly keys = new Map<string, string>();
  /** How many times {@link clear} ran. */
  clearCount = 0;

  async loadCreds(): Promise<string | null> {
    return this.creds;
  }

  async saveCreds(json: string): Promise<void> {
    this.creds = json;
  }

  async getKeys(type: SignalKeyType, ids: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const id of ids) {
      const value = this.keys.get(keyOf(type, id));
      if (value !== undefined) found.set(id, value);
    }
    return found;
  }

  async setKeys(writes: readonly AuthKeyWrite[]): Promise<void> {
    for (const { type, id, value } of writes) {
      if (value === null) this.keys.delete(keyOf(type, id));
      else this.keys.set(keyOf(type, id), value);
    }
  }

  async clear(): Promise<void> {
    this.creds = null;
    this.keys.clear();
    this.clearCount += 1;
  }
}

function keyOf(type: SignalKeyType, id: string): string {
  return `${type}/${id}`;
}
