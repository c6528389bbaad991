import type { Knex } from 'knex';
import type { CachedPeer, PeerCache } from '../../platforms/telegram/peer-cache';

interface PeerRow {
  account_id: string;
  key: string;
  type: CachedPeer['type'];
  peer_id: string;
  access_hash: string | null;
  username: string | null;
}

const mapPeer = (r: PeerRow): CachedPeer => ({
  key: r.key,
  type: r.type,
  id: r.peer_id,
  accessHash: r.access_hash,
  username: r.username,
});

/** Rows per insert statement: far below PostgreSQL's bind-parameter limit. */
const CHUNK = 1000;

/**
 * The Telegram peer cache in PostgreSQL (`telegram_peers`, keyed by account and key), so a
 * restarted worker resolves broadcast targets without asking Telegram again.
 */
export class PgPeerCache implements PeerCache {
  constructor(private readonly db: Knex) {}

  async get(accountId: string, key: string): Promise<CachedPeer | null> {
    const row: PeerRow | undefined = await this.db('telegram_peers').where({ account_id: accountId, key }).first();
    return row ? mapPeer(row) : null;
  }

  /** Upserts on (account, key); within one call the last entry for a key wins. */
  async put(accountId: string, peers: readonly CachedPeer[]): Promise<void> {
    const byKey = new Map(peers.map((peer) => [peer.key, peer]));
    const rows = [...byKey.values()].map((peer) => ({
      account_id: accountId,
      key: peer.key,
      type: peer.type,
      peer_id: peer.id,
      access_hash: peer.accessHash,
      username: peer.username,
      updated_at: this.db.fn.now(),
    }));
    for (let start = 0; start < rows.length; start += CHUNK) {
      await this.db('telegram_peers')
        .insert(rows.slice(start, start + CHUNK))
        .onConflict(['account_id', 'key'])
        .merge();
    }
  }
}
