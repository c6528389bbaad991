import type { Knex } from 'knex';
import type { AuthKeyWrite, AuthStateStore, SignalKeyType } from '../../platforms/whatsapp/auth-state';
import type { SecretBox } from '../secret-box';

/** Rows per statement: far below PostgreSQL's bind-parameter limit, even for a first login's pre-keys. */
const CHUNK = 1000;

/**
 * One WhatsApp account's Baileys auth state in PostgreSQL: creds in `whatsapp_auth_creds`, every
 * signal key family in `whatsapp_auth_keys` keyed by (account, type, id). Each value is sealed
 * with the {@link SecretBox}, so the tables alone never reveal a session.
 */
export class PgAuthStateStore implements AuthStateStore {
  constructor(
    private readonly db: Knex,
    private readonly secrets: SecretBox,
    readonly accountId: string,
  ) {}

  async loadCreds(): Promise<string | null> {
    const row: { creds: string } | undefined = await this.db('whatsapp_auth_creds').where({ account_id: this.accountId }).first('creds');
    return row ? this.secrets.open(row.creds) : null;
  }

  async saveCreds(json: string): Promise<void> {
    await this.db('whatsapp_auth_creds')
      .insert({ account_id: this.accountId, creds: this.secrets.seal(json), updated_at: this.db.fn.now() })
      .onConflict('account_id')
      .merge();
  }

  async getKeys(type: SignalKeyType, ids: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let start = 0; start < ids.length; start += CHUNK) {
      const rows: Array<{ key_id: string; value: string }> = await this.db('whatsapp_auth_keys')
        .where({ account_id: this.accountId, type })
        .whereIn('key_id', ids.slice(start, start + CHUNK))
        .select('key_id', 'value');
      for (const row of rows) found.set(row.key_id, this.secrets.open(row.value));
    }
    return found;
  }

  /**
   * One transaction of upserts and deletes. A key written twice in the batch keeps its last
   * write, as PostgreSQL refuses to upsert the same row twice in one statement.
   */
  async setKeys(writes: readonly AuthKeyWrite[]): Promise<void> {
    const last = new Map<string, AuthKeyWrite>();
    for (const write of writes) last.set(`${write.type}\u0000${write.id}`, write);
    const upserts = [...last.values()].filter((w): w is AuthKeyWrite & { value: string } => w.value !== null);
    const deletes = new Map<SignalKeyType, string[]>();
    for (const write of last.values()) {
      if (write.value === null) deletes.set(write.type, [...(deletes.get(write.type) ?? []), write.id]);
    }
    if (upserts.length === 0 && deletes.size === 0) return;

    await this.db.transaction(async (trx) => {
      for (const [type, ids] of deletes) {
        for (let start = 0; start < ids.length; start += CHUNK) {
          await trx('whatsapp_auth_keys')
            .where({ account_id: this.accountId, type })
            .whereIn('key_id', ids.slice(start, start + CHUNK))
            .delete();
        }
      }
      const rows = upserts.map((w) => ({
        account_id: this.accountId,
        type: w.type,
        key_id: w.id,
        value: this.secrets.seal(w.value),
        updated_at: trx.fn.now(),
      }));
      for (let start = 0; start < rows.length; start += CHUNK) {
        await trx('whatsapp_auth_keys')
          .insert(rows.slice(start, start + CHUNK))
          .onConflict(['account_id', 'type', 'key_id'])
          .merge();
      }
    });
  }

  async clear(): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('whatsapp_auth_keys').where({ account_id: this.accountId }).delete();
      await trx('whatsapp_auth_creds').where({ account_id: this.accountId }).delete();
    });
  }
}
