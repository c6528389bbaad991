/**
 * A small in-process cache whose entries live `ttlMs` at most. Concurrent misses for one key
 * share a single load; a load that yields `undefined` is not remembered. Callers clear it when
 * the data changes (in this process directly, in others through a PostgreSQL notification), and
 * the TTL bounds how stale an entry can get should a notification ever be missed.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly loading = new Map<K, Promise<V | undefined>>();
  private generation = 0;

  constructor(private readonly ttlMs: number) {}

  async get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > Date.now()) return entry.value;
    let pending = this.loading.get(key);
    if (!pending) {
      const generation = this.generation;
      pending = load().then((value) => {
        // A clear() during the load means the value may predate the change: do not keep it.
        if (value !== undefined && generation === this.generation) {
          this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
        }
        return value;
      });
      this.loading.set(key, pending);
      void pending.finally(() => this.loading.delete(key)).catch(() => undefined);
    }
    return pending;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }
}
