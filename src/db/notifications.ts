import type { Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';

/** Channels AutoHub signals on between the API and workers. */
export const Channels = {
  /** An account was created, changed or deleted; payload: account id. */
  accounts: 'autohub_accounts',
  /** An API key was revoked (or a user removed), or a browser session ended; payload: key or session id. */
  apiKeys: 'autohub_api_keys',
  /** An operation on Temporal was enqueued (a workflow start); payload: its subject. */
  temporalOutbox: 'autohub_temporal_outbox',
  /** A worker released session shard leases; payload: the Temporal namespace. */
  shardLeases: 'autohub_shard_leases',
  /** An inbound event was injected into a sandbox account; payload: account id. */
  sandboxInbound: 'autohub_sandbox_inbound',
  /** Webhook deliveries were queued (see events.repo); payload: empty. */
  webhookDeliveries: 'autohub_webhook_deliveries',
} as const;

export type Channel = (typeof Channels)[keyof typeof Channels];

/** Sends a notification; delivered to listeners when the surrounding transaction commits. */
export async function notify(db: Knex, channel: Channel, payload: string): Promise<void> {
  await db.raw('select pg_notify(?, ?)', [channel, payload]);
}

/**
 * Listens on `channels` over a dedicated connection, reconnecting after a loss. `onReconnect`
 * runs after every reconnection, so callers can catch up on what they missed meanwhile.
 */
export function listen(
  databaseUrl: string,
  channels: Channel[],
  handler: (channel: Channel, payload: string) => void,
  options: { logger: Logger; onReconnect?: () => void },
): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (attempt: number): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', (n) => handler(n.channel as Channel, n.payload ?? ''));
    next.on('error', (err) => {
      options.logger.warn({ err }, 'notification connection lost');
      schedule(1);
    });
    try {
      await next.connect();
      for (const channel of channels) await next.query(`LISTEN ${channel}`);
      if (closed) return void (await next.end());
      client = next;
      if (attempt > 0) options.onReconnect?.();
    } catch (err) {
      options.logger.warn({ err, attempt }, 'notification connection failed');
      await next.end().catch(() => undefined);
      schedule(attempt + 1);
    }
  };
  const schedule = (attempt: number) => {
    if (closed || retry) return;
    client = undefined;
    retry = setTimeout(() => {
      retry = undefined;
      void connect(attempt);
    }, Math.min(30_000, 250 * 2 ** attempt));
  };

  void connect(0);
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
